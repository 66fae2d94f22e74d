import type { ResourceAttributesByType } from './spec.generated';

/**
 * CloudFormation intrinsic functions, typed. Every generated property type accepts either a
 * literal or one of these, so `VpcId: ref('Vpc')` type-checks and `VpcID: ...` does not.
 */

export type Intrinsic =
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Sub': string | [string, Record<string, unknown>] }
  | { 'Fn::Join': [string, unknown[] | Intrinsic] }
  | { 'Fn::Split': [string, unknown] }
  | { 'Fn::Select': [number | string, unknown] }
  | { 'Fn::GetAZs': string | Intrinsic }
  | { 'Fn::Cidr': [unknown, number | string, number | string] }
  | { 'Fn::If': [string, unknown, unknown] }
  | { 'Fn::ImportValue': unknown }
  | { 'Fn::Base64': unknown }
  | { 'Fn::ToJsonString': unknown };

/** A literal of type T, or an intrinsic function that resolves to one at deploy time. */
export type Value<T> = T | Intrinsic;

/** Free-form JSON (policy documents, for instance). */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON properties are untyped by definition.
export type Json = Record<string, any> | Intrinsic;

export interface Tag {
  Key: Value<string>;
  Value: Value<string>;
}

export const ref = (logicalId: string): { Ref: string } => ({ Ref: logicalId });

/**
 * What `Fn::GetAtt` may read: an attribute some resource type of the specification has (`Arn`,
 * `GroupId`, `Endpoint.Address`...), or one the platform's custom resources return in their `Data`
 * (the network service's `Custom::ManagedPrefixList` returns `PrefixListId`).
 */
export type AttributeName = ResourceAttributesByType[keyof ResourceAttributesByType] | 'PrefixListId';

/**
 * `Fn::GetAtt`: the platform's one way to read a resource's attribute. The name is checked against
 * the attributes of every resource type the specification knows, so `getAtt('Vpc', 'CidrBlocks')`
 * fails `tsc`. For an attribute inside a longer string, interpolate it with `sub('${Id.Attribute}/*')`.
 */
export const getAtt = (logicalId: string, attribute: AttributeName): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId, attribute],
});

export const sub = (template: string, variables?: Record<string, unknown>): Intrinsic =>
  variables ? { 'Fn::Sub': [template, variables] } : { 'Fn::Sub': template };

export const join = (separator: string, parts: unknown[]): Intrinsic => ({ 'Fn::Join': [separator, parts] });

/**
 * Splits a comma-separated compose param (`subnet-a,subnet-b`) into a CloudFormation list. Typed as
 * exactly what it returns, so it fits both a typed property (`Value<string[]>`) and the framework's
 * list fields (`vpc.subnetIds`) with no cast.
 */
export const splitList = (commaSeparated: string): { 'Fn::Split': [',', string] } => ({
  'Fn::Split': [',', commaSeparated],
});

export const select = (index: number, list: unknown): Intrinsic => ({ 'Fn::Select': [index, list] });

export const getAZs = (): Intrinsic => ({ 'Fn::GetAZs': '' });

export const AWS = {
  accountId: ref('AWS::AccountId'),
  region: ref('AWS::Region'),
  partition: ref('AWS::Partition'),
  stackName: ref('AWS::StackName'),
  urlSuffix: ref('AWS::URLSuffix'),
} as const;
