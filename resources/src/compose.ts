import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as yaml from 'js-yaml';
import { repoPath } from './paths';

export interface ComposeService {
  name: string;
  /** Path relative to the repository root, e.g. `services/network`. */
  path: string;
  params: Record<string, string>;
  dependsOn: string[];
}

/** One `${producer.output}` used as a param of a consuming service. */
export interface ComposeReference {
  consumer: string;
  param: string;
  producer: string;
  output: string;
}

const REFERENCE = /\$\{(\w+)\.(\w+)\}/g;

export const COMPOSE_FILE = repoPath('serverless-compose.yml');

/** Reads the services of `serverless-compose.yml` (the real file users deploy with). */
export const readCompose = (file = COMPOSE_FILE): ComposeService[] => {
  const document = yaml.load(readFileSync(file, 'utf8')) as {
    services?: Record<string, Record<string, unknown>>;
  };
  if (!document?.services) throw new Error(`${file} has no "services" section`);
  return Object.entries(document.services).map(([name, definition]) => {
    if (typeof definition?.path !== 'string' || definition.path === '')
      throw new Error(`${file}: service ${name} has no path; expected path: <folder of its serverless.ts>`);
    // Compose accepts one service as a plain string as well as a list.
    const dependsOn = definition.dependsOn ?? [];
    return {
      name,
      path: definition.path,
      params: Object.fromEntries(
        Object.entries((definition.params as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
      ),
      dependsOn: (typeof dependsOn === 'string' ? [dependsOn] : dependsOn) as string[],
    };
  });
};

/** Every `${service.output}` reference in the params of every service. */
export const composeReferences = (services: ComposeService[]): ComposeReference[] =>
  services.flatMap((service) =>
    Object.entries(service.params).flatMap(([param, value]) =>
      [...value.matchAll(REFERENCE)].map(([, producer = '', output = '']) => ({
        consumer: service.name,
        param,
        producer,
        output,
      })),
    ),
  );

/**
 * The order compose deploys the services in: each producer before every consumer of its outputs,
 * each `dependsOn` before its dependent. Compose packages every service in parallel whatever the
 * order, so a cycle (two stacks each taking the other's output) packages fine and fails only at
 * deploy time; synth checks here that an order exists, and names the cycle when none does.
 */
export const deployOrder = (services: ComposeService[]): { order: string[] } | { cycle: string[] } => {
  const needs = new Map(services.map((service) => [service.name, new Set(service.dependsOn)]));
  for (const reference of composeReferences(services)) needs.get(reference.consumer)?.add(reference.producer);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'placed'>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'placed') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const producer of needs.get(name) ?? []) {
      const cycle = visit(producer, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'placed');
    if (needs.has(name)) order.push(name);
    return undefined;
  };
  for (const service of services) {
    const cycle = visit(service.name, []);
    if (cycle) return { cycle };
  }
  return { order };
};

/**
 * What each service's `file` exports as `name`, for the services (in the order given) whose folder
 * holds that file: how tools find a service's platform rules (`rules.ts`) and its part of `npm start`
 * (`local.ts`) without importing any service by name. A file whose export is missing or fails
 * `isExpected` is refused, naming the file and what it must export (`expected`).
 */
export const serviceExports = async <T>(
  services: readonly ComposeService[],
  file: string,
  name: string,
  isExpected: (value: unknown) => value is T,
  expected: string,
): Promise<Array<{ service: ComposeService; where: string; value: T }>> => {
  const found: Array<{ service: ComposeService; where: string; value: T }> = [];
  for (const service of services) {
    const path = repoPath(service.path, file);
    if (!existsSync(path)) continue;
    const where = `${service.path}/${file}`;
    const value = ((await import(pathToFileURL(path).href)) as Record<string, unknown>)[name];
    if (!isExpected(value)) throw new Error(`${where} exports no \`${name}\` list; ${expected}`);
    found.push({ service, where, value });
  }
  return found;
};
