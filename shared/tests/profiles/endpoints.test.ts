/**
 * The `endpoints` section of the stage profiles: an unknown, repeated or missing endpoint name, or
 * more endpoint AZs than the VPC has, fails on load with one line naming key, value and what is allowed.
 */
import { stageProfiles } from '@game-platform/shared/profiles';
import { describe, expect, it } from 'vitest';
import { problemsOf, withDev } from '../helpers/profiles';

const withDevEndpoints = (changes: Record<string, unknown>) => withDev('endpoints', changes);

describe('stage profile endpoints section', () => {
  it('accepts every checked profile as written', () => {
    // Prepare / Act
    const problems = problemsOf(stageProfiles);

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects an unknown endpoint name, naming the entry, the value and the names allowed', () => {
    // Prepare
    const raw = withDevEndpoints({ interfaceServices: ['sqs', 'cloudwatch-logs'] });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^stage profile "dev": endpoints\.interfaceServices\.1 is "cloudwatch-logs"; expected one of /,
    );
    expect(problems[0]).toContain('"logs"');
    expect(problems[0]).toContain('"ecr.dkr"');
  });

  it('rejects a name listed twice, naming the repeated one', () => {
    // Prepare
    const raw = withDevEndpoints({ interfaceServices: ['sqs', 'logs', 'sqs'] });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": endpoints.interfaceServices is ["sqs","logs","sqs"]; expected each service once ("sqs" listed more than once)',
    ]);
  });

  it('rejects an empty list', () => {
    // Prepare
    const raw = withDevEndpoints({ interfaceServices: [] });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": endpoints.interfaceServices is []; expected at least one endpoint service name',
    ]);
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
