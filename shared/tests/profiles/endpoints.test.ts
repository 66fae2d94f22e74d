/**
 * The `endpoints` section of the stage profiles: an unknown extra endpoint name, one without a reason, or
 * more endpoint AZs than the VPC has, fails on load with one line naming key, value and what is allowed.
 */

import { describe, expect, it } from 'vitest';
import { stageProfiles } from '../../src/profiles';
import { problemsOf, withDev } from '../helpers/profiles';

const withDevEndpoints = (changes: Record<string, unknown>) => withDev('endpoints', changes);

describe('stage profile endpoints section', () => {
  it('accepts every checked profile as written', () => {
    // Prepare / Act
    const problems = problemsOf(stageProfiles);

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects an unknown extra endpoint name, naming the entry, the value and the names allowed', () => {
    // Prepare
    const raw = withDevEndpoints({ extraInterfaceServices: { 'cloudwatch-logs': 'for the log shipper' } });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^stage profile "dev": endpoints\.extraInterfaceServices\.cloudwatch-logs is "cloudwatch-logs"; expected one of /,
    );
    expect(problems[0]).toContain('"logs"');
    expect(problems[0]).toContain('"ecr.dkr"');
  });

  it('rejects an extra endpoint without a reason', () => {
    // Prepare
    const raw = withDevEndpoints({ extraInterfaceServices: { kms: '' } });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": endpoints.extraInterfaceServices.kms is ""; expected the reason the endpoint is paid for, in a sentence',
    ]);
  });

  it('rejects the old hand-written list, naming the keys allowed', () => {
    // Prepare
    const raw = withDevEndpoints({ interfaceServices: ['sqs'] });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems.join('\n')).toContain('endpoints.interfaceServices is not a known setting');
  });

  it('rejects endpoints in more AZs than the VPC has private subnets', () => {
    // Prepare: dev's VPC spans 2 AZs.
    const raw = withDevEndpoints({ interfaceAzCount: 3 });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": endpoints.interfaceAzCount is 3; expected at most network.azCount (2), the number of private subnets',
    ]);
  });

  it('rejects an AZ count that is not an integer from 1 to 3', () => {
    // Prepare
    const raw = withDevEndpoints({ interfaceAzCount: 0 });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": endpoints.interfaceAzCount is 0; expected an integer from 1 to 3',
    ]);
  });
});
