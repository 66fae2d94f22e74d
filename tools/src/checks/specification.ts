/**
 * Specification check: every resource type, property name, property type, required property,
 * `Ref`/`Fn::GetAtt`/`Fn::Sub` target and `DependsOn` of a template, validated against the AWS
 * CloudFormation resource specification shipped in `@aws-cdk/aws-service-spec`.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, SpecDatabase } from '@aws-cdk/service-spec-types';
import type { Finding, Template } from '@game-platform/resources/template';

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
const CUSTOM_RESOURCE = /^(Custom::[A-Za-z0-9_@-]+|AWS::CloudFormation::CustomResource)$/;

type PropertyMap = Record<string, { type: PropertyType; required?: boolean }>;

let database: Promise<SpecDatabase> | undefined;
/** The specification database, loaded once per process (~0.5 s). */
export const specification = (): Promise<SpecDatabase> => {
  database ??= loadAwsServiceSpec();
  return database;
};

const isIntrinsic = (value: unknown): value is Record<string, unknown> => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::') === true || keys[0] === 'Condition')
  );
};

const describe = (value: unknown): string => {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
};

class TemplateValidator {
  readonly problems: Array<{ resource: string; message: string }> = [];
  private readonly resourceSpecs = new Map<string, Resource | undefined>();

  constructor(
    private readonly db: SpecDatabase,
    private readonly template: Template,
  ) {}

  validate(): void {
    for (const [logicalId, resource] of Object.entries(this.template.Resources ?? {}))
      this.validateResource(logicalId, resource);
    for (const [name, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Value === undefined) this.problem(`Outputs.${name}`, 'has no Value');
      this.validateIntrinsics(`Outputs.${name}`, output.Value);
    }
  }

  private problem(resource: string, message: string) {
    this.problems.push({ resource, message });
  }

  private spec(type: string): Resource | undefined {
    if (!this.resourceSpecs.has(type))
      this.resourceSpecs.set(type, this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0]);
    return this.resourceSpecs.get(type);
  }

  private validateResource(logicalId: string, resource: Template['Resources'][string]) {
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dependency of dependsOn) {
      if (!this.template.Resources[dependency])
        this.problem(logicalId, `DependsOn names "${dependency}", which is not a resource of this template`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value !== undefined && !DELETION_POLICIES.has(value))
        this.problem(
          logicalId,
          `${policy} is "${value}"; expected one of ${[...DELETION_POLICIES].join(', ')}`,
        );
    }
    if (resource.Condition && !this.template.Conditions?.[resource.Condition]) {
      this.problem(logicalId, `Condition "${resource.Condition}" is not defined in Conditions`);
    }
    this.validateIntrinsics(logicalId, resource.Properties);

    if (CUSTOM_RESOURCE.test(resource.Type)) {
      if (resource.Properties?.ServiceToken === undefined)
        this.problem(logicalId, `${resource.Type} requires the property ServiceToken`);
      return;
    }
    const spec = this.spec(resource.Type);
    if (!spec) {
      this.problem(
        logicalId,
        `resource type "${resource.Type}" does not exist in the CloudFormation specification`,
      );
      return;
    }
    this.validateObject(logicalId, resource.Type, resource.Properties ?? {}, spec.properties);
  }

  private validateObject(logicalId: string, path: string, value: unknown, properties: PropertyMap) {
    if (isIntrinsic(value)) return;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(logicalId, `${path} is ${describe(value)}; expected an object`);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [name, nested] of Object.entries(record)) {
      const property = properties[name];
      if (!property) {
        const known = Object.keys(properties);
        const suggestion = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
        this.problem(
          logicalId,
          `${path}.${name} is not a property of ${path.split('.')[0]}${suggestion ? ` (did you mean ${suggestion}?)` : `; expected one of ${known.join(', ')}`}`,
        );
        continue;
      }
      this.validateValue(logicalId, `${path}.${name}`, nested, property.type);
    }
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && record[name] === undefined)
        this.problem(logicalId, `${path}.${name} is required but missing`);
    }
  }

  /** Returns true when valid; records problems unless `dryRun` (used to try the branches of a union). */
  private validateValue(
    logicalId: string,
    path: string,
    value: unknown,
    type: PropertyType,
    dryRun = false,
  ): boolean {
    if (isIntrinsic(value)) return true;
    const fail = (expected: string) => {
      if (!dryRun) this.problem(logicalId, `${path} is ${describe(value)}; expected ${expected}`);
      return false;
    };
    switch (type.type) {
      case 'string':
      case 'date-time':
        return ['string', 'number', 'boolean'].includes(typeof value) || fail('a string');
      case 'integer':
      case 'number':
        return (
          typeof value === 'number' ||
          (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) ||
          fail('a number')
        );
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' || fail('a boolean');
      case 'json':
        return (
          (typeof value === 'object' && value !== null) || typeof value === 'string' || fail('a JSON object')
        );
      case 'null':
        return value === null || fail('null');
      case 'tag':
        return this.validateTag(logicalId, path, value, dryRun);
      case 'array': {
        if (!Array.isArray(value)) return fail('a list');
        return value
          .map((element, index) =>
            this.validateValue(logicalId, `${path}[${index}]`, element, type.element, dryRun),
          )
          .every(Boolean);
      }
      case 'map': {
        if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('a map');
        return Object.entries(value)
          .map(([key, element]) =>
            this.validateValue(logicalId, `${path}.${key}`, element, type.element, dryRun),
          )
          .every(Boolean);
      }
      case 'union': {
        if (type.types.some((alternative) => this.validateValue(logicalId, path, value, alternative, true)))
          return true;
        return fail(`one of: ${type.types.map((t) => t.type).join(', ')}`);
      }
      case 'ref': {
        const definition = this.db.get('typeDefinition', type.reference.$ref);
        if (dryRun) {
          const probe = new TemplateValidator(this.db, this.template);
          probe.validateObject(logicalId, path, value, definition.properties);
          return probe.problems.length === 0;
        }
        const before = this.problems.length;
        this.validateObject(logicalId, path, value, definition.properties);
        return this.problems.length === before;
      }
      default:
        return true;
    }
  }

  private validateTag(logicalId: string, path: string, value: unknown, dryRun: boolean): boolean {
    const ok =
      !!value &&
      typeof value === 'object' &&
      'Key' in value &&
      'Value' in value &&
      Object.keys(value).length === 2;
    if (!ok && !dryRun)
      this.problem(logicalId, `${path} is ${describe(value)}; expected a tag { Key, Value }`);
    return ok;
  }

  /** Checks every Ref, Fn::GetAtt and Fn::Sub inside a value points at something that exists. */
  private validateIntrinsics(location: string, value: unknown, localNames: Set<string> = new Set()) {
    if (Array.isArray(value)) {
      for (const element of value) this.validateIntrinsics(location, element, localNames);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [[key, argument]] = entries as [[string, unknown]];
      if (key === 'Ref' && typeof argument === 'string') {
        this.validateRef(location, argument, localNames);
        return;
      }
      if (key === 'Fn::GetAtt') {
        const [target, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.*)/);
        this.validateGetAtt(location, String(target), String(attribute));
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        const names = new Set([...localNames, ...Object.keys((variables as Record<string, unknown>) ?? {})]);
        this.validateIntrinsics(location, variables, localNames);
        for (const [, expression = ''] of String(text).matchAll(/\$\{([^!][^}]*)\}/g)) {
          const [target = '', attribute] = expression.split(/\.(.*)/);
          if (attribute !== undefined && !names.has(expression))
            this.validateGetAtt(location, target, attribute);
          else this.validateRef(location, expression, names);
        }
        return;
      }
    }
    for (const [, nested] of entries) this.validateIntrinsics(location, nested, localNames);
  }

  private validateRef(location: string, target: string, localNames: Set<string>) {
    if (PSEUDO_PARAMETERS.has(target) || localNames.has(target)) return;
    if (this.template.Resources[target] || this.template.Parameters?.[target]) return;
    this.problem(
      location,
      `Ref "${target}" names no resource, parameter or pseudo parameter of this template`,
    );
  }

  private validateGetAtt(location: string, target: string, attribute: string) {
    const resource = this.template.Resources[target];
    if (!resource) {
      this.problem(
        location,
        `Fn::GetAtt ${target}.${attribute}: "${target}" is not a resource of this template`,
      );
      return;
    }
    if (CUSTOM_RESOURCE.test(resource.Type)) return;
    const spec = this.spec(resource.Type);
    if (spec && !Object.hasOwn(spec.attributes, attribute)) {
      this.problem(
        location,
        `Fn::GetAtt ${target}.${attribute}: ${resource.Type} has no attribute "${attribute}" (it has: ${Object.keys(spec.attributes).join(', ')})`,
      );
    }
  }
}

/** Validates one template against the specification; one finding per problem. */
export const checkSpecification = async (service: string, template: Template): Promise<Finding[]> => {
  const validator = new TemplateValidator(await specification(), template);
  validator.validate();
  return validator.problems.map(({ resource, message }) => ({
    check: 'specification',
    rule: 'SPEC',
    service,
    resource,
    message,
  }));
};
