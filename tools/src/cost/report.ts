/**
 * `npm run cost`: what each stage costs a month, from its synthesized templates (`.synth/<stage>/`)
 * and the dated price table. Pure functions here; `cli.ts` reads the templates and prints.
 */

import { SERVICE_NAMES } from '@game-platform/resources';
import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import type { Template } from '@game-platform/resources/template';
import { synthesizedTemplate } from '@game-platform/resources/template';
import { deployedEndpoints, deriveEndpointNeeds } from '@game-platform/shared/endpoints';
import { CHECKED_PROFILES, loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { endpointPrices } from './endpoint-prices';
import { type StageCost as EndpointsCost, stageCost as endpointsCost } from './endpoints';
import { HOURS_PER_MONTH, PRICE_TABLE, type Price, type PriceKey, regionPrices } from './prices';
import { type CostLine, stageCostLines, unpricedTypes } from './pricing';
import { ASSUMPTIONS, stageUsage } from './usage';

export interface StageBill {
  stage: string;
  profile: StageProfile;
  lines: CostLine[];
  /** Per service: dollars a month at rest and at the ceiling. */
  services: Record<string, { monthlyUsd: number; atMaxUsd: number }>;
  fixedUsd: number;
  usageUsd: number;
  monthlyUsd: number;
  atMaxUsd: number;
  endpoints: EndpointsCost;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Prices a stage's templates; throws naming the resource types the table cannot price. */
export const stageBill = (profile: StageProfile, templates: Record<string, Template>): StageBill => {
  const unpriced = unpricedTypes(templates);
  if (unpriced.length)
    throw new Error(
      `stage ${profile.stage}: no price for ${unpriced.map((u) => `${u.type} (${u.service})`).join(', ')}; add it to PRICERS or NO_CHARGE in tools/src/cost/pricing.ts`,
    );
  const prices = regionPrices(profile.region);
  const lines = stageCostLines(profile, templates, prices, stageUsage(profile));
  const services: StageBill['services'] = {};
  for (const line of lines) {
    services[line.service] ??= { monthlyUsd: 0, atMaxUsd: 0 };
    const entry = services[line.service] as { monthlyUsd: number; atMaxUsd: number };
    entry.monthlyUsd += line.monthlyUsd ?? 0;
    entry.atMaxUsd += line.atMaxUsd ?? line.monthlyUsd ?? 0;
  }
  const total = (kind?: CostLine['kind']) =>
    sum(lines.filter((line) => !kind || line.kind === kind).map((line) => line.monthlyUsd ?? 0));
  return {
    stage: profile.stage,
    profile,
    lines,
    services,
    fixedUsd: total('fixed'),
    usageUsd: total('usage'),
    monthlyUsd: total(),
    atMaxUsd: sum(Object.values(services).map((service) => service.atMaxUsd)),
    endpoints: endpointsCost(
      profile,
      deployedEndpoints(templates),
      deriveEndpointNeeds(templates, IAM_FACTS),
      endpointPrices(profile.region),
    ),
  };
};

const usd = (value: number) => `$${value.toFixed(2)}`;

/** How much a line's figure can be trusted: the weakest check of its prices. */
const CHECK_MARK = { aws: ' ', 'third-party': 't', 'us-east-1': 'u', unconfirmed: '?' } as const;
const RANK = [' ', 't', 'u', '?'];
const lineMark = (line: CostLine, prices: Record<PriceKey, Price>) =>
  line.prices
    .map((key) => CHECK_MARK[prices[key].check.status])
    .sort((a, b) => RANK.indexOf(b) - RANK.indexOf(a))[0] ?? ' ';

const table = (rows: string[][], rightAligned: number[]): string[] => {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    `  ${row
      .map((cell, column) =>
        rightAligned.includes(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')}`.trimEnd(),
  );
};

/** One stage: every line, what is not estimated, the totals and the NAT alternative. */
export const formatStageBill = (bill: StageBill): string => {
  const { profile } = bill;
  const prices = regionPrices(profile.region);
  const load = profile.expectedLoad;
  const out: string[] = [
    `\n== stage ${bill.stage} (profile ${profile.profileName}, ${profile.region}): expected ${load.monthlyPlayers.toLocaleString('en-US')} players a month, ${load.matchesPerDay.toLocaleString('en-US')} matches a day, ${load.pageViewsPerMonth.toLocaleString('en-US')} page views a month ==`,
  ];
  const priced = bill.lines.filter((line) => line.monthlyUsd !== null);
  out.push(
    ...table(
      [
        ['service', 'resource', 'item', 'kind', 'quantity', '$/month', 'at max', 'check'],
        ...priced.map((line) => [
          line.service,
          line.resource,
          line.item,
          line.kind,
          line.quantity,
          usd(line.monthlyUsd ?? 0),
          line.atMaxUsd !== undefined && line.atMaxUsd !== line.monthlyUsd ? usd(line.atMaxUsd) : '',
          lineMark(line, prices),
        ]),
      ],
      [5, 6],
    ),
  );
  for (const line of bill.lines.filter((l) => l.monthlyUsd === null))
    out.push(
      `  not estimated: ${line.service}/${line.resource} ${line.item}: ${(line.note ?? '').replace(/^not estimated: /, '')}`,
    );
  out.push(
    `  total ${usd(bill.monthlyUsd)} a month (fixed ${usd(bill.fixedUsd)} + usage ${usd(bill.usageUsd)}); ${usd(bill.atMaxUsd)} with every service at its ceiling${load.monthlyPlayers ? `; ${usd(bill.monthlyUsd / load.monthlyPlayers)} per player` : ''}`,
  );
  const e = bill.endpoints;
  out.push(
    e.natGateways === 0
      ? `  NAT instead of the endpoints: this stage has no NAT gateway; its ${usd(e.interfaceMonthlyUsd)} of interface endpoints compare with one NAT gateway at ${usd(e.singleNatMonthlyUsd)} (one per AZ ${usd(e.perAzNatMonthlyUsd)}) plus its data charge and addresses; the endpoints cost less above ${e.breakEvenGbPerMonth || 0} GB/month of AWS API traffic`
      : `  NAT instead of the endpoints: its ${e.natGateways} NAT gateway(s) (${usd(e.natMonthlyUsd)} before data) would carry the AWS API calls too, saving the ${usd(e.interfaceMonthlyUsd)} of interface endpoints below ${e.breakEvenGbPerMonth} GB/month of that traffic (npm run endpoints:cost has the detail)`,
  );
  return out.join('\n');
};

/** Totals per service and per stage, side by side. */
export const formatTotals = (bills: StageBill[]): string => {
  const services = [...new Set(bills.flatMap((bill) => Object.keys(bill.services)))];
  const header = ['service', ...bills.map((bill) => bill.stage)];
  const row = (label: string, value: (bill: StageBill) => string) => [label, ...bills.map(value)];
  return [
    '\n== $/month per service and stage ==',
    ...table(
      [
        header,
        ...services.map((service) => row(service, (bill) => usd(bill.services[service]?.monthlyUsd ?? 0))),
        row('total', (bill) => usd(bill.monthlyUsd)),
        row('  fixed', (bill) => usd(bill.fixedUsd)),
        row('  usage', (bill) => usd(bill.usageUsd)),
        row('at the ceiling', (bill) => usd(bill.atMaxUsd)),
        row('per player', (bill) =>
          bill.profile.expectedLoad.monthlyPlayers
            ? usd(bill.monthlyUsd / bill.profile.expectedLoad.monthlyPlayers)
            : '-',
        ),
      ],
      bills.map((_, index) => index + 1),
    ),
  ].join('\n');
};

/** The assumptions and the prices, each with its source and how it was checked. */
export const formatSources = (bills: StageBill[]): string => {
  const regions = [...new Set(bills.map((bill) => bill.profile.region))];
  const out = [
    '\n== assumptions ==',
    '  free tiers are not deducted (they are per account, and stages often share one);',
    '  data transfer between AZs and to the internet outside CloudFront, and interface endpoint data ($0.01/GB), are not estimated;',
    `  ${HOURS_PER_MONTH} hours a month; usage from each profile's expectedLoad and:`,
    ...Object.entries(ASSUMPTIONS).map(([name, value]) => `    ${name}: ${value}`),
  ];
  for (const region of regions) {
    const prices = regionPrices(region);
    out.push(
      `\n== prices: ${region}, USD, recorded ${PRICE_TABLE.recordedOn} (check: blank = stated on an AWS page, t = third-party page only, u = us-east-1 figure only, ? = not confirmed offline) ==`,
    );
    out.push(
      ...table(
        Object.entries(prices).map(([key, price]) => [
          key,
          `$${price.usd}`,
          price.per,
          CHECK_MARK[price.check.status],
          price.source,
          price.check.status === 'unconfirmed' ? price.check.note : price.check.via,
        ]),
        [1],
      ),
    );
    const weak = Object.values(prices).filter((price) => price.check.status !== 'aws').length;
    out.push(
      `  ${weak} of ${Object.keys(prices).length} prices could not be confirmed on an AWS page offline: check them on the pages above before budgeting`,
    );
  }
  return out.join('\n');
};

/** The whole report for `stages` (default: every checked profile), as printed. */
export const costReport = (stages: readonly string[] = CHECKED_PROFILES): string => {
  const bills = stages.map((stage) =>
    stageBill(
      loadStageProfile(stage),
      Object.fromEntries(SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)])),
    ),
  );
  return [
    'npm run cost: what each stage costs a month, from its synthesized templates',
    ...bills.map(formatStageBill),
    formatTotals(bills),
    formatSources(bills),
  ].join('\n');
};
