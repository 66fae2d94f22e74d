/**
 * The smallest part of the CloudFormation template model: its shape and the three readers every
 * template check uses. Here, below `resources/` (which re-exports them from `template.ts`), so that
 * what shared itself derives from templates (the VPC endpoints a stage's workloads call,
 * `endpoints/derivation.ts`) reads them without depending on the builders.
 */

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
