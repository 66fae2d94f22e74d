/** A synthesized CloudFormation template, and what the checks say about it. */
import { existsSync, readFileSync } from 'node:fs';
import type { Template, TemplateResource } from '@game-platform/shared/template';
import { synthDir } from './paths';

// The template's shape and its three basic readers live in shared (the endpoint derivation reads
// templates too, and shared may not import resources); re-exported here for every other check.
export {
  asList,
  referencedLogicalId,
  statementsOf,
  type Template,
  type TemplateResource,
} from '@game-platform/shared/template';

/** Which kind of check produced a finding. */
export type CheckKind = 'specification' | 'policy gate' | 'platform rules' | 'references';

export interface Finding {
  check: CheckKind;
  /** `SPEC`, `CT.S3.PR.2`, `PLATFORM.SG.1`... */
  rule: string;
  /** The compose service (stack) the finding is in. */
  service: string;
  /** Logical id of the resource, or `Outputs.<name>` / `(template)`. */
  resource: string;
  message: string;
}

/** All templates of one stage, by compose service name. */
export interface StageTemplates {
  stage: string;
  templates: Record<string, Template>;
}

/** A rule that looks at a whole stage: resources across stacks, the stage profile, or both. */
export interface PlatformRule {
  id: string;
  description: string;
  check: (
    stage: StageTemplates & { profile: import('@game-platform/shared/profiles').StageProfile },
  ) => Finding[];
}

/** Logical id -> resource, for every resource of the given types (rules, checks and tests read templates so). */
export const resourcesOfType = (template: Template, ...types: string[]): Record<string, TemplateResource> =>
  Object.fromEntries(
    Object.entries(template.Resources).filter(([, resource]) => types.includes(resource.Type)),
  );

/** A finding of a platform rule. */
export const platformFinding = (
  rule: string,
  service: string,
  resource: string,
  message: string,
): Finding => ({
  check: 'platform rules',
  rule,
  service,
  resource,
  message,
});

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
