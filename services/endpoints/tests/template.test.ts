/**
 * The endpoints stack as synthesized for each checked stage profile: the endpoints the profile
 * lists, where they sit, who may use them, and the outputs the workload stacks depend on. The last
 * block runs the endpoint derivation rule on the real dev and staging templates.
 */
import { readFileSync } from 'node:fs';
import { resourceName } from '@game-platform/resources';
import {
  deployedEndpoints,
  ENDPOINT_SERVICES,
  type EndpointServiceName,
  interfaceEndpointsOf,
} from '@game-platform/shared/endpoints';
import { CHECKED_PROFILES, loadStageProfile, stageProfiles } from '@game-platform/shared/profiles';
import {
  resourceById,
  resourcesOfType,
  synthesizedTemplate,
  type Template,
} from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { endpointCoverage } from '../rules';

/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;

const interfaceId = (name: EndpointServiceName) => `${ENDPOINT_SERVICES[name].logicalName}InterfaceEndpoint`;

type Statement = {
  Sid?: string;
  Condition?: unknown;
  Action: string[];
  Resource: unknown;
  Principal: unknown;
};
const propertiesOf = (resource: { Properties?: Record<string, unknown> }) => resource.Properties ?? {};
const statementsOf = (resource: { Properties?: Record<string, unknown> }) =>
  (propertiesOf(resource).PolicyDocument as { Statement: Statement[] }).Statement;

const ACCOUNT_ONLY = { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } };

describe.each(STAGES)('endpoints template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'endpoints');
  const profile = stageProfiles[stage];
  const interfaceNames = interfaceEndpointsOf(loadStageProfile(stage));

  it('creates one interface endpoint per profile entry and the S3 gateway endpoint, nothing else', () => {
    const endpoints = deployedEndpoints({ endpoints: template });
    expect(endpoints.filter((e) => e.type === 'Interface').map((e) => [e.logicalId, e.name])).toEqual(
      interfaceNames.map((name) => [interfaceId(name), name]),
    );
    expect(endpoints.filter((e) => e.type === 'Gateway').map((e) => [e.logicalId, e.name])).toEqual([
      ['S3GatewayEndpoint', 's3'],
    ]);
  });

  it('puts every interface endpoint in interfaceAzCount private subnets, behind the endpoints security group, with private DNS', () => {
    const groups = new Set<string>();
    for (const endpoint of deployedEndpoints({ endpoints: template }).filter((e) => e.type === 'Interface')) {
      expect(endpoint.azCount).toBe(profile.endpoints.interfaceAzCount);
      const properties = resourceById(template, endpoint.logicalId).Properties ?? {};
      expect(properties.PrivateDnsEnabled).toBe(true);
      expect(properties.SecurityGroupIds).toEqual([expect.stringMatching(/^sg-0[0-9a-f]{16}$/)]);
      groups.add(JSON.stringify(properties.SecurityGroupIds));
      expect(JSON.stringify(properties.SubnetIds)).toMatch(/subnet-0[0-9a-f]{16}/);
    }
    expect(groups.size).toBe(1);
  });

  it('lets only this account use each interface endpoint (S3: only on its buckets)', () => {
    for (const name of interfaceNames) {
      const statements = statementsOf(resourceById(template, interfaceId(name)));
      if (name === 's3') {
        expect(statements[0]?.Condition).toEqual({
          StringEquals: {
            'aws:PrincipalAccount': { Ref: 'AWS::AccountId' },
            'aws:ResourceAccount': { Ref: 'AWS::AccountId' },
          },
        });
      } else
        expect(statements).toEqual([expect.objectContaining({ Principal: '*', Condition: ACCOUNT_ONLY })]);
    }
  });

  it('routes the private subnets to S3 through the gateway, admitting this account and the AWS buckets image pulls and custom resources need', () => {
    const gateway = resourceById(template, 'S3GatewayEndpoint');
    const routeTables = propertiesOf(gateway).RouteTableIds as string[];
    expect(routeTables).toHaveLength(profile.network.azCount);
    for (const id of routeTables) expect(id).toMatch(/^rtb-0[0-9a-f]{16}$/);
    const statements = statementsOf(gateway);
    expect(statements.map((s) => s.Sid)).toEqual([
      'OnlyThisAccountsPrincipalsOnThisAccountsBuckets',
      'EcrImageLayers',
      'CloudFormationCustomResourceResponses',
    ]);
    expect(statements[1]).toMatchObject({
      Action: ['s3:GetObject'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*' },
    });
    expect(statements[2]?.Action).toEqual(['s3:PutObject']);
  });

  it('keeps in-VPC S3 traffic on the free gateway: an S3 interface endpoint answers DNS for inbound resolvers only', () => {
    const s3 = template.Resources.S3InterfaceEndpoint;
    if (!interfaceNames.includes('s3')) {
      expect(s3).toBeUndefined();
      return;
    }
    expect(s3?.Properties?.DnsOptions).toEqual({
      PrivateDnsOnlyForInboundResolverEndpoint: 'OnlyInboundResolver',
    });
    // AWS refuses that DNS option unless the gateway endpoint already exists.
    expect(s3?.DependsOn).toEqual(['S3GatewayEndpoint']);
  });

  it('exports interfaceEndpointIds (every interface endpoint, comma-separated) and s3GatewayEndpointId', () => {
    expect(template.Outputs?.interfaceEndpointIds?.Value).toEqual({
      'Fn::Join': [',', interfaceNames.map((name) => ({ Ref: interfaceId(name) }))],
    });
    expect(template.Outputs?.s3GatewayEndpointId?.Value).toEqual({ Ref: 'S3GatewayEndpoint' });
  });

  it('names every endpoint after its stage and service', () => {
    const names = Object.values(resourcesOfType(template, 'AWS::EC2::VPCEndpoint')).map(
      (endpoint) => (propertiesOf(endpoint).Tags as Array<{ Key: string; Value: string }>)[0]?.Value,
    );
    expect(names).toEqual([
      resourceName(stage, 's3-gateway'),
      ...interfaceNames.map((name) => resourceName(stage, name)),
    ]);
  });
});

describe('endpoint derivation on the synthesized endpoints stacks', () => {
  const fixture = (name: string): Template =>
    JSON.parse(readFileSync(new URL(`./templates/${name}.json`, import.meta.url), 'utf8')) as Template;
  const workloads = { integrations: fixture('integrations-consumer'), engine: fixture('engine-task') };

  /** PLATFORM.ENDPOINTS.1 on the workload fixtures and the stage's real endpoints stack, minus some endpoints. */
  const coverage = (stage: 'dev' | 'staging', dropped: string[] = []) => {
    const endpoints = synthesizedTemplate(stage, 'endpoints');
    for (const logicalId of dropped) delete endpoints.Resources[logicalId];
    const findings = endpointCoverage.check({
      stage,
      profile: loadStageProfile(stage),
      templates: { ...workloads, endpoints },
    });
    return findings.map((f) => `${f.rule} ${f.service}/${f.resource}`);
  };

  it('passes dev (natMode none) with its endpoints, and fails it when the logs endpoint is dropped', () => {
    expect(loadStageProfile('dev').network.natMode).toBe('none');
    expect(coverage('dev')).toEqual([]);
    expect(coverage('dev', ['LogsInterfaceEndpoint'])).toEqual([
      'PLATFORM.ENDPOINTS.1 engine/EngineTaskDefinition',
    ]);
  });

  it('passes staging without the logs endpoint: natMode single sends those calls through NAT', () => {
    expect(loadStageProfile('staging').network.natMode).toBe('single');
    expect(coverage('staging', ['LogsInterfaceEndpoint'])).toEqual([]);
  });
});
