/**
 * The engine's HTTP routes: thin glue between requests and the domain functions, which receive
 * their dependencies (publisher, leaderboard reader, probes) from here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseLeaderboardQuery, readLeaderboard } from '../domain/leaderboard';
import { type AcceptMatchResultDependencies, acceptMatchResult } from '../domain/match-results';
import type { DependencyProbe, LeaderboardReader } from '../domain/ports';
import { checkReadiness } from '../domain/readiness';
import type { Logger } from '../log';
import { readJsonBody, sendJson } from './messages';

export interface RouteDependencies extends AcceptMatchResultDependencies {
  leaderboard: LeaderboardReader;
  probes: DependencyProbe[];
  /** True once shutdown has begun: readiness answers 503 so nothing new is sent here. */
  isDraining: () => boolean;
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  log: Logger;
}

export type Route = (context: RouteContext, dependencies: RouteDependencies) => Promise<void>;

/** Clients back off this long after a 503 (`Retry-After`, seconds). */
const RETRY_AFTER_SECONDS = '5';
const READINESS_TIMEOUT_MS = 2_000;

/** Liveness: the process answers. Dependencies are not checked, so a database outage does not get every task replaced. */
const liveness: Route = async ({ response }) => sendJson(response, 200, { status: 'ok' });

/** Readiness: the database and the queue answer; says which one does not, never why. */
const readiness: Route = async ({ response, log }, { probes, isDraining }) => {
  if (isDraining()) return sendJson(response, 503, { status: 'stopping' });
  const { ready, checks, failures } = await checkReadiness(probes, READINESS_TIMEOUT_MS);
  if (!ready) log.warn('not ready', { checks, failures });
  sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
};

const postMatch: Route = async ({ request, response, log }, dependencies) => {
  const body = await readJsonBody(request);
  if (!body.ok) return sendJson(response, body.status, { error: 'invalid request', errors: body.errors });
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
      log.info('match result accepted', { eventId: result.event.id, matchId: result.event.payload.matchId });
      return sendJson(response, 202, { eventId: result.event.id, type: result.event.type });
  }
};

const getLeaderboard: Route = async ({ response, url, log }, { leaderboard }) => {
  const query = parseLeaderboardQuery(url.searchParams);
  if (!query.ok) return sendJson(response, 400, { error: 'invalid query', errors: query.errors });
  try {
    const entries = await readLeaderboard(query.value, leaderboard);
    sendJson(response, 200, { entries });
  } catch (error) {
    log.error('leaderboard unavailable: the database query failed', { error });
    sendJson(
      response,
      503,
      { error: 'the leaderboard is unavailable; retry later' },
      { 'retry-after': RETRY_AFTER_SECONDS },
    );
  }
};

/** Path -> method -> route. */
export const ROUTES: Record<string, Record<string, Route>> = {
  '/health': { GET: liveness },
  '/health/ready': { GET: readiness },
  '/matches': { POST: postMatch },
  '/leaderboard': { GET: getLeaderboard },
};
