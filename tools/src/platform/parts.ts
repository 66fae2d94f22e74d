/**
 * The parts of `npm start`, found through serverless-compose.yml: each service whose folder holds a
 * `local.ts` exports its parts there as `localParts` (the contract is `LocalPart`, in
 * @game-platform/local). The platform imports no service by name; a service added to compose with a
 * `local.ts` runs locally too.
 */
import {
  type Lifecycle,
  type LocalPart,
  type LocalSettings,
  type OutputReference,
  PartError,
  type StartedLocalPart,
  settleAll,
} from '@game-platform/local';
import {
  type ComposeService,
  deployOrder,
  readCompose,
  serviceExports,
} from '@game-platform/resources/compose';

/**
 * The part an output reference names: `datastore` in `datastore.ownerDatabaseUrl`; all of it when it
 * has no `.` (a JavaScript local.ts or a cast), so an error names the part as written.
 */
const partOf = (reference: OutputReference): string => {
  const dot = reference.indexOf('.');
  return dot === -1 ? reference : reference.slice(0, dot);
};
/** The output an output reference names: `ownerDatabaseUrl`; none (`''`) without a `.`. */
const outputOf = (reference: OutputReference): string => {
  const dot = reference.indexOf('.');
  return dot === -1 ? '' : reference.slice(dot + 1);
};

const isPartList = (value: unknown): value is LocalPart[] =>
  Array.isArray(value) &&
  value.every(
    (part) =>
      typeof (part as LocalPart | undefined)?.name === 'string' &&
      typeof (part as LocalPart | undefined)?.start === 'function',
  );

/**
 * Every part of every compose service with a `local.ts`, services in deploy order and each service's
 * parts in the order it lists them. A param may name only a part before it, as a compose reference
 * names a service deployed before: so every part's inputs exist by the time it may start.
 */
export const loadLocalParts = async (services: ComposeService[] = readCompose()): Promise<LocalPart[]> => {
  const order = deployOrder(services);
  if ('cycle' in order)
    throw new Error(`serverless-compose.yml has no deploy order: ${order.cycle.join(' needs ')}`);
  const inOrder = order.order.flatMap((name) => services.filter((service) => service.name === name));
  const parts: LocalPart[] = [];
  /** The local.ts each part came from, to name both files of a duplicate. */
  const files = new Map<string, string>();
  const found = await serviceExports(
    inOrder,
    'local.ts',
    'localParts',
    isPartList,
    "a service's local.ts exports its parts of npm start as `export const localParts: LocalPart[]`",
  );
  for (const { where, value: localParts } of found) {
    for (const part of localParts) {
      const first = files.get(part.name);
      if (first === where) throw new Error(`${where}: two parts are named "${part.name}"`);
      if (first !== undefined)
        throw new Error(`${where}: a part named "${part.name}" is already started by ${first}`);
      for (const [param, reference] of Object.entries(part.params ?? {})) {
        if (!parts.some((earlier) => earlier.name === partOf(reference)))
          throw new Error(
            `${where}: part "${part.name}" takes ${param} from ${reference}, but no part before it is named "${partOf(reference)}" (parts before it: ${parts.map((earlier) => earlier.name).join(', ') || 'none'})`,
          );
      }
      parts.push(part);
      files.set(part.name, where);
    }
  }
  return parts;
};

/** A part that was not started because a part it takes outputs from failed: that one is reported. */
class NotStarted extends Error {}

/** The value of an output reference, or a `PartError` naming the part that asked for it. */
export const outputValue = (
  started: ReadonlyMap<string, StartedLocalPart>,
  reference: OutputReference,
  asker: string,
  param: string,
): string => {
  const outputs = started.get(partOf(reference))?.outputs ?? {};
  const value = outputs[outputOf(reference)];
  if (value === undefined)
    throw new PartError(
      asker,
      `${param} takes ${reference}, which ${partOf(reference)} does not output (its outputs: ${Object.keys(outputs).join(', ') || 'none'})`,
    );
  return value;
};

/**
 * Starts the parts with the lifecycle (which times, reports and registers each): every `prepare` at
 * once, then each part as soon as the parts its params name are ready, so independent parts start
 * together. A part whose producer failed is not started. Resolves once every start has settled, with
 * each part as it runs; rejects, after the same wait, with the failure of the first part (in the
 * order given) that failed, so nothing is still starting when the caller stops what did start.
 */
export const startParts = async (
  parts: readonly LocalPart[],
  settings: LocalSettings,
  lifecycle: Lifecycle,
): Promise<Map<string, StartedLocalPart>> => {
  const quiet = <T>(promise: Promise<T>): Promise<T> => {
    // Awaited below; this only keeps a rejection from counting as unhandled meanwhile.
    promise.catch(() => {});
    return promise;
  };
  const prepared = parts.map((part) =>
    quiet(part.prepare ? part.prepare(settings) : Promise.resolve(undefined)),
  );
  const ready = new Map<string, StartedLocalPart>();
  const starts = new Map<string, Promise<StartedLocalPart>>();
  parts.forEach((part, index) => {
    const params = Object.entries(part.params ?? {}) as Array<[string, OutputReference]>;
    const producers = [...new Set(params.map(([, reference]) => partOf(reference)))];
    const inputs = settleAll(producers.map((name) => starts.get(name) as Promise<StartedLocalPart>));
    const start = inputs.then(
      () =>
        lifecycle.start(part.name, async () => {
          const values = Object.fromEntries(
            params.map(([param, reference]) => [param, outputValue(ready, reference, part.name, param)]),
          );
          const running = await part.start({
            settings,
            params: values,
            prepared: prepared[index] as Promise<unknown>,
          });
          ready.set(part.name, running);
          return running;
        }),
      () => {
        throw new NotStarted();
      },
    );
    starts.set(part.name, quiet(start));
  });
  const results = await Promise.allSettled([...starts.values(), ...prepared]);
  const failed = results
    .slice(0, parts.length)
    .find((result) => result.status === 'rejected' && !(result.reason instanceof NotStarted));
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return ready;
};
