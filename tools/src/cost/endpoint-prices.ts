/**
 * The endpoint and NAT figures of the platform's one price table (`tools/src/cost/prices.ts`,
 * which `npm run cost` prices every stage from), in the shape the endpoints report computes with.
 * Update the figures there; the cost tests recompute the README's figures from them.
 */
import { HOURS_PER_MONTH, PRICE_TABLE, regionPrices } from './prices';

export interface PriceTable {
  region: string;
  recordedOn: string;
  sources: readonly string[];
  hoursPerMonth: number;
  interfaceEndpointPerAzHourUsd: number;
  interfaceEndpointPerGbUsd: number;
  gatewayEndpointPerHourUsd: number;
  natGatewayPerHourUsd: number;
  natGatewayPerGbUsd: number;
}

/** The endpoints report's view of a region's prices. */
export const endpointPrices = (region: string): PriceTable => {
  const prices = regionPrices(region);
  return {
    region,
    recordedOn: PRICE_TABLE.recordedOn,
    sources: [
      `${prices.interfaceEndpointAzHour.source} (interface endpoints)`,
      `${prices.natGatewayHour.source} (NAT gateways; gateway endpoints have no charge)`,
    ],
    hoursPerMonth: HOURS_PER_MONTH,
    interfaceEndpointPerAzHourUsd: prices.interfaceEndpointAzHour.usd,
    interfaceEndpointPerGbUsd: prices.interfaceEndpointGb.usd,
    gatewayEndpointPerHourUsd: prices.gatewayEndpointHour.usd,
    natGatewayPerHourUsd: prices.natGatewayHour.usd,
    natGatewayPerGbUsd: prices.natGatewayGb.usd,
  };
};

/** The region every checked stage profile deploys to. */
export const PRICES: PriceTable = endpointPrices('eu-west-1');
