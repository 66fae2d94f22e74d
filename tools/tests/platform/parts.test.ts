/**
 * How `npm start` finds and starts the services' parts, with stand-in parts (no servers): the parts
 * come from each compose service's `local.ts` in deploy order; a `local.ts` without its list, a
 * part taking an output of a part not before it, or two parts of one name, is refused naming the file. Started, every
 * `prepare` begins at once, each part starts as soon as the parts it takes outputs from are ready
 * and gets their values; a part whose producer failed is not started, and the failure reported is
 * the first part's (in order), after every start has settled.
 */
import {
  Lifecycle,
  type LifecycleEvent,
  type LocalPart,
  type LocalSettings,
  PartError,
} from '@game-platform/local';
import { describe, expect, it } from 'vitest';
import { loadLocalParts, startParts } from '../../src/platform/parts';

const SETTINGS: LocalSettings = {
  stage: 'dev',
  dataDir: '/nowhere',
  logDir: '/nowhere/logs',
  ports: { postgres: 1, sqs: 2, engine: 3, site: 4 },
  fresh: false,
  consumerTiming: { visibilityTimeoutSeconds: undefined, functionTimeoutSeconds: 30 },
};

/** A promise with its resolve and reject, to decide from the test when a part is ready. */
const deferred = <T>() => {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
};

/** A stand-in part that records what happens to it in `log` and is ready when `ready` says. */
const standIn = (
  log: string[],
  name: string,
  options: {
    params?: LocalPart['params'];
    outputs?: Record<string, string>;
    ready?: Promise<void>;
    prepare?: () => Promise<unknown>;
  } = {},
): LocalPart => ({
  name,
  ...(options.params ? { params: options.params } : {}),
  ...(options.prepare ? { prepare: options.prepare } : {}),
  start: async ({ params, prepared }) => {
    log.push(`start ${name} ${JSON.stringify(params)}`);
    await options.ready;
    log.push(`prepared for ${name}: ${String(await prepared)}`);
    return {
      summary: `${name} is up`,
      outputs: options.outputs ?? {},
      stop: async () => {
        log.push(`stop ${name}`);
        return undefined;
      },
    };
  },
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the parts of npm start, through the compose file', () => {
  it("are the services' localParts, in deploy order", async () => {
    // Act
    const parts = await loadLocalParts();

    // Assess
    expect(parts.map((part) => part.name)).toEqual(['datastore', 'queues', 'consumer', 'engine', 'frontend']);
    expect(parts.find((part) => part.name === 'engine')?.params).toEqual({
      databaseUrl: 'datastore.engineDatabaseUrl',
      queueUrl: 'queues.queueUrl',
      sqsEndpoint: 'queues.endpoint',
    });
  });

  it('refuses a local.ts without its localParts list, naming the file', async () => {
    // Prepare
    const services = [
      { name: 'x', path: 'tools/tests/discovery/local-without-list', params: {}, dependsOn: [] },
    ];

    // Act + Assess
    await expect(loadLocalParts(services)).rejects.toThrow(
      'tools/tests/discovery/local-without-list/local.ts exports no `localParts` list',
    );
  });

  it('refuses a part taking an output of a part that is not started before it', async () => {
    // Prepare: the eager service is listed first, so the datastore's parts come after its own.
    const services = [
      { name: 'eager', path: 'tools/tests/discovery/local-reaching-forward', params: {}, dependsOn: [] },
      { name: 'datastore', path: 'services/datastore', params: {}, dependsOn: [] },
    ];

    // Act + Assess
    await expect(loadLocalParts(services)).rejects.toThrow(
      'tools/tests/discovery/local-reaching-forward/local.ts: part "eager" takes databaseUrl from datastore.engineDatabaseUrl, but no part before it is named "datastore" (parts before it: none)',
    );
  });

  it('refuses two parts of one name, naming the one file that lists both', async () => {
    // Prepare
    const services = [
      { name: 'twins', path: 'tools/tests/discovery/local-twins', params: {}, dependsOn: [] },
    ];

    // Act + Assess
    await expect(loadLocalParts(services)).rejects.toThrow(
      /^tools\/tests\/discovery\/local-twins\/local.ts: two parts are named "datastore"$/,
    );
  });

  it('refuses a part named as one of another local.ts, naming that file', async () => {
    // Prepare
    const services = [
      { name: 'datastore', path: 'services/datastore', params: {}, dependsOn: [] },
      { name: 'twins', path: 'tools/tests/discovery/local-twins', params: {}, dependsOn: ['datastore'] },
    ];

    // Act + Assess
    await expect(loadLocalParts(services)).rejects.toThrow(
      /^tools\/tests\/discovery\/local-twins\/local.ts: a part named "datastore" is already started by services\/datastore\/local.ts$/,
    );
  });

  it('names the whole part of a reference without an output', async () => {
    // Prepare
    const services = [
      { name: 'loose', path: 'tools/tests/discovery/local-unqualified', params: {}, dependsOn: [] },
    ];

    // Act + Assess
    await expect(loadLocalParts(services)).rejects.toThrow(
      'tools/tests/discovery/local-unqualified/local.ts: part "loose" takes databaseUrl from datastore, but no part before it is named "datastore" (parts before it: none)',
    );
  });
});

describe('starting the parts', () => {
  it('prepares at once, starts each part when its producers are ready, with their outputs', async () => {
    // Prepare
    const log: string[] = [];
    const database = deferred<void>();
    const bundle = deferred<string>();
    const parts = [
      standIn(log, 'db', { ready: database.promise, outputs: { url: 'postgres://db' } }),
      standIn(log, 'queue', { outputs: { url: 'http://queue' } }),
      standIn(log, 'app', {
        params: { databaseUrl: 'db.url', queueUrl: 'queue.url' },
        prepare: () => {
          log.push('prepare app');
          return bundle.promise;
        },
      }),
      standIn(log, 'site'),
    ];
    const events: LifecycleEvent[] = [];

    // Act
    const starting = startParts(parts, SETTINGS, new Lifecycle((event) => events.push(event)));
    await tick();
    const beforeDatabase = [...log];
    bundle.resolve('bundle.mjs');
    database.resolve();
    const started = await starting;

    // Assess
    expect(beforeDatabase).toEqual([
      'prepare app',
      'start db {}',
      'start queue {}',
      'start site {}',
      'prepared for queue: undefined',
      'prepared for site: undefined',
    ]);
    expect(log.slice(beforeDatabase.length)).toEqual([
      'prepared for db: undefined',
      'start app {"databaseUrl":"postgres://db","queueUrl":"http://queue"}',
      'prepared for app: bundle.mjs',
    ]);
    expect(events.map((event) => event.type === 'ready' && event.part)).toEqual([
      'queue',
      'site',
      'db',
      'app',
    ]);
    expect([...started.keys()].sort()).toEqual(['app', 'db', 'queue', 'site']);
  });

  it("does not start a part whose producer failed, and reports the first failed part's error once all settled", async () => {
    // Prepare
    const log: string[] = [];
    const slowSite = deferred<void>();
    const parts = [
      standIn(log, 'db', { ready: Promise.reject(new Error('disk full')) }),
      standIn(log, 'queue'),
      standIn(log, 'app', { params: { databaseUrl: 'db.url' } }),
      standIn(log, 'site', { ready: slowSite.promise.then(() => Promise.reject(new Error('build broke'))) }),
    ];
    const lifecycle = new Lifecycle();
    let settled = false;

    // Act
    const starting = startParts(parts, SETTINGS, lifecycle).finally(() => {
      settled = true;
    });
    await tick();
    const settledBeforeSite = settled;
    slowSite.resolve();
    const error = await starting.catch((failure: unknown) => failure);

    // Assess
    expect(settledBeforeSite).toBe(false);
    expect(error).toBeInstanceOf(PartError);
    expect((error as PartError).message).toBe('db: disk full');
    expect(log.some((line) => line.startsWith('start app'))).toBe(false);
    expect((await lifecycle.stop()).map((result) => result.part)).toEqual(['queue']);
  });

  it('names the part asking for an output its producer does not give', async () => {
    // Prepare
    const parts = [
      standIn([], 'db', { outputs: { ownerUrl: 'postgres://owner' } }),
      standIn([], 'app', { params: { databaseUrl: 'db.engineUrl' } }),
    ];

    // Act + Assess
    await expect(startParts(parts, SETTINGS, new Lifecycle())).rejects.toThrow(
      'app: databaseUrl takes db.engineUrl, which db does not output (its outputs: ownerUrl)',
    );
  });
});
