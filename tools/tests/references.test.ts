/** Compose references: placeholders of the right shape, and references checked against the producer's template. */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeReferences, deployOrder, readCompose } from '@game-platform/resources/compose';
import { PLACEHOLDER_KINDS, placeholderFor, placeholderKind } from '@game-platform/resources/placeholders';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { describe, expect, it } from 'vitest';
import { checkReferences } from '../src/synth/references';
import { validTemplate } from './fixtures';

const profile = loadStageProfile('prod');
const placeholder = (output: string) => placeholderFor({ profile, producer: 'network', output });

describe('placeholders', () => {
  it('have the shape of the real value', () => {
    expect(placeholder('vpcId')).toEqual({ value: expect.stringMatching(/^vpc-0[0-9a-f]{16}$/) });
    expect(placeholder('privateSubnetIds')).toEqual({
      value: expect.stringMatching(/^subnet-0[0-9a-f]{16}(,subnet-0[0-9a-f]{16}){2}$/),
    });
    expect(placeholder('engineSecurityGroupId')).toEqual({
      value: expect.stringMatching(/^sg-0[0-9a-f]{16}$/),
    });
    expect(placeholder('eventsQueueArn')).toEqual({
      value: 'arn:aws:sqs:eu-west-1:123456789012:game-prod-events',
    });
    expect(placeholder('eventsQueueUrl')).toEqual({
      value: 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-prod-events',
    });
    expect(placeholder('observabilityKeyArn')).toEqual({
      value: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/),
    });
  });

  it('are stable from run to run, so templates can be diffed', () => {
    expect(placeholder('vpcId')).toEqual(placeholder('vpcId'));
  });

  it('refuse an output name with no known shape, saying how to name it', () => {
    expect(placeholder('theThing')).toEqual({
      error: expect.stringContaining('network.theThing: no placeholder shape for this output name'),
    });
  });
});

describe('checkReferences', () => {
  const producer = validTemplate();

  it('accepts a reference to a declared output of the right kind', () => {
    expect(
      checkReferences([{ consumer: 'endpoints', param: 'vpcId', producer: 'network', output: 'vpcId' }], {
        network: producer,
      }),
    ).toEqual([]);
  });

  it('names both services and the output when the producer does not declare it', () => {
    const [finding] = checkReferences(
      [{ consumer: 'engine', param: 'eventsQueueUrl', producer: 'network', output: 'eventsQueueUrl' }],
      { network: producer },
    );
    expect(finding?.message).toBe(
      '${network.eventsQueueUrl}: service "network" declares no output "eventsQueueUrl" (it declares: vpcId, webSecurityGroupId), so "engine" cannot receive it',
    );
  });

  it('catches an output whose value does not match what its name promises', () => {
    const template = validTemplate();
    template.Outputs = { webSecurityGroupId: { Value: { Ref: 'Vpc' } } };
    const [finding] = checkReferences(
      [
        {
          consumer: 'engine',
          param: 'webSecurityGroupId',
          producer: 'network',
          output: 'webSecurityGroupId',
        },
      ],
      { network: template },
    );
    expect(finding?.message).toBe(
      '${network.webSecurityGroupId}: the name says security group id but "network" takes it from Vpc (AWS::EC2::VPC); rename the output or fix its value',
    );
  });

  it('has no placeholder shape that no reference of the real compose file uses', () => {
    const used = new Set(
      composeReferences(readCompose()).map((reference) => placeholderKind(reference.output)),
    );
    expect(PLACEHOLDER_KINDS.filter((kind) => !used.has(kind)).map((kind) => kind.pattern.source)).toEqual(
      [],
    );
  });

  it('finds every reference of the real compose file', () => {
    const references = composeReferences(readCompose());
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references)
      expect(
        placeholderFor({ profile, producer: reference.producer, output: reference.output }),
      ).toHaveProperty('value');
  });
});

describe('readCompose', () => {
  const composeFile = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'compose-')), 'serverless-compose.yml');
    writeFileSync(file, text);
    return file;
  };

  it('reads dependsOn written as one service, as compose accepts it, and orders by it', () => {
    const services = readCompose(
      composeFile(
        'services:\n  engine:\n    path: services/engine\n    dependsOn: network\n  network:\n    path: services/network\n',
      ),
    );
    expect(services.find((service) => service.name === 'engine')?.dependsOn).toEqual(['network']);
    expect(deployOrder(services)).toEqual({ order: ['network', 'engine'] });
  });

  it('refuses a service without a path, naming it', () => {
    const file = composeFile('services:\n  engine:\n    dependsOn: [network]\n');
    expect(() => readCompose(file)).toThrow(
      `${file}: service engine has no path; expected path: <folder of its serverless.ts>`,
    );
  });
});

describe('deployOrder', () => {
  it('orders the real compose file with the frontend last, after the engine and the firewall', () => {
    const result = deployOrder(readCompose());
    const order = 'order' in result ? result.order : [];
    expect([...order].sort()).toEqual(
      readCompose()
        .map((service) => service.name)
        .sort(),
    );
    expect(order.indexOf('engine')).toBeGreaterThan(order.indexOf('integrations'));
    expect(order.at(-1)).toBe('frontend');
  });

  it("names the cycle when two services take each other's outputs (the dashboard in the engine stack)", () => {
    // Prepare: the engine takes the frontend's distribution id again, as before the dashboard moved.
    const services = readCompose().map((service) =>
      service.name === 'engine'
        ? { ...service, params: { ...service.params, distributionId: '${frontend.distributionId}' } }
        : service,
    );

    // Act
    const result = deployOrder(services);

    // Assess
    expect(result).toEqual({ cycle: ['engine', 'frontend', 'engine'] });
  });

  it('follows dependsOn as well as params', () => {
    const services = readCompose().map((service) =>
      service.name === 'network' ? { ...service, dependsOn: ['integrations'] } : service,
    );
    expect(deployOrder(services)).toEqual({ cycle: ['network', 'integrations', 'network'] });
  });
});
