/**
 * Stage profiles: every profile in the repository is valid, and a bad value fails before anything
 * is packaged with one line per problem that names the key, the value and what is allowed.
 */
import { describe, expect, it } from 'vitest';
import { FALLBACK_PROFILE, loadStageProfile, stageProfiles, validateStageProfiles } from '../../src/profiles';
import { problemsOf as problemsOfProfiles } from '../helpers/profiles';

// biome-ignore lint/suspicious/noExplicitAny: these tests break the profiles' types on purpose.
type BrokenProfiles = Record<string, any>;

/** The problems after `mutate` breaks a copy of the checked-in profiles; fails the test if there are none. */
const problemsOf = (mutate: (profiles: BrokenProfiles) => void): string[] => {
  const profiles = structuredClone(stageProfiles) as BrokenProfiles;
  mutate(profiles);
  const problems = problemsOfProfiles(profiles);
  expect(problems, 'expected the profiles to be rejected').not.toEqual([]);
  return problems;
};

describe('stage profiles', () => {
  it('accepts every profile in the repository', () => {
    expect(Object.keys(validateStageProfiles(stageProfiles))).toEqual(Object.keys(stageProfiles));
  });

  it('names key, value and the allowed range for an out-of-range AZ count', () => {
    expect(problemsOf((p) => (p.dev.network.azCount = 7))).toEqual([
      'stage profile "dev": network.azCount is 7; expected an integer from 2 to 3',
    ]);
  });

  it('rejects an unknown key and lists the keys that are allowed', () => {
    const [problem] = problemsOf((p) => (p.staging.network.natMod = 'none'));
    expect(problem).toBe(
      'stage profile "staging": network.natMod is not a known setting; expected one of the keys of network: vpcCidr, azCount, natMode, flowLogRetentionDays',
    );
  });

  it('rejects a VPC range that overlaps another stage', () => {
    expect(problemsOf((p) => (p.prod.network.vpcCidr = '10.20.0.0/16'))).toEqual([
      'stage profile "prod": network.vpcCidr is "10.20.0.0/16"; expected a range that does not overlap stage profile "dev" (10.20.0.0/16), so the VPCs can be peered',
    ]);
  });

  it('suggests the network address when host bits are set', () => {
    expect(problemsOf((p) => (p.dev.network.vpcCidr = '10.20.1.0/16'))).toEqual([
      'stage profile "dev": network.vpcCidr is "10.20.1.0/16"; expected a network address with its host bits zero (did you mean "10.20.0.0/16"?)',
    ]);
  });

  it('rejects public address ranges and unknown NAT modes', () => {
    const problems = problemsOf((p) => {
      p.dev.network.vpcCidr = '8.8.0.0/16';
      p.dev.network.natMode = 'double';
    });
    expect(problems).toEqual([
      'stage profile "dev": network.vpcCidr is "8.8.0.0/16"; expected a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)',
      'stage profile "dev": network.natMode is "double"; expected one of "none", "single", "perAz"',
    ]);
  });

  it('reports every problem of every profile at once, one line each', () => {
    const problems = problemsOf((p) => {
      p.dev.datastore.multiAz = 'yes';
      delete p.prod.engine.cpu;
      p.staging.observability.logRetentionDays = 10;
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('stage profile "dev": datastore.multiAz is "yes"; expected true or false');
    expect(problems[1]).toMatch(
      /^stage profile "staging": observability\.logRetentionDays is 10; expected one of the retention periods CloudWatch Logs accepts/,
    );
    expect(problems[2]).toBe(
      'stage profile "prod": engine.cpu is missing; expected a value (every key is required but imageRepository: cpuArchitecture, imageTag, promoteFrom, deployment, cpu, memoryMiB, minCount, maxCount, enableExecuteCommand, databasePoolMax, secrets)',
    );
  });

  it('checks rules that span several values once each value is valid', () => {
    expect(problemsOf((p) => (p.prod.engine.minCount = 20))).toEqual([
      'stage profile "prod": engine.minCount is 20; expected at most engine.maxCount (10)',
    ]);
  });

  it('requires the fallback profile and valid profile names', () => {
    const problems = problemsOf((p) => {
      p.QA_Env = p.dev;
      delete p[FALLBACK_PROFILE];
    });
    expect(problems).toEqual([
      `stage profiles: the fallback profile "${FALLBACK_PROFILE}" is missing; expected a profile with that name`,
      'stage profile "QA_Env": the name is not a valid stage name; expected lowercase letters, digits and hyphens, starting with a letter, at most 16 characters',
    ]);
  });
});

describe('loadStageProfile', () => {
  it('uses the stage own profile when it has one', () => {
    expect(loadStageProfile('prod')).toMatchObject({ stage: 'prod', profileName: 'prod', production: true });
  });

  it('falls back to the fallback profile for any other stage name', () => {
    expect(loadStageProfile('alice')).toMatchObject({ stage: 'alice', profileName: FALLBACK_PROFILE });
  });

  it('rejects a stage name that cannot be part of resource names', () => {
    expect(() => loadStageProfile('Feature_X')).toThrow(
      'stage "Feature_X" is not a valid stage name; expected lowercase letters, digits and hyphens, starting with a letter, at most 16 characters',
    );
  });
});
