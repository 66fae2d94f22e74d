/**
 * For template tests: the CloudFormation that synth actually wrote, never the TypeScript object
 * that produced it. `npm test` runs `npm run synth -- --all-stages` before vitest.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Template, TemplateResource } from '../checks/template';
import { synthDir } from '../paths';

export type { Template, TemplateResource };

/** The synthesized template of a service for a stage. */
export const synthesizedTemplate = (stage: string, service: string): Template => {
  const file = `${synthDir(stage)}/${service}.json`;
  if (!existsSync(file)) {
    throw new Error(
      `${file} does not exist; run \`npm run synth -- --stage ${stage}\` first (npm test runs synth for every checked stage)`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
};

/** Logical id -> resource, for every resource of a type. */
export const resourcesOfType = (template: Template, type: string): Record<string, TemplateResource> =>
  Object.fromEntries(Object.entries(template.Resources).filter(([, resource]) => resource.Type === type));

/** The one resource with this logical id; throws naming the ids that exist when it is absent. */
export const resourceById = (template: Template, logicalId: string): TemplateResource => {
  const resource = template.Resources[logicalId];
  if (!resource)
    throw new Error(
      `no resource "${logicalId}"; the template has ${Object.keys(template.Resources).join(', ')}`,
    );
  return resource;
};

export { composeParamSources, type ParamSource } from './compose-params';
