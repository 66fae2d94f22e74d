/**
 * No player cut by a release or a scale-in: while the engine holds live sessions (requests in
 * flight today, the live channel's connections later) it keeps ECS task scale-in protection on
 * through the ECS agent's endpoint, renews it while they last, and releases it once idle. Tested
 * against a local stand-in of `$ECS_AGENT_URI/task-protection/v1/state` that records every call,
 * through the real HTTP server, with draining telling a keep-alive client to reconnect elsewhere.
 */
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@game-platform/shared/log';
import { afterEach, describe, expect, it } from 'vitest';
import { ecsTaskProtection } from '../src/adapters/ecs-task-protection';
import { readEngineConfig } from '../src/config';
import { LeaderboardCache } from '../src/domain/leaderboard-cache';
import type { LeaderboardRow } from '../src/domain/ports';
import { createSessionTracker, type SessionTrackerOptions } from '../src/domain/sessions';
import { createEngineServer } from '../src/http/server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (timers run late on a loaded machine), failing after 5 s. */
const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};

interface AgentCall {
  method: string;
  path: string;
  body: unknown;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const listen = async (server: Server) => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The ECS agent's task protection endpoint, as documented: PUT with JSON, 200 {"protection":...}. */
const agentStandIn = async (status = 200) => {
  const calls: AgentCall[] = [];
  const url = await listen(
    createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const body = JSON.parse(text || 'null') as { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
        calls.push({ method: request.method ?? '', path: request.url ?? '', body });
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            status === 200
              ? {
                  protection: {
                    ProtectionEnabled: body.ProtectionEnabled,
                    TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/game-dev-engine/0',
                  },
                }
              : { error: { Code: 'ServerException', Message: 'stand-in failure' } },
          ),
        );
      });
    }),
  );
  return {
    url,
    calls,
    enabled: () => calls.map((call) => (call.body as { ProtectionEnabled: boolean }).ProtectionEnabled),
  };
};

const logLines: string[] = [];
const log = createLogger('info', { service: 'engine' }, (line) => logLines.push(line));

/** A tracker on the agent endpoint at `agentUrl`; timings in milliseconds so the tests run fast. */
const trackerFor = (
  agentUrl: string,
  options: Partial<Omit<SessionTrackerOptions, 'protection' | 'log'>> = {},
) =>
  createSessionTracker({
    protection: ecsTaskProtection(agentUrl),
    expiresInMinutes: 60,
    maxProtectedMs: 60_000,
    log,
    ...options,
  });

describe('session tracker with the ECS agent endpoint', () => {
  it('protects on the first session, once for overlapping sessions, and releases after the idle delay', async () => {
    // Prepare
    const agent = await agentStandIn();
    const sessions = trackerFor(agent.url, {
      releaseAfterIdleMs: 50,
    });

    // Act
    const endFirst = sessions.begin('request');
    const endSecond = sessions.begin('live');
    await sessions.settled();
    const whileHeld = { calls: agent.calls.length, protected: sessions.protected };
    endFirst();
    endFirst(); // a second end of the same session counts once
    await sleep(80);
    const oneLeft = { calls: agent.calls.length, active: sessions.active };
    endSecond();
    await until(() => agent.calls.length === 2, 'the release after the idle delay');
    await sessions.settled();

    // Assess
    expect(whileHeld).toEqual({ calls: 1, protected: true });
    expect(oneLeft).toEqual({ calls: 1, active: 1 });
    expect(agent.calls).toEqual([
      {
        method: 'PUT',
        path: '/task-protection/v1/state',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 60 },
      },
      { method: 'PUT', path: '/task-protection/v1/state', body: { ProtectionEnabled: false } },
    ]);
    expect(sessions.protected).toBe(false);
  });

  it('renews the protection while sessions last, and a new session during the idle delay keeps it', async () => {
    // Prepare
    const agent = await agentStandIn();
    const sessions = trackerFor(agent.url, {
      expiresInMinutes: 2,
      renewEveryMs: 40,
      releaseAfterIdleMs: 200,
    });

    // Act
    const end = sessions.begin('live');
    await until(() => agent.calls.length >= 3, 'two renewals');
    end();
    await sleep(20);
    const endAgain = sessions.begin('live'); // back within the idle delay: no release, no new call
    await sleep(70);
    endAgain();
    await sessions.close();

    // Assess: protection calls only, then the one release at shutdown; every call for 2 minutes.
    const enabled = agent.enabled();
    expect(enabled).toEqual([...Array(enabled.length - 1).fill(true), false]);
    expect(enabled.length - 1).toBeGreaterThanOrEqual(3); // the first call and at least two renewals
    expect(agent.calls.slice(0, -1).map((call) => call.body)).toEqual(
      Array(enabled.length - 1).fill({ ProtectionEnabled: true, ExpiresInMinutes: 2 }),
    );
  });

  it('stops renewing at the cap under traffic that never pauses, and protects again after an idle period', async () => {
    // Prepare
    const agent = await agentStandIn();
    logLines.length = 0;
    // A clock that advances one renewal period per reading, however late the timers run.
    let readings = 0;
    const sessions = trackerFor(agent.url, {
      renewEveryMs: 30,
      maxProtectedMs: 75,
      releaseAfterIdleMs: 20,
      now: () => 30 * readings++,
    });

    // Act
    const end = sessions.begin('request');
    await until(() => logLines.some((line) => line.includes('not renewed')), 'the cap');
    await sleep(100); // busy past the cap: no renewal any more
    await sessions.settled();
    const whileBusy = agent.enabled();
    end();
    await until(() => agent.calls.length === 3, 'the release after the idle delay');
    const again = sessions.begin('request');
    await sessions.settled();
    again();
    await sessions.close();

    // Assess: the first call and one renewal (30 ms; 60 ms would pass 75), nothing more while busy.
    expect(whileBusy).toEqual([true, true]);
    expect(
      logLines.some((line) => line.includes('scale-in protection not renewed: held for its maximum')),
    ).toBe(true);
    expect(agent.enabled()).toEqual([true, true, false, true, false]);
  });

  it('logs a failing endpoint and keeps serving the session', async () => {
    // Prepare
    const agent = await agentStandIn(500);
    logLines.length = 0;
    const sessions = trackerFor(agent.url, {});

    // Act
    const end = sessions.begin('request');
    await sessions.settled();
    end();
    await sessions.close();

    // Assess
    expect(sessions.protected).toBe(false);
    expect(
      logLines.some(
        (line) => line.includes('scale-in protection call failed') && line.includes('answered 500'),
      ),
    ).toBe(true);
  });
});

describe('the engine server holding a player', () => {
  it('is protected while a request is in flight (health checks excluded), tells the client to reconnect elsewhere when draining, and releases after', async () => {
    // Prepare: a leaderboard read that waits until released, so a request stays in flight.
    const agent = await agentStandIn();
    const sessions = trackerFor(agent.url, {
      expiresInMinutes: 30,
      releaseAfterIdleMs: 20,
    });
    let finish: () => void = () => {};
    const held = new Promise<void>((resolve) => (finish = resolve));
    const engine = createEngineServer(
      {
        publisher: {
          publish: async () => {},
          announce: () => ({ publish: async () => {}, withdraw: () => {} }),
        },
        // Every key is new: this test holds a leaderboard read, not a match result.
        requestKeys: { claim: async (_key: string, fingerprint: string) => fingerprint },
        leaderboard: new LeaderboardCache({
          reader: {
            top: async (): Promise<LeaderboardRow[]> => {
              await held;
              return [];
            },
          },
          maxRows: 100,
          refreshIntervalMs: 1_000,
        }),
        probes: [],
        source: 'engine',
        now: () => new Date(),
        newEventId: () => '00000000-0000-4000-8000-000000000000',
      },
      log,
      sessions,
    );
    const url = await listen(engine.server);

    // Act
    await fetch(`${url}/health`);
    await sleep(40);
    await sessions.settled();
    const afterHealth = agent.calls.length;
    const agentKeepAlive = new Agent({ keepAlive: true });
    const inFlight = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      httpRequest(`${url}/api/leaderboard`, { agent: agentKeepAlive }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
      })
        .on('error', reject)
        .end();
    });
    await until(() => sessions.active === 1, 'the request to arrive');
    await sessions.settled();
    const whileInFlight = agent.enabled();
    const drained = engine.drain(2_000);
    finish();
    const answer = await inFlight;
    await drained;
    await until(() => agent.calls.length === 2, 'the release once idle');
    await sessions.close();
    agentKeepAlive.destroy();

    // Assess
    expect(afterHealth).toBe(0);
    expect(whileInFlight).toEqual([true]);
    expect(answer).toEqual({ status: 200, connection: 'close' });
    expect(agent.enabled()).toEqual([true, false]);
    expect(agent.calls[0]?.body).toEqual({ ProtectionEnabled: true, ExpiresInMinutes: 30 });
  });
});

describe('configuration', () => {
  const base = {
    EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-dev-events',
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/game',
  };

  it('reads ECS_AGENT_URI and TASK_PROTECTION_MINUTES (default 10, at most 60 in a row; no agent outside ECS)', () => {
    // Act
    const local = readEngineConfig(base);
    const inEcs = readEngineConfig({
      ...base,
      ECS_AGENT_URI: 'http://169.254.170.2/api/abc-123',
      TASK_PROTECTION_MINUTES: '120',
    });

    // Assess
    expect([local.ecsAgentUri, local.taskProtectionMinutes, local.taskProtectionMaxMinutes]).toEqual([
      undefined,
      10,
      60,
    ]);
    expect([inEcs.ecsAgentUri, inEcs.taskProtectionMinutes]).toEqual([
      'http://169.254.170.2/api/abc-123',
      120,
    ]);
  });

  it('refuses a protection period ECS does not accept and an agent URI that is not a URL, naming both', () => {
    // Act and assess
    expect(() => readEngineConfig({ ...base, ECS_AGENT_URI: 'agent', TASK_PROTECTION_MINUTES: '0' })).toThrow(
      expect.objectContaining({
        problems: [
          'ECS_AGENT_URI is "agent"; expected the http URL of the ECS agent endpoint that ECS sets, or unset outside ECS',
          'TASK_PROTECTION_MINUTES is "0"; expected an integer from 1 to 2880 (what ECS task scale-in protection accepts)',
        ],
      }),
    );
  });
});
