/**
 * The cost report: endpoint-hours x AZs from the price table, the NAT comparison and break-even,
 * who needs each endpoint, and the README's per-stage figures recomputed from the synthesized
 * templates (so the README cannot drift from the profiles or the price table).
 */
import { readFileSync } from 'node:fs';
import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import {
  type DeployedEndpoint,
  deployedEndpoints,
  deriveEndpointNeeds,
  interfaceEndpointsOf,
} from '@game-platform/shared/endpoints';
import { CHECKED_PROFILES, loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate, type Template } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { PRICES, type PriceTable } from '../src/cost/endpoint-prices';
import { formatPriceSource, formatStageCost, type StageCost, stageCost } from '../src/cost/endpoints';

/** Round numbers, so the arithmetic in the expectations is easy to follow. */
const TEST_PRICES: PriceTable = {
  ...PRICES,
  interfaceEndpointPerAzHourUsd: 0.01,
  interfaceEndpointPerGbUsd: 0.01,
  natGatewayPerHourUsd: 0.05,
  natGatewayPerGbUsd: 0.05,
  hoursPerMonth: 700,
};

const NO_WORKLOADS = { workloads: [], needs: [], problems: [] };

const interfaceEndpoint = (name: string, azCount: number): DeployedEndpoint => ({
  service: 'endpoints',
  logicalId: `${name}Endpoint`,
  name,
  type: 'Interface',
  azCount,
});
const S3_GATEWAY: DeployedEndpoint = {
  service: 'endpoints',
  logicalId: 'S3GatewayEndpoint',
  name: 's3',
  type: 'Gateway',
};

const profileWith = (natMode: StageProfile['network']['natMode']): StageProfile => {
  const dev = loadStageProfile('dev');
  return { ...dev, network: { ...dev.network, natMode } };
};

describe('stage cost', () => {
  it('charges each interface endpoint per AZ-hour, and the gateway nothing', () => {
    // Prepare: 3 interface endpoints, 2 AZs each.
    const endpoints = [S3_GATEWAY, ...['sqs', 'logs', 'ecr.api'].map((name) => interfaceEndpoint(name, 2))];

    // Act
    const cost = stageCost(profileWith('none'), endpoints, NO_WORKLOADS, TEST_PRICES);

    // Assess: 6 endpoint-AZs x $0.01 = $0.06/hour, x 700 hours = $42/month.
    expect(cost.lines.map((line) => [line.name, line.hourlyUsd, line.monthlyUsd])).toEqual([
      ['s3', 0, 0],
      ['sqs', 0.02, 14],
      ['logs', 0.02, 14],
      ['ecr.api', 0.02, 14],
    ]);
    expect(cost).toMatchObject({
      interfaceEndpointAzs: 6,
      interfaceHourlyUsd: 0.06,
      interfaceMonthlyUsd: 42,
    });
  });

  it('without NAT, compares with one NAT gateway: break-even where the per-GB saving pays the fixed difference', () => {
    // Prepare: $42/month of endpoints vs one NAT gateway at $35/month; $0.04 saved per GB.
    const endpoints = ['sqs', 'logs', 'ecr.api'].map((name) => interfaceEndpoint(name, 2));

    // Act
    const cost = stageCost(profileWith('none'), endpoints, NO_WORKLOADS, TEST_PRICES);

    // Assess: (42 - 35) / 0.04 = 175 GB.
    expect(cost).toMatchObject({ natGateways: 0, natMonthlyUsd: 0, singleNatMonthlyUsd: 35 });
    expect(cost.perAzNatMonthlyUsd).toBe(70);
    expect(cost.breakEvenGbPerMonth).toBe(175);
  });

  it('without NAT, calls endpoints cheaper at any traffic when they cost less than one NAT gateway', () => {
    // Prepare: $14/month of endpoints.
    const cost = stageCost(profileWith('none'), [interfaceEndpoint('sqs', 2)], NO_WORKLOADS, TEST_PRICES);

    // Act
    const report = formatStageCost(cost);

    // Assess
    expect(cost.breakEvenGbPerMonth).toBe(0);
    expect(report).toContain('endpoints vs NAT: cheaper at any traffic');
  });

  it('with NAT, counts the endpoints as extra: they pay back above fixed cost / per-GB saving', () => {
    // Prepare: NAT per AZ (2 gateways) and $42/month of endpoints.
    const endpoints = ['sqs', 'logs', 'ecr.api'].map((name) => interfaceEndpoint(name, 2));

    // Act
    const cost = stageCost(profileWith('perAz'), endpoints, NO_WORKLOADS, TEST_PRICES);

    // Assess: 42 / 0.04 = 1050 GB.
    expect(cost).toMatchObject({ natGateways: 2, natMonthlyUsd: 70, breakEvenGbPerMonth: 1050 });
  });

  it('lists who needs each endpoint, and what no endpoint serves', () => {
    // Prepare: the workload templates the endpoint derivation's own tests use.
    const fixture = (name: string) =>
      new URL(`../../services/endpoints/tests/templates/${name}.json`, import.meta.url);
    const templates = Object.fromEntries(
      ['integrations-consumer', 'engine-task'].map((name) => [
        name.split('-')[0],
        JSON.parse(readFileSync(fixture(name), 'utf8')) as Template,
      ]),
    );
    const endpoints = [S3_GATEWAY, interfaceEndpoint('s3', 2), interfaceEndpoint('sqs', 2)];

    // Act
    const cost = stageCost(
      profileWith('single'),
      endpoints,
      deriveEndpointNeeds(templates, IAM_FACTS),
      TEST_PRICES,
    );
    const report = formatStageCost(cost);

    // Assess: in-VPC S3 calls go to the gateway, not the interface endpoint.
    expect(cost.lines.map((line) => [line.type, line.name, line.neededBy])).toEqual([
      ['Gateway', 's3', ['engine/EngineTaskDefinition']],
      ['Interface', 's3', []],
      ['Interface', 'sqs', ['integrations/ConsumerLambdaFunction', 'engine/EngineTaskDefinition']],
    ]);
    expect(cost.notCovered).toEqual([
      { endpoint: 'ecs', neededBy: ['engine/EngineTaskDefinition'] },
      { endpoint: 'ecr.api', neededBy: ['engine/EngineTaskDefinition'] },
      { endpoint: 'ecr.dkr', neededBy: ['engine/EngineTaskDefinition'] },
      { endpoint: 'logs', neededBy: ['engine/EngineTaskDefinition'] },
      { endpoint: 'secretsmanager', neededBy: ['engine/EngineTaskDefinition'] },
    ]);
    expect(report).toContain(
      'no endpoint for logs (needed by engine/EngineTaskDefinition): those calls go through NAT',
    );
    expect(report).toContain('(in-VPC calls take the gateway; serves clients outside the VPC)');
  });

  it('says where its prices come from and when they were recorded', () => {
    expect(formatPriceSource(PRICES)).toContain(
      `eu-west-1 on-demand list prices in USD, recorded ${PRICES.recordedOn}`,
    );
    expect(formatPriceSource(PRICES)).toContain('https://aws.amazon.com/privatelink/pricing/');
  });
});

describe('the README cost table', () => {
  /** Every table row of the README as trimmed cells (the formatter pads tables). */
  const rows = readFileSync(new URL('../../services/endpoints/README.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const costOf = (stage: string): StageCost => {
    const templates = { endpoints: synthesizedTemplate(stage, 'endpoints') };
    return stageCost(loadStageProfile(stage), deployedEndpoints(templates), NO_WORKLOADS, PRICES);
  };

  it.each(CHECKED_PROFILES)('matches what %s synthesizes, at the recorded prices', (stage) => {
    // Prepare
    const cost = costOf(stage);
    const { network, endpoints } = cost.profile;

    // Act
    const row = rows.find((cells) => cells[0] === stage && cells[1] === network.natMode);

    // Assess
    expect(row).toEqual([
      stage,
      network.natMode,
      `${interfaceEndpointsOf(cost.profile).length} x ${endpoints.interfaceAzCount} AZ`,
      `$${cost.interfaceHourlyUsd.toFixed(3)}`,
      `$${cost.interfaceMonthlyUsd.toFixed(2)}`,
      String(cost.natGateways),
      `$${cost.natMonthlyUsd.toFixed(2)}`,
      String(cost.breakEvenGbPerMonth || 'any'),
    ]);
  });

  it('names the date the prices were recorded', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(readFileSync(new URL('../../services/endpoints/README.md', import.meta.url), 'utf8')).toContain(
      `list prices recorded ${PRICES.recordedOn}`,
    );
  });
});
