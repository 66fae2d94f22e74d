/**
 * The local platform's lifecycle with stand-in parts (no servers): parts stop in reverse order of
 * readiness; a part that fails to start is named and everything already started is stopped; the
 * first part dying while running is reported, one ending because it is stopped is not; a stop that
 * hangs is cut off and reported; the port probe sees a real listener.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  Lifecycle,
  type LifecycleEvent,
  PartError,
  portIsFree,
  type RunningPart,
  settleAll,
} from '../src/lifecycle';
import { freePort } from '../src/postgres';

/** A part that records its stop in `log`, and can be made to die. */
const part = (name: string, log: string[]) => {
  let die: (reason: string) => void = () => {};
  const running: RunningPart = {
    summary: `${name} is up`,
    stop: async () => {
      log.push(`stop ${name}`);
      return undefined;
    },
    died: new Promise((resolve) => {
      die = resolve;
    }),
  };
  return { running, die: (reason: string) => die(reason) };
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Lifecycle', () => {
  it('reports each part when ready and stops them last ready first', async () => {
    // Prepare
    const log: string[] = [];
    const events: LifecycleEvent[] = [];
    const lifecycle = new Lifecycle((event) => events.push(event));

    // Act
    await lifecycle.start('datastore', async () => part('datastore', log).running);
    await lifecycle.start('engine', async () => part('engine', log).running);
    const results = await lifecycle.stop();

    // Assess
    expect(log).toEqual(['stop engine', 'stop datastore']);
    expect(results.map((result) => result.part)).toEqual(['engine', 'datastore']);
    expect(events.map((event) => `${event.type} ${event.part}`)).toEqual([
      'ready datastore',
      'ready engine',
      'stopped engine',
      'stopped datastore',
    ]);
    expect(events[0]).toMatchObject({ summary: 'datastore is up', milliseconds: expect.any(Number) });
    expect(await lifecycle.stop()).toEqual([]); // a second stop has nothing left to do
  });

  it('names the part that failed to start, and stops what had started, after what was still starting', async () => {
    // Prepare
    const log: string[] = [];
    const lifecycle = new Lifecycle();
    await lifecycle.start('datastore', async () => part('datastore', log).running);

    // Act: one part fails while a slower one is still starting
    const failure = await settleAll([
      lifecycle.start('engine', async () => {
        throw new Error('listen EADDRINUSE 127.0.0.1:8080');
      }),
      lifecycle.start('consumer', async () => {
        await delay(50);
        return part('consumer', log).running;
      }),
    ]).catch((error: unknown) => error);
    await lifecycle.stop();

    // Assess
    expect(failure).toBeInstanceOf(PartError);
    expect(failure).toMatchObject({ part: 'engine', message: 'engine: listen EADDRINUSE 127.0.0.1:8080' });
    expect(log).toEqual(['stop consumer', 'stop datastore']);
  });

  it('keeps the reason and the hint of a PartError thrown by the part itself', async () => {
    const lifecycle = new Lifecycle();
    const error = await lifecycle
      .start('datastore', async () => {
        throw new PartError('datastore', 'PostgreSQL did not start', 'see .local/logs/postgres.log');
      })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'datastore: PostgreSQL did not start\n  -> see .local/logs/postgres.log',
    );
  });

  it('reports the first part that dies while running', async () => {
    // Prepare
    const log: string[] = [];
    const lifecycle = new Lifecycle();
    const engine = part('engine', log);
    const consumer = part('consumer', log);
    await lifecycle.start('engine', async () => engine.running);
    await lifecycle.start('consumer', async () => consumer.running);

    // Act
    engine.die('exited with code 1');
    consumer.die('exited with code 1');

    // Assess
    expect(await lifecycle.died).toEqual({ part: 'engine', reason: 'exited with code 1' });
  });

  it('does not report a part that ends because it is being stopped', async () => {
    // Prepare: a part whose process exits when stopped, as every child process does
    const lifecycle = new Lifecycle();
    const log: string[] = [];
    const engine = part('engine', log);
    await lifecycle.start('engine', async () => ({
      ...engine.running,
      stop: async () => {
        engine.die('exited with code 0');
        return undefined;
      },
    }));

    // Act
    await lifecycle.stop();

    // Assess
    const outcome = await Promise.race([lifecycle.died, delay(50).then(() => 'not reported')]);
    expect(outcome).toBe('not reported');
  });

  it('gives up on a part that does not stop in time, says so, and still stops the others', async () => {
    // Prepare
    const log: string[] = [];
    const lifecycle = new Lifecycle(() => {}, 100);
    await lifecycle.start('datastore', async () => part('datastore', log).running);
    await lifecycle.start('engine', async () => ({
      summary: 'hangs on stop',
      stop: () => new Promise<undefined>(() => {}),
    }));

    // Act
    const results = await lifecycle.stop();

    // Assess
    expect(results).toEqual([
      { part: 'engine', milliseconds: expect.any(Number), error: 'did not stop within 0.1 s' },
      { part: 'datastore', milliseconds: expect.any(Number) },
    ]);
    expect(log).toEqual(['stop datastore']);
  });
});

describe('portIsFree', () => {
  it('is false while something listens on the port (on any address) and true after', async () => {
    // Prepare
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));

    // Act
    const whileTaken = await portIsFree(port);
    await new Promise((resolve) => server.close(resolve));
    const afterwards = await portIsFree(port);

    // Assess
    expect(whileTaken).toBe(false);
    expect(afterwards).toBe(true);
  });
});
