import { formatCidr, parseCidr, subnetOf } from '@game-platform/shared/ipv4';

export const SUBNET_TIERS = ['public', 'private', 'isolated'] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Slots reserved per tier; profiles allow up to 3 AZs, the 4th slot leaves room to grow. */
const SLOTS_PER_TIER = 4;

/**
 * Where each tier's subnets sit inside the VPC range. Every subnet has a fixed slot that does not
 * depend on `azCount`, so adding an AZ later adds subnets and never renumbers (replaces) existing ones.
 *
 * - private (workloads: Fargate tasks, Lambda ENIs, endpoint ENIs): the first half of the VPC, 4 slots of 1/8 each;
 * - public (NAT gateways, a future load balancer): the third quarter, 4 slots of 1/16;
 * - isolated (the database, no route out): the fourth quarter, 4 slots of 1/16.
 *
 * For a /16 that is /19 private (8,187 usable addresses each) and /20 public and isolated subnets.
 */
const TIER_PLACEMENT: Record<SubnetTier, { prefixDelta: number; firstSlot: number }> = {
  private: { prefixDelta: 3, firstSlot: 0 },
  public: { prefixDelta: 4, firstSlot: 8 },
  isolated: { prefixDelta: 4, firstSlot: 12 },
};

export type SubnetLayout = Record<SubnetTier, string[]>;

/** The CIDR of every subnet, by tier, one per AZ in AZ order. */
export const subnetLayout = (vpcCidr: string, azCount: number): SubnetLayout => {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`network.vpcCidr "${vpcCidr}" is not a network address in CIDR notation`);
  if (azCount > SLOTS_PER_TIER)
    throw new Error(`network.azCount ${azCount} exceeds the ${SLOTS_PER_TIER} slots per tier`);
  const tier = ({ prefixDelta, firstSlot }: { prefixDelta: number; firstSlot: number }) =>
    Array.from({ length: azCount }, (_, az) =>
      formatCidr(subnetOf(vpc, vpc.prefixLength + prefixDelta, firstSlot + az)),
    );
  return {
    public: tier(TIER_PLACEMENT.public),
    private: tier(TIER_PLACEMENT.private),
    isolated: tier(TIER_PLACEMENT.isolated),
  };
};
