/**
 * Custom resource `Custom::RestrictDefaultSecurityGroup`: empties the VPC's default security group
 * on Create and Update. Delete does nothing: the group goes away with the VPC.
 */
import {
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { createLogger } from '@game-platform/shared/log';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sendCustomResourceResponse } from '../cloudformation-response';
import {
  RuleNotFoundError,
  restrictDefaultSecurityGroup,
  type SecurityGroupRulesApi,
} from '../default-security-group';

const ec2 = new EC2Client({});
const log = createLogger('info', { service: 'network-restrict-default-security-group' });

const translateNotFound = async (call: () => Promise<unknown>) => {
  try {
    await call();
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidPermission.NotFound')
      throw new RuleNotFoundError(String(error));
    throw error;
  }
};

const ec2RulesApi: SecurityGroupRulesApi = {
  revokeAllTrafficFromSelf: (groupId) =>
    translateNotFound(() =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId }] }],
        }),
      ),
    ),
  revokeAllTrafficToAnywhere: (groupId) =>
    translateNotFound(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    ),
};

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const groupId = String(event.ResourceProperties.DefaultSecurityGroupId ?? '');
  const physicalResourceId = `restrict-default-sg-${groupId}`;
  try {
    if (event.RequestType !== 'Delete') {
      if (!groupId.startsWith('sg-')) {
        throw new Error(`DefaultSecurityGroupId is "${groupId}"; expected a security group id (sg-...)`);
      }
      const result = await restrictDefaultSecurityGroup(ec2RulesApi, groupId);
      log.info('default security group restricted', { groupId, ...result });
    }
    await sendCustomResourceResponse(event, { status: 'SUCCESS', physicalResourceId });
  } catch (error) {
    log.error('could not restrict the default security group', { groupId, error: String(error) });
    await sendCustomResourceResponse(event, { status: 'FAILED', physicalResourceId, reason: String(error) });
  }
};
