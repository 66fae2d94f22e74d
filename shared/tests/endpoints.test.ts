/**
 * The endpoint catalogue's lookups: the endpoint name in a CloudFormation ServiceName, and the
 * endpoints that serve an IAM prefix.
 */

import { describe, expect, it } from 'vitest';
import {
  ENDPOINT_SERVICE_NAMES,
  ENDPOINT_SERVICES,
  endpointNameOf,
  endpointsForIamPrefix,
} from '../src/endpoints';

describe('endpoint catalogue', () => {
  it.each([
    ['com.amazonaws.${AWS::Region}.ecr.dkr', 'ecr.dkr'],
    ['com.amazonaws.eu-west-1.sqs', 'sqs'],
    ['com.amazonaws.us-gov-west-1.logs', 'logs'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', undefined],
    ['sqs', undefined],
  ])('reads the endpoint name of %s', (serviceName, expected) => {
    expect(endpointNameOf(serviceName)).toBe(expected);
  });

  it('maps an IAM prefix to every endpoint that serves it, and an unknown one to none', () => {
    expect(endpointsForIamPrefix('ecr')).toEqual(['ecr.api', 'ecr.dkr']);
    expect(endpointsForIamPrefix('cloudwatch')).toEqual(['monitoring']);
    expect(endpointsForIamPrefix('textract')).toEqual([]);
  });

  it('gives every entry a distinct PascalCase logical name', () => {
    const names = ENDPOINT_SERVICE_NAMES.map((name) => ENDPOINT_SERVICES[name].logicalName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });
});
