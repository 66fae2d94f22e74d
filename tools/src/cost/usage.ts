/**
 * What a stage is assumed to use in a month, from its profile's `expectedLoad` and the figures
 * below. Every usage line of `npm run cost` says which of these it rests on; change a figure here
 * (for every stage) or the profile's `expectedLoad` (for one).
 */
import type { StageProfile } from '@game-platform/shared/profiles';

const DAYS_PER_MONTH = 30.4;
const MINUTES_PER_MONTH = 43_800;

/** The figures behind the usage lines; each is printed with the report. */
export const ASSUMPTIONS = {
  /** One `match.completed` event per match (the engine publishes one per result). */
  eventsPerMatch: 1,
  /** Site assets per page view (HTML, JS, CSS, images) and their size, before browser caching. */
  requestsPerPageView: 8,
  pageViewKiB: 400,
  /** Consumer run time per invocation: one INSERT ... SELECT of the batch. */
  consumerMsPerInvocation: 150,
  /**
   * Requests Lambda's SQS pollers make while the queue is idle: at least 5 pollers, long polling
   * 20 s each, so about 3 receives a minute each. They are billed like any other request.
   */
  idlePollers: 5,
  idleReceivesPerPollerMinute: 3,
  /** Log bytes written per match by the engine (request lines), and per consumer invocation (START/END/REPORT, EMF). */
  engineLogBytesPerMatch: 2_000,
  engineLogGbPerTaskMonth: 0.1,
  consumerLogBytesPerInvocation: 2_000,
  /** Flow log records (VPC traffic summaries) per AZ, and the database's exported logs (slow statements, upgrades). */
  flowLogGbPerAzMonth: 1,
  databaseLogGbMonth: 0.5,
  /** Internet traffic through NAT (OS and library downloads, third-party APIs); AWS API calls take the endpoints. */
  natGbPerMonth: 5,
  /** Stored objects: the site with its kept versions, one engine image per release, framework artifacts. */
  siteGiB: 0.05,
  engineImageGiB: 0.08,
  engineImagesStored: 20,
  deploymentArtifactsGiB: 0.05,
  /** One access log line per CloudFront request. */
  accessLogBytesPerRequest: 400,
  /** Average load balancer capacity units in use (the minimum a running ALB is billed for is one). */
  loadBalancerLcus: 1,
} as const;

export interface StageUsage {
  eventsPerMonth: number;
  consumerInvocationsPerMonth: number;
  consumerGbSeconds: number;
  queueRequestsPerMonth: number;
  siteRequestsPerMonth: number;
  siteGbOutPerMonth: number;
}

/** The month's usage of a stage, from its expected load and the consumer's batching. */
export const stageUsage = (profile: StageProfile): StageUsage => {
  const { expectedLoad, integrations } = profile;
  const eventsPerMonth = expectedLoad.matchesPerDay * ASSUMPTIONS.eventsPerMatch * DAYS_PER_MONTH;
  // Lambda waits up to the batching window for a batch: at low rates a batch holds what arrived meanwhile.
  const eventsPerWindow =
    (eventsPerMonth / (MINUTES_PER_MONTH * 60)) * Math.max(1, integrations.maximumBatchingWindowSeconds);
  const eventsPerBatch = Math.max(1, Math.min(integrations.batchSize, eventsPerWindow));
  const consumerInvocationsPerMonth = eventsPerMonth / eventsPerBatch;
  const idleReceives = ASSUMPTIONS.idlePollers * ASSUMPTIONS.idleReceivesPerPollerMinute * MINUTES_PER_MONTH;
  return {
    eventsPerMonth,
    consumerInvocationsPerMonth,
    consumerGbSeconds:
      consumerInvocationsPerMonth *
      (ASSUMPTIONS.consumerMsPerInvocation / 1000) *
      (integrations.memorySizeMiB / 1024),
    // One send per event; one receive and one batch delete per invocation; the idle pollers.
    queueRequestsPerMonth: eventsPerMonth + 2 * consumerInvocationsPerMonth + idleReceives,
    siteRequestsPerMonth: expectedLoad.pageViewsPerMonth * ASSUMPTIONS.requestsPerPageView,
    siteGbOutPerMonth: (expectedLoad.pageViewsPerMonth * ASSUMPTIONS.pageViewKiB) / 1024 ** 2,
  };
};
