/** Reading the database settings from the environment: which mode wins, and what a bad value says. */

import { describe, expect, it } from 'vitest';
import { DatabaseSettingsError, readDatabaseSettings } from '../src/database';

const ENDPOINT = {
  DATABASE_ENDPOINT_ADDRESS: 'db.example.internal',
  DATABASE_PORT: '5432',
  DATABASE_NAME: 'game',
};

describe('readDatabaseSettings', () => {
  it('reads IAM authentication settings from DATABASE_IAM_USER, the endpoint and AWS_REGION', () => {
    // Act
    const settings = readDatabaseSettings({
      ...ENDPOINT,
      DATABASE_IAM_USER: 'game_consumer',
      AWS_REGION: 'eu-west-1',
    });

    // Assess
    expect(settings).toEqual({
      kind: 'iamAuth',
      user: 'game_consumer',
      region: 'eu-west-1',
      host: 'db.example.internal',
      port: 5432,
      database: 'game',
    });
  });

  it('lets DATABASE_URL override IAM and secret settings (local runs)', () => {
    const settings = readDatabaseSettings({
      ...ENDPOINT,
      DATABASE_IAM_USER: 'game_consumer',
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/game',
    });
    expect(settings).toEqual({ kind: 'url', connectionString: 'postgres://u:p@127.0.0.1:5432/game' });
  });

  it('prefers DATABASE_IAM_USER over DATABASE_SECRET_ARN when both are set', () => {
    const settings = readDatabaseSettings({
      ...ENDPOINT,
      DATABASE_IAM_USER: 'game_engine',
      AWS_REGION: 'eu-west-1',
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
    });
    expect(settings.kind).toBe('iamAuth');
  });

  it.each([
    [
      { DATABASE_IAM_USER: 'Game-Consumer', AWS_REGION: 'eu-west-1' },
      'DATABASE_IAM_USER is "Game-Consumer"; expected a PostgreSQL role name',
    ],
    [
      { DATABASE_IAM_USER: 'game_consumer' },
      'AWS_REGION is not set; expected the AWS region the database is in',
    ],
    [
      { DATABASE_IAM_USER: '', AWS_REGION: 'eu-west-1' },
      'DATABASE_IAM_USER is empty; expected a database role granted rds_iam',
    ],
    [
      { DATABASE_IAM_USER: 'game_consumer', AWS_REGION: 'eu-west-1', DATABASE_PORT: '70000' },
      'DATABASE_PORT is "70000"; expected a port number from 1 to 65535',
    ],
  ])('names the key, the value and what is expected: %j', (overrides, message) => {
    expect(() => readDatabaseSettings({ ...ENDPOINT, ...overrides })).toThrow(DatabaseSettingsError);
    expect(() => readDatabaseSettings({ ...ENDPOINT, ...overrides })).toThrow(message);
  });
});
