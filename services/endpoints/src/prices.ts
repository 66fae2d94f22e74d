/**
 * The price table behind `npm run endpoints:cost` and the README's cost section: on-demand list
 * prices in USD, before tax, for one region. Update every figure, `recordedOn` and the sources
 * together; the cost tests recompute the README's figures from this table.
 */
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

export const PRICES: PriceTable = {
  region: 'eu-west-1',
  /**
   * When these figures were written into the repository, from the pages below as last read; the
   * build machines have no internet access to re-read them, so check them before budgeting.
   */
  recordedOn: '2026-11-27',
  sources: [
    'https://aws.amazon.com/privatelink/pricing/ (interface endpoints)',
    'https://aws.amazon.com/vpc/pricing/ (NAT gateways; gateway endpoints have no charge)',
  ],
  /** AWS's pricing calculator counts 730 hours in a month. */
  hoursPerMonth: 730,
  /** Per interface endpoint, per AZ it has a network interface in, per hour. */
  interfaceEndpointPerAzHourUsd: 0.011,
  /** Data processed by interface endpoints, first PB per month and region. */
  interfaceEndpointPerGbUsd: 0.01,
  /** Gateway endpoints (S3, DynamoDB) are free: no hourly and no data charge. */
  gatewayEndpointPerHourUsd: 0,
  /** Per NAT gateway, per hour. */
  natGatewayPerHourUsd: 0.048,
  /** Data processed by a NAT gateway, on top of any data transfer charge. */
  natGatewayPerGbUsd: 0.048,
};
