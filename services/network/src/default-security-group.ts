/**
 * Empties a VPC's default security group (SH EC2.2). AWS creates it with "all traffic from
 * members of this group" in and "all traffic" out; anything launched without an explicit group
 * lands in it. CloudFormation cannot change it, so a custom resource revokes both rules.
 */

/** The two calls this needs, so the logic is testable without EC2. */
export interface SecurityGroupRulesApi {
  revokeAllTrafficFromSelf(groupId: string): Promise<void>;
  revokeAllTrafficToAnywhere(groupId: string): Promise<void>;
}

/** Thrown by an adapter when the rule to revoke is already gone. */
export class RuleNotFoundError extends Error {
  override readonly name = 'RuleNotFoundError';
}

const ignoreMissingRule = async (revoke: () => Promise<void>): Promise<'revoked' | 'already absent'> => {
  try {
    await revoke();
    return 'revoked';
  } catch (error) {
    if (error instanceof RuleNotFoundError) return 'already absent';
    throw error;
  }
};

/** Revokes the default ingress and egress rules; running it again is a no-op. */
export const restrictDefaultSecurityGroup = async (api: SecurityGroupRulesApi, groupId: string) => ({
  ingress: await ignoreMissingRule(() => api.revokeAllTrafficFromSelf(groupId)),
  egress: await ignoreMissingRule(() => api.revokeAllTrafficToAnywhere(groupId)),
});
