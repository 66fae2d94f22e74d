/**
 * The contract of a service's part in `npm start`. A service with something to run locally exports
 * its parts from its `local.ts` as `localParts`; the platform (tools/src/platform) finds those files
 * through serverless-compose.yml, in deploy order, and imports no service by name. It begins every
 * part's `prepare` at once, and starts each part as soon as the parts its params name are ready, so
 * independent parts overlap: the wiring compose does with `${service.output}` params, at run time.
 */
import type { RunningPart } from './lifecycle';

/** The listeners of `npm start`, each set by its flag (`--postgres-port`, tools/src/platform/options.ts). */
export interface LocalPorts {
  postgres: number;
  sqs: number;
  engine: number;
  site: number;
}

/**
 * The consumer's timing: `--visibility-timeout` when given, and the function timeout that fits under
 * it (`localConsumerTiming`, which refuses a value too short before anything starts).
 */
export interface LocalConsumerTiming {
  visibilityTimeoutSeconds: number | undefined;
  /** The local consumer's function timeout: the stage's, or less so that it fits the visibility timeout. */
  functionTimeoutSeconds: number;
}

/** What every part is given: the stage and the platform's flags; each part reads what concerns it. */
export interface LocalSettings {
  /**
   * `--stage`. Each part loads the stage's profile itself (`loadStageProfile`), as each service's
   * serverless.ts does on a deploy; the platform has loaded it once already, so a bad one stops the
   * start before any part runs.
   */
  stage: string;
  /** `--data-dir`; each part keeps its files in a folder of its own there (`postgres/`, `site/`). */
  dataDir: string;
  /** `<data dir>/logs`, made before any part starts. */
  logDir: string;
  ports: LocalPorts;
  /** `--fresh`: start with an empty database. */
  fresh: boolean;
  consumerTiming: LocalConsumerTiming;
}

/** `<part>.<output>`: an output of a part before this one, as a compose param names `${service.output}`. */
export type OutputReference = `${string}.${string}`;

export interface LocalPartContext<Param extends string, Prepared> {
  settings: LocalSettings;
  /** Each param's value: the output it names, of a part that is ready. */
  params: Readonly<Record<Param, string>>;
  /** What `prepare` began (`undefined` without one); rejects as `prepare` did. */
  prepared: Promise<Prepared>;
}

/** A part that is up, with what later parts (and the platform's ready summary) may take from it. */
export interface StartedLocalPart extends RunningPart {
  outputs: Readonly<Record<string, string>>;
  /** The file the part's log goes to, if it writes one; the ready summary lists it. */
  log?: string;
}

export interface LocalPart<Param extends string = string, Prepared = unknown> {
  /** The name in status lines, errors and the stop report (`datastore`, `queues`); unique. */
  name: string;
  /**
   * What it starts with from parts before it, by the name `start` reads it under, e.g.
   * `{ databaseUrl: 'datastore.engineDatabaseUrl' }`. It starts once every part named is ready, and
   * not at all if one of them fails.
   */
  params?: Readonly<Record<Param, OutputReference>>;
  /** Work that needs no other part (a build), begun when the platform starts, so it overlaps the wait for the params. */
  prepare?(settings: LocalSettings): Promise<Prepared>;
  /** Starts the part; throws (a `PartError` at best) if it cannot. Timed and reported by the lifecycle. */
  start(context: LocalPartContext<Param, Prepared>): Promise<StartedLocalPart>;
}
