/**
 * What a stage's VPC endpoints cost, next to what NAT gateways would cost for the same stage, from
 * the synthesized templates (what would be deployed) and the price table. Pure functions: the CLI
 * (`endpoints-report.ts`) reads the templates and prints `formatStageCost`.
 *
 *   interface endpoint: endpoint-hours x AZs x price, plus a charge per GB processed
 *   gateway endpoint:   free
 *   NAT gateway:        gateway-hours x price, plus a (higher) charge per GB processed
 */
import { type DeployedEndpoint, type Derivation, missingEndpoints } from '@game-platform/shared/endpoints';
import type { StageProfile } from '@game-platform/shared/profiles';
import type { PriceTable } from './endpoint-prices';

export interface EndpointCostLine {
  name: string;
  type: 'Gateway' | 'Interface';
  /** AZs with a network interface (interface endpoints); 0 for a gateway endpoint. */
  azCount: number;
  hourlyUsd: number;
  monthlyUsd: number;
  /** Workloads (`service/LogicalId`) whose calls this endpoint serves. */
  neededBy: string[];
}

export interface StageCost {
  stage: string;
  profile: StageProfile;
  prices: PriceTable;
  lines: EndpointCostLine[];
  interfaceEndpointAzs: number;
  interfaceHourlyUsd: number;
  interfaceMonthlyUsd: number;
  /** NAT gateways the network stack creates for this stage's `natMode`. */
  natGateways: number;
  natMonthlyUsd: number;
  /** Fixed monthly cost of one NAT gateway, and of one per AZ: the alternatives to endpoints. */
  singleNatMonthlyUsd: number;
  perAzNatMonthlyUsd: number;
  /**
   * Monthly GB of AWS API traffic above which the interface endpoints cost less than sending that
   * traffic through NAT; 0 when they are cheaper at any volume.
   */
  breakEvenGbPerMonth: number;
  /** Calls no endpoint serves: through NAT where there is one, a synth failure where there is none. */
  notCovered: Array<{ endpoint: string; neededBy: string[] }>;
}

export const natGatewayCount = (profile: StageProfile): number =>
  ({ none: 0, single: 1, perAz: profile.network.azCount })[profile.network.natMode];

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Costs of the endpoints in a stage's templates, with who needs each and what NAT would cost instead. */
export const stageCost = (
  profile: StageProfile,
  endpoints: DeployedEndpoint[],
  derivation: Derivation,
  prices: PriceTable,
): StageCost => {
  const workloadsNeeding = (name: string) => [
    ...new Set(
      derivation.needs
        .filter((need) => need.endpoint === name)
        .map((need) => `${need.workload.service}/${need.workload.logicalId}`),
    ),
  ];
  const hasGateway = (name: string) => endpoints.some((e) => e.type === 'Gateway' && e.name === name);
  const lines = endpoints.map((endpoint): EndpointCostLine => {
    const azCount = endpoint.type === 'Interface' ? (endpoint.azCount ?? profile.network.azCount) : 0;
    const hourlyUsd =
      endpoint.type === 'Interface'
        ? azCount * prices.interfaceEndpointPerAzHourUsd
        : prices.gatewayEndpointPerHourUsd;
    // Where a gateway endpoint exists for the same service, in-VPC calls take the gateway.
    const servedByGateway = endpoint.type === 'Interface' && hasGateway(endpoint.name);
    return {
      name: endpoint.name,
      type: endpoint.type,
      azCount,
      hourlyUsd: round(hourlyUsd, 4),
      monthlyUsd: round(hourlyUsd * prices.hoursPerMonth, 2),
      neededBy: servedByGateway ? [] : workloadsNeeding(endpoint.name),
    };
  });
  const interfaces = lines.filter((line) => line.type === 'Interface');
  const interfaceHourlyUsd = interfaces.reduce((sum, line) => sum + line.hourlyUsd, 0);
  const interfaceMonthlyUsd = interfaceHourlyUsd * prices.hoursPerMonth;
  const natMonthly = (gateways: number) => gateways * prices.natGatewayPerHourUsd * prices.hoursPerMonth;
  const natGateways = natGatewayCount(profile);
  const savedPerGb = prices.natGatewayPerGbUsd - prices.interfaceEndpointPerGbUsd;
  // Without NAT, the alternative to the endpoints is one NAT gateway; with NAT, the endpoints are extra.
  const fixedDifference = interfaceMonthlyUsd - (natGateways === 0 ? natMonthly(1) : 0);
  const available = new Set(endpoints.map((endpoint) => endpoint.name));
  const missing = missingEndpoints(derivation.needs, available);
  return {
    stage: profile.stage,
    profile,
    prices,
    lines,
    interfaceEndpointAzs: interfaces.reduce((sum, line) => sum + line.azCount, 0),
    interfaceHourlyUsd: round(interfaceHourlyUsd, 4),
    interfaceMonthlyUsd: round(interfaceMonthlyUsd, 2),
    natGateways,
    natMonthlyUsd: round(natMonthly(natGateways), 2),
    singleNatMonthlyUsd: round(natMonthly(1), 2),
    perAzNatMonthlyUsd: round(natMonthly(profile.network.azCount), 2),
    breakEvenGbPerMonth: fixedDifference <= 0 ? 0 : Math.ceil(fixedDifference / savedPerGb),
    notCovered: [...new Set(missing.map((m) => m.endpoint))].map((endpoint) => ({
      endpoint,
      neededBy: missing
        .filter((m) => m.endpoint === endpoint)
        .map((m) => `${m.workload.service}/${m.workload.logicalId}`),
    })),
  };
};

const usd = (value: number, digits = 2) => `$${value.toFixed(digits)}`;

/** The report for one stage, as `npm run endpoints:cost` prints it. */
export const formatStageCost = (cost: StageCost): string => {
  const { profile, prices } = cost;
  const lines: string[] = [];
  lines.push(
    `\n== endpoints of stage ${cost.stage} (profile ${profile.profileName}, ${profile.region}): natMode ${profile.network.natMode}, ${profile.network.azCount} AZs, interface endpoints in ${profile.endpoints.interfaceAzCount} ==`,
  );
  if (profile.region !== prices.region) {
    lines.push(
      `  note: prices are ${prices.region} list prices; ${profile.region} differs, so figures are estimates`,
    );
  }
  lines.push(
    `  ${'endpoint'.padEnd(15)} ${'type'.padEnd(10)} ${'AZs'.padStart(3)} ${'$/hour'.padStart(8)} ${'$/month'.padStart(9)}  needed by`,
  );
  for (const line of cost.lines) {
    const neededBy = line.neededBy.length
      ? line.neededBy.join(', ')
      : line.type === 'Interface' && cost.lines.some((l) => l.type === 'Gateway' && l.name === line.name)
        ? '(in-VPC calls take the gateway; serves clients outside the VPC)'
        : '(no workload of this stage calls it yet)';
    lines.push(
      `  ${line.name.padEnd(15)} ${line.type.toLowerCase().padEnd(10)} ${(line.type === 'Gateway' ? '-' : String(line.azCount)).padStart(3)} ${usd(line.hourlyUsd, 3).padStart(8)} ${usd(line.monthlyUsd).padStart(9)}  ${neededBy}`,
    );
  }
  lines.push(
    `  ${'total'.padEnd(15)} ${''.padEnd(10)} ${String(cost.interfaceEndpointAzs).padStart(3)} ${usd(cost.interfaceHourlyUsd, 3).padStart(8)} ${usd(cost.interfaceMonthlyUsd).padStart(9)}  + ${usd(prices.interfaceEndpointPerGbUsd, 3)} per GB through interface endpoints`,
  );
  for (const { endpoint, neededBy } of cost.notCovered) {
    lines.push(
      `  no endpoint for ${endpoint} (needed by ${neededBy.join(', ')}): ${cost.natGateways ? 'those calls go through NAT' : 'synth fails (PLATFORM.ENDPOINTS.1)'}`,
    );
  }
  const nat = `${usd(prices.natGatewayPerHourUsd, 3)}/hour = ${usd(cost.singleNatMonthlyUsd)}/month each + ${usd(prices.natGatewayPerGbUsd, 3)} per GB`;
  if (cost.natGateways === 0) {
    lines.push(
      '  NAT gateways: none; AWS APIs are reachable only through the endpoints above, the internet not at all',
    );
    lines.push(
      `  instead of endpoints: 1 NAT gateway ${usd(cost.singleNatMonthlyUsd)}/month, one per AZ ${usd(cost.perAzNatMonthlyUsd)}/month (${nat}), and an internet path`,
    );
  } else {
    lines.push(
      `  NAT gateways: ${cost.natGateways} x ${nat} = ${usd(cost.natMonthlyUsd)}/month before data; AWS API calls with an endpoint skip them`,
    );
  }
  const saved = usd(prices.natGatewayPerGbUsd - prices.interfaceEndpointPerGbUsd, 3);
  lines.push(
    cost.breakEvenGbPerMonth === 0
      ? `  endpoints vs NAT: cheaper at any traffic (and ${saved} less per GB)`
      : `  endpoints vs NAT: ${saved} less per GB; they cost less than ${cost.natGateways ? 'sending the same calls through NAT' : 'one NAT gateway'} above ${cost.breakEvenGbPerMonth} GB/month of AWS API traffic`,
  );
  return lines.join('\n');
};

/** The line that says where the prices come from. */
export const formatPriceSource = (prices: PriceTable): string =>
  `\nprices: ${prices.region} on-demand list prices in USD, recorded ${prices.recordedOn} from ${prices.sources.join('; ')}; ${prices.hoursPerMonth} hours per month`;
