/**
 * The datastore section of the stage profiles: every value it adds is checked when the profiles
 * load, and a bad one fails with one line naming the key, the value and what is allowed.
 */

import { describe, expect, it } from 'vitest';
import { instanceClassMemoryGiB, maxConnectionsFor, stageProfiles } from '../../src/profiles';
import { problemsOf, withDev } from '../helpers/profiles';

const withDevDatastore = (changes: Record<string, unknown>) => withDev('datastore', changes);

describe('datastore stage profile', () => {
  it('accepts the checked-in profiles', () => {
    // Act
    const problems = problemsOf(stageProfiles);

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    [{ engineVersion: '15' }, 'datastore.engineVersion is "15"; expected one of "16", "17"'],
    [{ monitoringIntervalSeconds: 0 }, 'datastore.monitoringIntervalSeconds is 0; expected one of 1, 5, 10'],
    [
      { performanceInsightsRetentionDays: 30 },
      'datastore.performanceInsightsRetentionDays is 30; expected 7, a multiple of 31 up to 713, or 731',
    ],
    [{ performanceInsights: 'yes' }, 'datastore.performanceInsights is "yes"; expected true or false'],
    [{ maxConnections: 10 }, 'datastore.maxConnections is 10; expected an integer from 20 to 5000'],
    [{ slowStatementMs: -1 }, 'datastore.slowStatementMs is -1; expected an integer from 0 to 3600000'],
    [
      { backupReplication: { region: 'eu-west-1', retentionDays: 7 } },
      'datastore.backupReplication.region is "eu-west-1"; expected another region than the stage\'s own (eu-west-1)',
    ],
    [
      { backupReplication: { region: 'eu-central-1', retentionDays: 36 } },
      'datastore.backupReplication.retentionDays is 36; expected an integer from 1 to 35',
    ],
  ])('rejects %j with one line naming key, value and what is allowed', (change, message) => {
    // Act
    const problems = problemsOf(withDevDatastore(change));

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`stage profile "dev": ${message}`);
  });

  it('rejects more connections than the instance class can hold, naming the limit', () => {
    // Prepare: db.t4g.micro has 1 GiB; 75 % of it at 9531392 bytes per connection is 84.
    const profiles = withDevDatastore({ instanceClass: 'db.t4g.micro', maxConnections: 85 });

    // Act
    const problems = problemsOf(profiles);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": datastore.maxConnections is 85; expected at most 84, what db.t4g.micro can hold (RDS: 75 % of its memory / 9531392 bytes per connection)',
    ]);
  });

  it('rejects an instance class whose memory is unknown, saying where to add it', () => {
    // Act
    const problems = problemsOf(withDevDatastore({ instanceClass: 'db.x2g.large' }));

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /datastore\.instanceClass is "db\.x2g\.large"; expected a class whose memory the platform knows .* add its family to shared\/src\/profiles\/rds\.ts/,
    );
  });

  it('knows the memory of burstable, general-purpose and memory-optimized classes', () => {
    // Act / Assess: figures from the RDS instance class tables.
    expect(instanceClassMemoryGiB('db.t4g.micro')).toBe(1);
    expect(instanceClassMemoryGiB('db.t4g.small')).toBe(2);
    expect(instanceClassMemoryGiB('db.m7g.large')).toBe(8);
    expect(instanceClassMemoryGiB('db.m7g.4xlarge')).toBe(64);
    expect(instanceClassMemoryGiB('db.r7g.xlarge')).toBe(32);
    expect(instanceClassMemoryGiB('db.z1d.large')).toBeUndefined();
    expect(instanceClassMemoryGiB('cache.t4g.micro')).toBeUndefined();
  });

  it('derives the connection limit from memory and caps it at 5000', () => {
    // Act / Assess
    expect(maxConnectionsFor('db.t4g.micro')).toBe(84);
    expect(maxConnectionsFor('db.m7g.large')).toBe(675);
    expect(maxConnectionsFor('db.r7g.16xlarge')).toBe(5000);
  });
});
