/**
 * `npm run cost`: every resource type of every checked stage's templates is priced or known to cost
 * nothing, the price table is dated and recent, each price names its source and how it was checked,
 * the arithmetic of a few lines by hand, the CLI as users run it, and the README's table recomputed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { SERVICE_NAMES } from '@game-platform/resources';
import { repoPath } from '@game-platform/resources/paths';
import type { Template } from '@game-platform/resources/template';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import {
  HOURS_PER_MONTH,
  MAX_PRICE_AGE_DAYS,
  PRICE_TABLE,
  priceTableAgeDays,
  regionPrices,
} from '../src/cost/prices';
import { unpricedTypes } from '../src/cost/pricing';
import { costReport, type StageBill, stageBill } from '../src/cost/report';

const templatesOf = (stage: string): Record<string, Template> =>
  Object.fromEntries(SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)]));

const bills: Record<string, StageBill> = Object.fromEntries(
  CHECKED_PROFILES.map((stage) => [stage, stageBill(loadStageProfile(stage), templatesOf(stage))]),
);

/** `npm run cost` as users run it. */
const cost = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'cost', '--', ...args], {
      cwd: repoPath(),
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
};

describe('the price table', () => {
  it(`is dated and at most ${MAX_PRICE_AGE_DAYS} days old: re-check every figure, then move recordedOn`, () => {
    const age = priceTableAgeDays(new Date());
    expect(age, `prices recorded ${PRICE_TABLE.recordedOn}, ${age} days ago`).toBeGreaterThanOrEqual(0);
    expect(age, `prices recorded ${PRICE_TABLE.recordedOn}, ${age} days ago`).toBeLessThanOrEqual(
      MAX_PRICE_AGE_DAYS,
    );
  });

  it('fails the age check once the limit has passed', () => {
    const recorded = Date.parse(`${PRICE_TABLE.recordedOn}T00:00:00Z`);
    const later = new Date(recorded + (MAX_PRICE_AGE_DAYS + 1) * 86_400_000);
    expect(priceTableAgeDays(later)).toBeGreaterThan(MAX_PRICE_AGE_DAYS);
  });

  it.each(Object.keys(PRICE_TABLE.regions))(
    'names, for every %s price, its AWS pricing page and how it was checked',
    (region) => {
      for (const [key, price] of Object.entries(regionPrices(region))) {
        expect(price.source, key).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9-/]+\/pricing\/$/);
        expect(price.usd, key).toBeGreaterThanOrEqual(0);
        if (price.check.status === 'unconfirmed') expect(price.check.note, key).not.toBe('');
        else expect(price.check.via, key).toMatch(/^https?:\/\//);
      }
    },
  );

  it('has prices for the region of every checked stage, and refuses one it does not have', () => {
    for (const stage of CHECKED_PROFILES)
      expect(() => regionPrices(loadStageProfile(stage).region)).not.toThrow();
    expect(() => regionPrices('ap-south-2')).toThrow(
      'the price table (tools/src/cost/prices.ts) has no prices for region ap-south-2; it has eu-west-1',
    );
  });
});

describe.each(CHECKED_PROFILES)('the bill of %s', (stage) => {
  const bill = bills[stage] as StageBill;
  const prices = regionPrices(bill.profile.region);
  const line = (resource: string, item: string) =>
    bill.lines.find((l) => l.resource === resource && l.item.startsWith(item));

  it('prices every resource type of the stage, or knows it costs nothing', () => {
    expect(unpricedTypes(templatesOf(stage))).toEqual([]);
  });

  it('has a figure for every line, except the ones it says it does not estimate', () => {
    for (const l of bill.lines.filter((candidate) => candidate.monthlyUsd === null))
      expect(l.note, `${l.service}/${l.resource} ${l.item}`).toMatch(/^not estimated: /);
  });

  it('charges the database per instance-hour, twice with Multi-AZ, and its storage per copy', () => {
    const { datastore } = bill.profile;
    const copies = datastore.multiAz ? 2 : 1;
    const hourly = prices[`rds:${datastore.instanceClass}` as keyof typeof prices].usd;
    expect(line('DatabaseInstance', datastore.instanceClass)?.monthlyUsd).toBeCloseTo(
      hourly * HOURS_PER_MONTH * copies,
      6,
    );
    expect(line('DatabaseInstance', 'gp3 storage')?.monthlyUsd).toBeCloseTo(
      datastore.allocatedStorageGiB * copies * prices.rdsGp3GbMonth.usd,
      6,
    );
  });

  it('charges the engine tasks at minCount, and shows them at maxCount', () => {
    const { engine } = bill.profile;
    const perTask =
      ((engine.cpu / 1024) * prices.fargateArmVcpuHour.usd +
        (engine.memoryMiB / 1024) * prices.fargateArmGbHour.usd) *
      HOURS_PER_MONTH;
    // The deploy builds the image itself (issue 15), so no stage waits at 0 tasks for one.
    const running = { min: engine.minCount, max: engine.maxCount };
    expect(line('EngineService', 'Fargate ARM')).toMatchObject({
      monthlyUsd: expect.closeTo(perTask * running.min, 6),
      atMaxUsd: expect.closeTo(perTask * running.max, 6),
    });
  });

  it('charges one NAT gateway and one public address per gateway the network mode creates', () => {
    const gateways = { none: 0, single: 1, perAz: bill.profile.network.azCount }[
      bill.profile.network.natMode
    ];
    const natLines = bill.lines.filter((l) => l.item === 'NAT gateway');
    expect(natLines).toHaveLength(gateways);
    expect(bill.lines.filter((l) => l.item.startsWith('public IPv4'))).toHaveLength(gateways);
    for (const l of natLines)
      expect(l.monthlyUsd).toBeCloseTo(prices.natGatewayHour.usd * HOURS_PER_MONTH, 6);
  });

  it('folds in the endpoints report: the same interface endpoint total, and what NAT would cost instead', () => {
    const endpointLines = bill.lines.filter((l) => l.service === 'endpoints');
    const total = endpointLines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0);
    expect(total).toBeCloseTo(bill.endpoints.interfaceMonthlyUsd, 1);
    expect(bill.endpoints.singleNatMonthlyUsd).toBeCloseTo(prices.natGatewayHour.usd * HOURS_PER_MONTH, 2);
  });

  it('adds the lines up per service and in total', () => {
    const services = Object.values(bill.services).reduce((sum, s) => sum + s.monthlyUsd, 0);
    expect(services).toBeCloseTo(bill.monthlyUsd, 6);
    expect(bill.fixedUsd + bill.usageUsd).toBeCloseTo(bill.monthlyUsd, 6);
    expect(bill.atMaxUsd).toBeGreaterThanOrEqual(bill.monthlyUsd);
  });
});

describe('a template with a resource type the table cannot price', () => {
  it('is reported by type and service, and npm run cost refuses to total it', () => {
    // Prepare: dev's templates with a table nobody priced.
    const templates = templatesOf('dev');
    const integrations = templates.integrations as Template;
    templates.integrations = {
      ...integrations,
      Resources: { ...integrations.Resources, ScoresTable: { Type: 'AWS::DynamoDB::Table', Properties: {} } },
    };

    // Act / Assess
    expect(unpricedTypes(templates)).toEqual([{ service: 'integrations', type: 'AWS::DynamoDB::Table' }]);
    expect(() => stageBill(loadStageProfile('dev'), templates)).toThrow(
      'stage dev: no price for AWS::DynamoDB::Table (integrations); add it to PRICERS or NO_CHARGE in tools/src/cost/pricing.ts',
    );
  });
});

describe('npm run cost', () => {
  it('prints every stage, the totals side by side, the NAT alternative, the assumptions and the sources', () => {
    const output = costReport();
    for (const stage of CHECKED_PROFILES) {
      expect(output).toContain(`== stage ${stage} (profile ${stage}, eu-west-1)`);
      expect(output).toContain(`total $${(bills[stage] as StageBill).monthlyUsd.toFixed(2)} a month`);
    }
    expect(output).toContain('NAT instead of the endpoints: this stage has no NAT gateway');
    expect(output).toContain('== $/month per service and stage ==');
    expect(output).toContain('== assumptions ==');
    expect(output).toContain(`== prices: eu-west-1, USD, recorded ${PRICE_TABLE.recordedOn}`);
    expect(output).toMatch(/\d+ of \d+ prices could not be confirmed on an AWS page offline/);
  });

  it('prints only the stages asked for', () => {
    const output = costReport(['prod']);
    expect(output).toContain('== stage prod (profile prod, eu-west-1)');
    expect(output).not.toContain('== stage dev');
  });

  // The command as users run it: one process start, which compiles the report with tsx (several
  // seconds on a loaded machine, hence the timeout; the report itself is the in-process tests above).
  it('refuses an unknown argument naming the option it resembles, in one line, and exit code 2', {
    timeout: 60_000,
  }, async () => {
    const { code, output } = await cost('--stages', 'dev');
    expect(code).toBe(2);
    expect(output.trim()).toBe('cost: unknown option --stages; expected --stage <stage>');
  });
});

describe('the README cost table', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const rows = readme
    .split('\n')
    .filter((row) => row.startsWith('|'))
    .map((row) =>
      row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const header = rows.find((row) => row[0] === 'service' && row[1] === CHECKED_PROFILES[0]);
  const usd = (value: number) => `$${value.toFixed(2)}`;

  it('is the one npm run cost prints, per service and stage', () => {
    expect(header).toEqual(['service', ...CHECKED_PROFILES]);
    const services = Object.keys((bills[CHECKED_PROFILES[0] as string] as StageBill).services);
    for (const service of services)
      expect(
        rows.find((row) => row[0] === service && row.length === header?.length),
        service,
      ).toEqual([
        service,
        ...CHECKED_PROFILES.map((stage) =>
          usd((bills[stage] as StageBill).services[service]?.monthlyUsd ?? 0),
        ),
      ]);
    expect(rows.find((row) => row[0] === 'total')).toEqual([
      'total',
      ...CHECKED_PROFILES.map((stage) => usd((bills[stage] as StageBill).monthlyUsd)),
    ]);
    expect(rows.find((row) => row[0] === 'at the ceiling')).toEqual([
      'at the ceiling',
      ...CHECKED_PROFILES.map((stage) => usd((bills[stage] as StageBill).atMaxUsd)),
    ]);
  });

  it('names the date of the prices and how many could be confirmed', () => {
    const prices = Object.values(regionPrices('eu-west-1'));
    const confirmed = prices.filter((price) => price.check.status === 'aws').length;
    expect(readme).toContain(`**recorded ${PRICE_TABLE.recordedOn}**`);
    expect(readme).toContain(
      `Of the ${prices.length} figures, ${confirmed} are stated on a stored copy of an AWS page`,
    );
  });
});
