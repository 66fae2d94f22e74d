/**
 * No checked stage injects a secret into the engine (`engine.secrets` is {} everywhere), so synth
 * never sees that branch. This builds the engine's task definition and roles for prod with two
 * secrets and checks the resulting template as synth would: the task definition's `Secrets`, the
 * execution role reading exactly those secrets (never the task role), the endpoint derivation
 * noticing Secrets Manager, the interface endpoints derived for the stage including it, and the
 * CloudFormation specification and platform rules passing.
 */

import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import { deriveEndpointNeeds, interfaceEndpointsOf, workloadCalls } from '@game-platform/shared/endpoints';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import type { Template } from '@game-platform/testing/templates';
import { exactActions, exactResources } from '@game-platform/tools/checks/platform-rules';
import { checkSpecification } from '@game-platform/tools/checks/specification';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules';
import { engineImage } from '../stack/image';
import { executionRole, taskRole } from '../stack/roles';
import { containerLogGroup, taskDefinition } from '../stack/task-definition';

const API_TOKEN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123';
const SIGNING_KEY =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/signing-Xy9Z8w:key:AWSCURRENT:';

const base = loadStageProfile('prod');
const profile: StageProfile = {
  ...base,
  engine: { ...base.engine, secrets: { API_TOKEN, SIGNING_KEY } },
};

/** The engine resources as serverless.ts composes them, for this profile. */
const engineTemplate = (): Template => {
  const image = engineImage(profile);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: JSON.parse(
      JSON.stringify({
        EngineLogGroup: containerLogGroup(profile, 'arn:aws:kms:eu-west-1:123456789012:key/0000'),
        EngineTaskRole: taskRole({
          eventsQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:game-prod-events',
          databaseResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
          logGroupId: 'EngineLogGroup',
          enableExecuteCommand: false,
          clusterName: 'game-prod-engine',
        }),
        EngineExecutionRole: executionRole({
          repositoryArn: image.repositoryArn,
          logGroupId: 'EngineLogGroup',
          secretArns: Object.values(profile.engine.secrets),
        }),
        EngineTaskDefinition: taskDefinition({
          profile,
          image: image.uri,
          environment: { PORT: '8080' },
          taskRoleId: 'EngineTaskRole',
          executionRoleId: 'EngineExecutionRole',
          logGroupId: 'EngineLogGroup',
        }),
      }),
    ),
  };
};

type Statement = { Sid: string; Action: string[]; Resource: unknown };
const statementsOf = (template: Template, roleId: string): Statement[] =>
  (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Statement[] };
    }>
  ).flatMap((policy) => policy.PolicyDocument.Statement);

describe('engine with secrets (prod profile, engine.secrets set)', () => {
  const template = engineTemplate();

  it('injects each secret through Secrets, never Environment', () => {
    const container = (
      (template.Resources.EngineTaskDefinition?.Properties?.ContainerDefinitions ?? []) as Array<
        Record<string, unknown>
      >
    )[0];
    expect(container?.Secrets).toEqual([
      { Name: 'API_TOKEN', ValueFrom: API_TOKEN },
      { Name: 'SIGNING_KEY', ValueFrom: SIGNING_KEY },
    ]);
    expect(JSON.stringify(container?.Environment)).not.toContain('secretsmanager');
  });

  it('lets the execution role read exactly those secrets (the secret of a JSON-key reference), and the task role none', () => {
    const read = statementsOf(template, 'EngineExecutionRole').filter((s) =>
      s.Action.includes('secretsmanager:GetSecretValue'),
    );
    expect(read).toEqual([
      {
        Sid: 'ReadInjectedSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [API_TOKEN, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/signing-Xy9Z8w'],
      },
    ]);
    expect(JSON.stringify(statementsOf(template, 'EngineTaskRole'))).not.toContain('secretsmanager');
  });

  it('is noticed by the endpoint derivation, and the derived endpoints of the stage include Secrets Manager', () => {
    const needs = deriveEndpointNeeds({ engine: template }, IAM_FACTS).needs.filter(
      (need) => need.endpoint === 'secretsmanager',
    );
    expect(needs.map((need) => need.source)).toEqual([
      'role EngineExecutionRole statement "ReadInjectedSecrets"',
      'container "engine" secret API_TOKEN',
      'container "engine" secret SIGNING_KEY',
    ]);
    expect(interfaceEndpointsOf(profile)).toContain('secretsmanager');
    const engineCalls = (p: StageProfile) =>
      workloadCalls(p).filter(
        (call) => call.workload === 'engine task' && call.endpoint === 'secretsmanager',
      );
    expect(engineCalls(profile)).toHaveLength(1);
    expect(engineCalls(base)).toEqual([]);
  });

  it('passes the CloudFormation specification and the engine and IAM platform rules', async () => {
    const input = { stage: 'prod', profile, templates: { engine: template } };
    const findings = [
      ...(await checkSpecification('engine', template)),
      ...[...rules, exactActions, exactResources].flatMap((rule) => rule.check(input)),
    ];
    expect(findings).toEqual([]);
  });
});
