/**
 * For template tests: the CloudFormation that synth actually wrote, never the TypeScript object
 * that produced it. `npm test` runs `npm run synth -- --all-stages` before vitest.
 */
import {
  resourcesOfType,
  synthesizedTemplate,
  type Template,
  type TemplateResource,
} from '@game-platform/resources/template';

export { resourcesOfType, synthesizedTemplate, type Template, type TemplateResource };

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
