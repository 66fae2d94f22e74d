import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { repoPath } from '../paths';

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
  return Object.entries(document.services).map(([name, definition]) => ({
    name,
    path: String(definition.path),
    params: Object.fromEntries(
      Object.entries((definition.params as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    dependsOn: ((definition.dependsOn as string[] | string | undefined) ?? []) as string[],
  }));
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
