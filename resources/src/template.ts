/** A synthesized CloudFormation template, and what the checks say about it. */
import { existsSync, readFileSync } from 'node:fs';
import { synthDir } from './paths';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Export?: unknown }>;
}

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

/** CloudFormation allows a single value where a list is expected (`Action: "s3:GetObject"`). */
export const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The statements of a policy document, whether `Statement` is a list or a single statement. */
export const statementsOf = (document: unknown): Record<string, unknown>[] =>
  asList((document as { Statement?: unknown } | undefined)?.Statement) as Record<string, unknown>[];

/** The logical id in `{ "Ref": id }` or `{ "Fn::GetAtt": [id, attribute] }`, if the value is one. */
export const referencedLogicalId = (value: unknown): string | undefined => {
  const reference = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof reference?.Ref === 'string') return reference.Ref;
  const getAtt = reference?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
};

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
