/**
 * The stage profiles: the one place where stages differ. A stage whose name is not a key
 * here (a feature branch, a developer's sandbox) uses `FALLBACK_PROFILE`.
 *
 * To add a stage, add a key with a full profile (copy the closest one); `npm test` synthesizes
 * and checks every profile listed in `CHECKED_PROFILES`. README: "How to add a stage".
 */
import type { StageProfileInput } from './schema';

/** Profile used by any stage name not listed below, e.g. `npx serverless deploy --stage alice`. */
export const FALLBACK_PROFILE = 'dev';

export const stageProfiles = {
  dev: {
    region: 'eu-west-1',
    production: false,
    // Sandboxes come and go: their queues, logs and keys go with the stack (the database keeps a snapshot).
    retainData: false,
    network: { vpcCidr: '10.20.0.0/16', azCount: 2, natMode: 'none', flowLogRetentionDays: 14 },
    observability: { alarmEmail: null, logRetentionDays: 14 },
    datastore: {
      engineVersion: '17',
      instanceClass: 'db.t4g.micro',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 50,
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      performanceInsights: true,
      performanceInsightsRetentionDays: 7,
      maxConnections: 80,
      slowStatementMs: 500,
      // Backups stay in the stage's region: dev data is rebuilt, not recovered from another region.
      backupReplication: null,
    },
    integrations: {
      batchSize: 10,
      maximumBatchingWindowSeconds: 1,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 256,
      maxReceiveCount: 5,
      messageRetentionDays: 4,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 2,
      databaseConnectionBudget: 4,
      oldestMessageAgeAlarmSeconds: 900,
    },
    engine: {
      cpuArchitecture: 'ARM64',
      // The image built from this checkout (tag src-<hash of its inputs>), pushed by the deploy
      // when the repository does not have it (README of services/engine, "Releases").
      imageTag: null,
      promoteFrom: null,
      // Rolling with the circuit breaker: a developer's deploy replaces tasks in place, quickly.
      deployment: { strategy: 'ROLLING' },
      cpu: 256,
      memoryMiB: 512,
      minCount: 1,
      maxCount: 2,
      enableExecuteCommand: false,
      databasePoolMax: 5,
      secrets: {},
    },
    frontend: {
      priceClass: 'PriceClass_100',
      // The seed's Origin Access Identity; OAI cannot read SSE-KMS objects, hence SSE-S3.
      originAccess: 'oai',
      siteEncryption: 'sse-s3',
      customDomain: null,
      webAclArn: null,
      spaFallback: false,
      accessLogRetentionDays: 14,
      noncurrentVersionDays: 7,
    },
    edge: {
      loadBalancerDeletionProtection: false,
      loadBalancerAccessLogs: false,
      accessLogRetentionDays: 14,
      // No web ACL: dev is not announced to players; CloudFront's own DDoS protection (Shield Standard) applies.
      webAcl: false,
      apiRequestsPer5MinutesPerIp: 1000,
    },
    endpoints: {
      // Only what the workloads call (derived). No `s3` interface endpoint: in-VPC S3 traffic takes the
      // free gateway endpoint, and dev has no on-premises or peered clients that would need it.
      extraInterfaceServices: {},
      // One AZ halves the endpoint bill; dev accepts losing AWS APIs while that AZ is down.
      interfaceAzCount: 1,
    },
    // For `npm run cost` only: A few developers playing.
    expectedLoad: { monthlyPlayers: 10, matchesPerDay: 200, pageViewsPerMonth: 5_000 },
  },
  staging: {
    region: 'eu-west-1',
    production: false,
    // Test data only: removed with the stack, like dev's.
    retainData: false,
    network: { vpcCidr: '10.21.0.0/16', azCount: 2, natMode: 'single', flowLogRetentionDays: 30 },
    observability: { alarmEmail: null, logRetentionDays: 30 },
    datastore: {
      engineVersion: '17',
      instanceClass: 'db.t4g.small',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: false,
      deletionProtection: true,
      backupRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      performanceInsights: true,
      performanceInsightsRetentionDays: 7,
      maxConnections: 150,
      slowStatementMs: 500,
      backupReplication: null,
    },
    integrations: {
      batchSize: 25,
      maximumBatchingWindowSeconds: 2,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 256,
      maxReceiveCount: 5,
      messageRetentionDays: 4,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 4,
      databaseConnectionBudget: 10,
      oldestMessageAgeAlarmSeconds: 600,
    },
    engine: {
      cpuArchitecture: 'ARM64',
      // Built from source like dev: a fresh account deploys with no edit. To run the bytes another
      // stage tested, set promoteFrom to it; to pin a release, set imageTag (README of
      // services/engine, "Releases").
      imageTag: null,
      promoteFrom: null,
      // The release path prod takes (second target group, listener rule swap, alarm rollback), rehearsed
      // on the bytes prod will run; a short bake: one window of the release alarms (5 minutes).
      // Not canary or linear: staging's little traffic would give a 10 % slice no signal to alarm on.
      deployment: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 5 },
      cpu: 512,
      memoryMiB: 1024,
      minCount: 1,
      maxCount: 3,
      enableExecuteCommand: false,
      databasePoolMax: 5,
      secrets: {},
    },
    frontend: {
      priceClass: 'PriceClass_100',
      // Transitional: the bucket trusts both; the next step (oac) switches the distribution over.
      originAccess: 'oai+oac',
      siteEncryption: 'sse-s3',
      customDomain: null,
      webAclArn: null,
      spaFallback: false,
      accessLogRetentionDays: 30,
      noncurrentVersionDays: 14,
    },
    edge: {
      loadBalancerDeletionProtection: false,
      loadBalancerAccessLogs: false,
      accessLogRetentionDays: 30,
      // No web ACL: staging is not announced to players; CloudFront's own DDoS protection (Shield Standard) applies.
      webAcl: false,
      apiRequestsPer5MinutesPerIp: 1000,
    },
    endpoints: {
      // The endpoints the workloads call, in both AZs, like prod: with private DNS, calls to these services
      // take the endpoints even though NAT exists, so staging tests prod's endpoint policies.
      extraInterfaceServices: {
        s3: "The seed's PrivateLink example: clients outside the VPC (VPN, peered VPCs) reach S3 privately; staging mirrors prod.",
      },
      interfaceAzCount: 2,
    },
    // For `npm run cost` only: Testers and load rehearsals.
    expectedLoad: { monthlyPlayers: 50, matchesPerDay: 2_000, pageViewsPerMonth: 50_000 },
  },
  prod: {
    region: 'eu-west-1',
    production: true,
    retainData: true,
    network: { vpcCidr: '10.22.0.0/16', azCount: 3, natMode: 'perAz', flowLogRetentionDays: 365 },
    observability: { alarmEmail: null, logRetentionDays: 365 },
    datastore: {
      engineVersion: '17',
      instanceClass: 'db.m7g.large',
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 1000,
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 14,
      monitoringIntervalSeconds: 15,
      performanceInsights: true,
      performanceInsightsRetentionDays: 31,
      maxConnections: 500,
      slowStatementMs: 1000,
      // A region outage must not take the only copy of the game's data: automated backups (point in
      // time) are replicated to Frankfurt under a key there (services/backups).
      backupReplication: { region: 'eu-central-1', retentionDays: 14 },
    },
    integrations: {
      batchSize: 100,
      maximumBatchingWindowSeconds: 2,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 512,
      maxReceiveCount: 5,
      // A week to recover from an outage; the dead-letter queue keeps a message for the maximum, 14.
      messageRetentionDays: 7,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 10,
      // Of the ~900 connections a db.m7g.large allows (8 GiB / 9,531,392 bytes); the engine and the operators keep the rest.
      databaseConnectionBudget: 40,
      oldestMessageAgeAlarmSeconds: 300,
    },
    engine: {
      cpuArchitecture: 'ARM64',
      // Built from source like dev: a fresh account deploys with no edit. To run the bytes another
      // stage tested, set promoteFrom to it; to pin a release, set imageTag (README of
      // services/engine, "Releases").
      imageTag: null,
      promoteFrom: null,
      // Blue/green: players move to a fully started green set at once, and blue keeps running for
      // 15 minutes (three windows of the 5-minute release alarms), so a 5xx, p99 or health-check
      // regression under real traffic moves them back to blue without a task start.
      deployment: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 15 },
      cpu: 1024,
      memoryMiB: 2048,
      // Two tasks at rest, one per AZ: a task or an AZ can fail without an outage.
      minCount: 2,
      maxCount: 10,
      enableExecuteCommand: false,
      databasePoolMax: 5,
      secrets: {},
    },
    frontend: {
      priceClass: 'PriceClass_All',
      originAccess: 'oac',
      siteEncryption: 'kms',
      customDomain: null,
      webAclArn: null,
      spaFallback: false,
      accessLogRetentionDays: 365,
      noncurrentVersionDays: 30,
    },
    edge: {
      loadBalancerDeletionProtection: true,
      loadBalancerAccessLogs: true,
      accessLogRetentionDays: 365,
      webAcl: true,
      // ~3.3 requests/s sustained per IP: a player's page polls the leaderboard far less; a venue
      // behind one NAT address with many players stays under it.
      apiRequestsPer5MinutesPerIp: 1000,
    },
    endpoints: {
      // The same endpoints as staging, so staging exercises prod's endpoint policies. No `kms` or
      // `sts`: no workload calls them (SQS-managed SSE, AWS-managed secret key, IAM database tokens
      // signed locally, task credentials from the ECS agent); with NAT on, a later call still works.
      extraInterfaceServices: {
        s3: "The seed's PrivateLink example: clients outside the VPC (VPN, peered VPCs, on-premises) reach S3 without the internet.",
      },
      interfaceAzCount: 3,
    },
    // For `npm run cost` only: The launch plan: 50,000 monthly players, about 4 matches each a day.
    expectedLoad: { monthlyPlayers: 50_000, matchesPerDay: 200_000, pageViewsPerMonth: 3_000_000 },
  },
} satisfies Record<string, StageProfileInput>;

/** Profiles that `npm test` synthesizes and checks: production-only defaults are where mistakes hide. */
export const CHECKED_PROFILES = Object.keys(stageProfiles) as Array<keyof typeof stageProfiles>;
