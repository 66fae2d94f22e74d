/**
 * The engine's HTTP routes: thin glue between requests and the domain functions, which receive
 * their dependencies (publisher, leaderboard reader, probes) from here.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PATH_PREFIX } from '@game-platform/shared/edge';
import type { LogFields, Logger } from '@game-platform/shared/log';
import { parseLeaderboardQuery, rankLeaderboard } from '../domain/leaderboard';
import type { LeaderboardCache, LeaderboardSnapshot } from '../domain/leaderboard-cache';
import { type AcceptMatchResultDependencies, acceptMatchResult } from '../domain/match-results';
import type { AnnouncingEventPublisher, DependencyProbe } from '../domain/ports';
import { checkReadiness } from '../domain/readiness';
import { readJsonBody, sendJson, sendJsonText } from './messages';

export interface RouteDependencies extends AcceptMatchResultDependencies {
  /** Told when a match request starts, so a batch waits for the results on their way and no others. */
  publisher: AnnouncingEventPublisher;
  leaderboard: LeaderboardCache;
  probes: DependencyProbe[];
  /** True once shutdown has begun: readiness answers 503 so nothing new is sent here. */
  isDraining: () => boolean;
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  log: Logger;
  /**
   * Fields the request's access log line carries besides method, path, status and duration: what
   * the request did (the accepted event's id...). One line per request says it all, so a route
   * writes no second line for its ordinary outcome.
   */
  outcome: LogFields;
}

export type Route = (context: RouteContext, dependencies: RouteDependencies) => Promise<void>;

/** Clients back off this long after a 503 (`Retry-After`, seconds). */
const RETRY_AFTER_SECONDS = '5';
const READINESS_TIMEOUT_MS = 2_000;

/**
 * How long shared caches (CloudFront's `/api/*` behaviour) may serve a leaderboard answer: 5 s. A
 * burst of readers (a tournament final, a streamer's audience) then costs the engine at most one
 * request per 5 s per edge location and query, while a finished match still shows within seconds
 * (the consumer writes it ~1-2 s after it is posted). Browsers keep nothing (`max-age=0`): each
 * refresh asks the edge, which answers from its cache. Only successful answers carry it.
 */
export const LEADERBOARD_SHARED_CACHE_SECONDS = 5;
export const LEADERBOARD_CACHE_CONTROL = `public, max-age=0, s-maxage=${LEADERBOARD_SHARED_CACHE_SECONDS}`;

/** Liveness: the process answers. Dependencies are not checked, so a database outage does not get every task replaced. */
const liveness: Route = async ({ response }) => sendJson(response, 200, { status: 'ok' });

/** Readiness: the database and the queue answer; says which one does not, never why. */
const readiness: Route = async ({ response, log }, { probes, isDraining }) => {
  if (isDraining()) return sendJson(response, 503, { status: 'stopping' });
  const { ready, checks, failures } = await checkReadiness(probes, READINESS_TIMEOUT_MS);
  if (!ready) log.warn('not ready', { checks, failures });
  sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
};

/**
 * The request is announced to the publisher as it starts, before its body is read: a batch being
 * formed then waits for its result instead of leaving just before it, and leaves as soon as no
 * announced request is still on its way. Withdrawn whatever the outcome (a no-op once published),
 * so a refused or aborted request does not hold the batch until its linger.
 */
const postMatch: Route = async (context, dependencies) => {
  const announced = dependencies.publisher.announce();
  try {
    await acceptPostedMatch(context, { ...dependencies, publisher: announced });
  } finally {
    announced.withdraw();
  }
};

const acceptPostedMatch = async (
  { request, response, log, outcome }: RouteContext,
  dependencies: AcceptMatchResultDependencies,
): Promise<void> => {
  const body = await readJsonBody(request);
  if (!body.ok)
    return sendJson(response, body.status, { error: 'invalid request', errors: body.errors }, body.headers);
  const key = request.headers['idempotency-key'];
  const result = await acceptMatchResult(body.value, Array.isArray(key) ? key.join(',') : key, dependencies);
  switch (result.outcome) {
    case 'invalid':
      return sendJson(response, 400, { error: 'invalid match result', errors: result.errors });
    case 'key-reused':
      // 422, as the IETF Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header, section 2.7)
      // asks for a key reused with a different payload; 409 there means "the first request is still running".
      log.warn('match result refused: its Idempotency-Key came before with a different match result', {
        eventId: result.eventId,
      });
      return sendJson(response, 422, {
        error: `Idempotency-Key ${result.eventId} was already used for a different match result; send a new key for a new result, and the very same body only to retry`,
        eventId: result.eventId,
      });
    case 'unavailable': {
      const what = result.dependency === 'queue' ? 'the events queue' : 'the database';
      log.error(
        result.dependency === 'queue'
          ? 'match result not accepted: the events queue did not store the event'
          : 'match result not accepted: the database did not record its Idempotency-Key',
        { eventId: result.eventId, error: result.cause },
      );
      return sendJson(
        response,
        503,
        {
          error: `${what} is unavailable and the match result was NOT accepted; retry later with the header Idempotency-Key: ${result.eventId}`,
          eventId: result.eventId,
        },
        { 'retry-after': RETRY_AFTER_SECONDS },
      );
    }
    case 'accepted':
      outcome.eventId = result.event.id;
      outcome.matchId = result.event.payload.matchId;
      return sendJson(response, 202, { eventId: result.event.id, type: result.event.type });
  }
};

interface RenderedPage {
  text: string;
  etag: string;
}

/**
 * Each page (limit) of a snapshot is serialized once; its ETag is a hash of the bytes, so every task
 * behind the load balancer gives the same ETag for the same board and a refresh that reads the same
 * rows keeps it. A snapshot replaced by a refresh is collected with its pages.
 */
const renderedPages = new WeakMap<LeaderboardSnapshot, Map<number, RenderedPage>>();

const renderPage = (snapshot: LeaderboardSnapshot, limit: number): RenderedPage => {
  let pages = renderedPages.get(snapshot);
  if (!pages) {
    pages = new Map();
    renderedPages.set(snapshot, pages);
  }
  let page = pages.get(limit);
  if (!page) {
    const text = JSON.stringify({ entries: rankLeaderboard(snapshot.rows, { limit }) });
    page = { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"` };
    pages.set(limit, page);
  }
  return page;
};

/** `If-None-Match` holds `*` or the entity tag (weak comparison, RFC 9110 13.1.2). */
const matchesEtag = (header: string | undefined, etag: string): boolean =>
  (header ?? '').split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag;
  });

const getLeaderboard: Route = async ({ request, response, url, log }, { leaderboard }) => {
  const query = parseLeaderboardQuery(url.searchParams);
  if (!query.ok) return sendJson(response, 400, { error: 'invalid query', errors: query.errors });
  let snapshot: LeaderboardSnapshot;
  try {
    snapshot = await leaderboard.get();
  } catch (error) {
    log.error('leaderboard unavailable: the database query failed', { error });
    return sendJson(
      response,
      503,
      { error: 'the leaderboard is unavailable; retry later' },
      { 'retry-after': RETRY_AFTER_SECONDS },
    );
  }
  const { text, etag } = renderPage(snapshot, query.value.limit);
  const headers = { etag, 'cache-control': LEADERBOARD_CACHE_CONTROL };
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers);
    return void response.end();
  }
  sendJsonText(response, 200, text, headers);
};

/**
 * Path -> method -> route. Players' routes are under `/api`, exactly as the distribution's `/api/*`
 * behaviour forwards them (no rewrite anywhere); the probes stay at the root, where only the load
 * balancer and ECS call them. `POST /api/matches` is for game servers: the public edge refuses it.
 */
export const ROUTES: Record<string, Record<string, Route>> = {
  '/health': { GET: liveness },
  '/health/ready': { GET: readiness },
  [`${API_PATH_PREFIX}/matches`]: { POST: postMatch },
  [`${API_PATH_PREFIX}/leaderboard`]: { GET: getLeaderboard },
};
