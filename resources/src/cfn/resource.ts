import type { Value } from './intrinsics';
import type { ResourcePropertiesByType } from './spec.generated';

export type ResourceType = keyof ResourcePropertiesByType;

export type DeletionPolicy = 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';

export interface ResourceOptions {
  DependsOn?: string[];
  DeletionPolicy?: DeletionPolicy;
  UpdateReplacePolicy?: Exclude<DeletionPolicy, 'RetainExceptOnCreate'>;
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

/** One CloudFormation resource whose properties are checked against the AWS specification by `tsc`. */
export type CfnResource<T extends ResourceType = ResourceType> = T extends ResourceType
  ? { Type: T; Properties: ResourcePropertiesByType[T] } & ResourceOptions
  : never;

/** Logical id -> resource, as it goes into `resources.Resources` of a `serverless.ts`. */
export type Resources = Record<string, CfnResource | CustomResource>;

export interface Output {
  Description: string;
  Value: Value<string>;
}

/** Logical id -> output. Output names are camelCase `{thing}{Attribute}` and are the compose param names too. */
export type Outputs = Record<string, Output>;

/**
 * One output of a stack: what it is, then its value. Every `serverless.ts` lists its outputs with
 * this, in its `resources.Outputs`, so a service's compose interface reads in one place.
 */
export const output = (description: string, value: Value<string>): Output => ({
  Description: description,
  Value: value,
});

/** Builds a typed resource: `resource('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' })`. */
export const resource = <T extends ResourceType>(
  type: T,
  properties: ResourcePropertiesByType[T],
  options: ResourceOptions = {},
): CfnResource<T> => ({ Type: type, Properties: properties, ...options }) as CfnResource<T>;

/** A CloudFormation custom resource backed by a Lambda function (`Custom::Name`). */
export interface CustomResource {
  Type: `Custom::${string}`;
  Properties: { ServiceToken: Value<string> } & Record<string, unknown>;
  DependsOn?: string[];
}

export const customResource = (
  name: string,
  serviceToken: Value<string>,
  properties: Record<string, unknown>,
  options: { DependsOn?: string[] } = {},
): CustomResource => ({
  Type: `Custom::${name}`,
  Properties: { ServiceToken: serviceToken, ...properties },
  ...options,
});
