/**
 * For template tests: the CloudFormation that synth actually wrote, never the TypeScript object
 * that produced it. `npm test` runs `npm run synth -- --all-stages` before vitest.
 */
import { synthesizedTemplate, type Template, type TemplateResource } from '@game-platform/resources/template';

export { synthesizedTemplate, type Template, type TemplateResource };

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
