/**
 * The custom resource that empties the default security group: idempotent revocation, and a response
 * to CloudFormation on every path (sent to a real local HTTP server standing in for the pre-signed URL).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCustomResourceResponse } from '../src/cloudformation-response';
import {
  RuleNotFoundError,
  restrictDefaultSecurityGroup,
  type SecurityGroupRulesApi,
} from '../src/default-security-group';

/** An in-memory default group that behaves like EC2: revoking an absent rule fails with NotFound. */
const defaultGroup = () => {
  const rules = new Set(['all traffic from self', 'all traffic to anywhere']);
  const revoke = (rule: string) => async () => {
    if (!rules.delete(rule)) throw new RuleNotFoundError(rule);
  };
  const api: SecurityGroupRulesApi = {
    revokeAllTrafficFromSelf: revoke('all traffic from self'),
    revokeAllTrafficToAnywhere: revoke('all traffic to anywhere'),
  };
  return { api, rules };
};

describe('restrictDefaultSecurityGroup', () => {
  it('revokes both default rules', async () => {
    const group = defaultGroup();
    expect(await restrictDefaultSecurityGroup(group.api, 'sg-1')).toEqual({
      ingress: 'revoked',
      egress: 'revoked',
    });
    expect(group.rules.size).toBe(0);
  });

  it('succeeds again when the rules are already gone (stack updates)', async () => {
    const group = defaultGroup();
    await restrictDefaultSecurityGroup(group.api, 'sg-1');
    expect(await restrictDefaultSecurityGroup(group.api, 'sg-1')).toEqual({
      ingress: 'already absent',
      egress: 'already absent',
    });
  });

  it('propagates any other EC2 error', async () => {
    const api: SecurityGroupRulesApi = {
      revokeAllTrafficFromSelf: async () => {
        throw new Error('UnauthorizedOperation');
      },
      revokeAllTrafficToAnywhere: async () => {},
    };
    await expect(restrictDefaultSecurityGroup(api, 'sg-1')).rejects.toThrow('UnauthorizedOperation');
  });
});

describe('sendCustomResourceResponse', () => {
  const received: Array<{ method?: string; contentType?: string; body: Record<string, unknown> }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method,
        contentType: request.headers['content-type'],
        body: JSON.parse(body),
      });
      response.end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presigned`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('PUTs the outcome with the ids CloudFormation needs and an empty content type', async () => {
    const event = {
      RequestType: 'Create',
      ResponseURL: url,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/game-network-dev/x',
      RequestId: 'req-1',
      LogicalResourceId: 'RestrictDefaultSecurityGroup',
      ResourceType: 'Custom::RestrictDefaultSecurityGroup',
      ServiceToken: 'arn',
      ResourceProperties: { ServiceToken: 'arn', DefaultSecurityGroupId: 'sg-1' },
    } as CloudFormationCustomResourceEvent;
    await sendCustomResourceResponse(event, {
      status: 'FAILED',
      physicalResourceId: 'restrict-default-sg-sg-1',
      reason: 'UnauthorizedOperation',
    });
    expect(received).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'FAILED',
          Reason: 'UnauthorizedOperation',
          PhysicalResourceId: 'restrict-default-sg-sg-1',
          StackId: event.StackId,
          RequestId: 'req-1',
          LogicalResourceId: 'RestrictDefaultSecurityGroup',
          Data: {},
        },
      },
    ]);
  });
});
