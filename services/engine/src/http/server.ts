/**
 * The HTTP server: routing, request ids, access logs, error containment and draining. Draining is
 * what makes a rolling deployment or a scale-in lose nothing: stop accepting connections, let the
 * requests in flight finish, and only then let the process exit.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { LogFields, Logger } from '@game-platform/shared/log';
import type { SessionTracker } from '../domain/ports';
import { sendJson } from './messages';
import { ROUTES, type RouteDependencies } from './routes';

export interface EngineServer {
  server: Server;
  /**
   * Stops accepting connections and waits for in-flight requests; after `timeoutMs` the remaining
   * connections are closed. Resolves `true` when everything finished in time.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/** A caller-supplied request id is kept when it is short and plain, so logs can be joined across services. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Health checks run every few seconds; at `info` they would drown the access log. */
const QUIET_PATHS = new Set(['/health', '/health/ready']);

/** Counts no session: for servers built without a tracker (tests of routes alone). */
const NO_SESSIONS: SessionTracker = { begin: () => () => {}, active: 0 };

export const createEngineServer = (
  dependencies: Omit<RouteDependencies, 'isDraining'>,
  log: Logger,
  sessions: SessionTracker = NO_SESSIONS,
): EngineServer => {
  let draining = false;
  /** Responses not yet finished; told to close their connection when draining begins. */
  const open = new Set<ServerResponse>();
  const routeDependencies: RouteDependencies = { ...dependencies, isDraining: () => draining };

  const server = createServer(async (request, response) => {
    const started = performance.now();
    const header = request.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    const url = new URL(request.url ?? '/', 'http://engine');
    const requestLog: Logger = {
      // requestId last: a field of the same name cannot replace it.
      debug: (message, fields) => log.debug(message, { ...fields, requestId }),
      info: (message, fields) => log.info(message, { ...fields, requestId }),
      warn: (message, fields) => log.warn(message, { ...fields, requestId }),
      error: (message, fields) => log.error(message, { ...fields, requestId }),
    };
    /** What the route reports it did, written on the access line (see RouteContext.outcome). */
    const outcome: LogFields = {};
    open.add(response);
    // A request in flight is a live session (health checks are not: the load balancer's would keep
    // every task protected forever); the live channel's connections will be sessions too.
    const endSession = QUIET_PATHS.has(url.pathname) ? () => {} : sessions.begin('request');
    response.setHeader('x-request-id', requestId);
    // While draining, every response closes its connection, so keep-alive clients reconnect elsewhere.
    if (draining) response.setHeader('connection', 'close');
    /**
     * The access line is written once the response has closed and the route has finished, whichever
     * comes last: a client that leaves while its result waits for SQS still gets a line with the
     * result's eventId (what the route did), with the status and duration the client saw.
     */
    let unfinished = 2;
    let seen: LogFields = {};
    const writeAccessLine = () => {
      unfinished -= 1;
      if (unfinished > 0) return;
      const access = QUIET_PATHS.has(url.pathname) ? requestLog.debug : requestLog.info;
      // The route's fields first, so they can never stand in for the server's own.
      access('request', { ...outcome, method: request.method, path: url.pathname, ...seen });
    };
    response.on('close', () => {
      open.delete(response);
      endSession();
      seen = {
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
        ...(response.writableFinished ? {} : { aborted: true }),
      };
      writeAccessLine();
      if (draining) server.closeIdleConnections();
    });

    try {
      const methods = ROUTES[url.pathname];
      if (!methods)
        return sendJson(response, 404, {
          error: `no route ${url.pathname}; expected one of ${Object.keys(ROUTES).join(', ')}`,
        });
      const route = methods[request.method ?? ''];
      if (!route)
        return sendJson(
          response,
          405,
          {
            error: `${request.method} is not allowed on ${url.pathname}; expected ${Object.keys(methods).join(', ')}`,
          },
          { allow: Object.keys(methods).join(', ') },
        );
      await route({ request, response, url, log: requestLog, outcome }, routeDependencies);
    } catch (error) {
      if (request.destroyed && !response.headersSent)
        return requestLog.info('client closed the connection before the response', { error });
      requestLog.error('request failed', { error });
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error', requestId });
      else response.destroy();
    } finally {
      writeAccessLine();
    }
  });
  // A client gets 10 s to send its headers and 30 s for the whole request: slow clients cannot
  // hold connections open forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const drain = (timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      draining = true;
      for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close');
      const timer = setTimeout(() => {
        log.warn('shutdown timeout reached; closing the remaining connections', { inFlight: open.size });
        server.closeAllConnections();
        resolve(false);
      }, timeoutMs);
      server.close(() => {
        clearTimeout(timer);
        resolve(true);
      });
      server.closeIdleConnections();
      log.info('draining', { inFlight: open.size, timeoutMs });
    });

  return { server, drain };
};
