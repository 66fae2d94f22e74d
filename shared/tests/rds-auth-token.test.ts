/**
 * Our RDS IAM token signer against AWS's own (`@aws-sdk/rds-signer`, a dev dependency only): the same
 * inputs at the same instant must give the same token, with and without a session token.
 */
import { Signer } from '@aws-sdk/rds-signer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { environmentCredentials, rdsAuthToken } from '../src/database';

const NOW = new Date('2026-11-27T10:11:12.345Z');
const ENDPOINT = { host: 'game-dev.abc123.eu-west-1.rds.amazonaws.com', port: 5432, region: 'eu-west-1' };

/** Query parameters of a token, for a readable diff when the two disagree. */
const parametersOf = (token: string) => Object.fromEntries(new URL(`https://${token}`).searchParams);

describe('rdsAuthToken', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    [
      'long-term keys',
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    ],
    [
      'a Lambda execution role (session token)',
      {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret/with+special=chars',
        sessionToken: 'IQoJb3JpZ2luX2VjE//////////wEaCWV1LXdlc3QtMSJHMEUCIQ+token=',
      },
    ],
  ])('signs exactly what @aws-sdk/rds-signer signs, with %s', async (_, credentials) => {
    // Prepare
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const official = new Signer({
      ...ENDPOINT,
      hostname: ENDPOINT.host,
      username: 'game_consumer',
      credentials,
    });

    // Act
    const expected = await official.getAuthToken();
    const ours = rdsAuthToken({ ...ENDPOINT, user: 'game_consumer', credentials, now: NOW });

    // Assess
    expect(parametersOf(ours)).toEqual(parametersOf(expected));
    expect(ours.startsWith(`${ENDPOINT.host}:5432/?`)).toBe(true);
    expect(new URL(`https://${ours}`).pathname).toBe('/');
  });

  it('signs a different token for another user or another instant', () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const base = rdsAuthToken({ ...ENDPOINT, user: 'game_consumer', credentials, now: NOW });
    expect(rdsAuthToken({ ...ENDPOINT, user: 'game_engine', credentials, now: NOW })).not.toBe(base);
    expect(
      rdsAuthToken({ ...ENDPOINT, user: 'game_consumer', credentials, now: new Date(NOW.getTime() + 1000) }),
    ).not.toBe(base);
  });
});

describe('environmentCredentials', () => {
  it('reads the execution role credentials the Lambda runtime sets', () => {
    expect(
      environmentCredentials({
        AWS_ACCESS_KEY_ID: 'ASIA1',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
      }),
    ).toEqual({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' });
  });

  it('says what is missing', () => {
    expect(() => environmentCredentials({})).toThrow(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    );
  });
});
