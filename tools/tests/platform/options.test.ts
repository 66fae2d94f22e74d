/**
 * `npm start` arguments: the documented defaults, every flag in both spellings, and one clear line
 * naming the flag, the value and what is expected for each kind of mistake.
 */

import { repoPath } from '@game-platform/resources/paths';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, parseStartArguments, StartArgumentError } from '../../src/platform/options';

const refusal = (argv: string[]): string => {
  try {
    parseStartArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(StartArgumentError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted; expected a StartArgumentError`);
};

describe('npm start arguments', () => {
  it('defaults to stage dev, data in .local and the documented ports', () => {
    expect(parseStartArguments([])).toEqual({
      stage: 'dev',
      dataDir: repoPath('.local'),
      ports: { postgres: 5433, sqs: 4566, engine: 8080, site: 8081 },
      fresh: false,
      visibilityTimeoutSeconds: undefined,
      help: false,
    });
    expect(DEFAULT_PORTS).toEqual({ postgres: 5433, sqs: 4566, engine: 8080, site: 8081 });
  });

  it('reads every flag, with its value after a space or an equals sign', () => {
    const options = parseStartArguments([
      '--stage',
      'prod',
      '--fresh',
      '--data-dir=/tmp/game',
      '--postgres-port',
      '15433',
      '--sqs-port=14566',
      '--engine-port',
      '18080',
      '--site-port=18081',
      '--visibility-timeout',
      '2',
    ]);
    expect(options).toEqual({
      stage: 'prod',
      dataDir: '/tmp/game',
      ports: { postgres: 15433, sqs: 14566, engine: 18080, site: 18081 },
      fresh: true,
      visibilityTimeoutSeconds: 2,
      help: false,
    });
    expect(parseStartArguments(['-s', 'staging', '-h'])).toMatchObject({ stage: 'staging', help: true });
  });

  it('refuses a port that is not an unprivileged port number, naming flag, value and range', () => {
    expect(refusal(['--engine-port', '80'])).toBe(
      '--engine-port is "80"; expected a free TCP port, an integer from 1024 to 65535',
    );
    expect(refusal(['--postgres-port', 'five'])).toBe(
      '--postgres-port is "five"; expected a free TCP port, an integer from 1024 to 65535',
    );
    expect(refusal(['--site-port'])).toBe('--site-port needs a value; expected --site-port <port>');
  });

  it('refuses two parts on one port', () => {
    expect(refusal(['--engine-port', '8081'])).toBe(
      '--site-port is 8081, the same port as --engine-port; expected a different port for each part',
    );
  });

  it('refuses a visibility timeout SQS would refuse, and flags given a value they do not take', () => {
    expect(refusal(['--visibility-timeout', '50000'])).toBe(
      '--visibility-timeout is "50000"; expected seconds (what SQS accepts), an integer from 0 to 43200',
    );
    expect(refusal(['--fresh=yes'])).toBe('--fresh takes no value (got "yes"); expected --fresh alone');
  });

  it('refuses an unknown argument naming the flag it resembles, and a flag without its value', () => {
    expect(refusal(['--stag', 'prod'])).toBe('unknown option --stag; expected --stage <stage>');
    expect(refusal(['--stage'])).toBe('--stage needs a value; expected --stage <stage>');
    expect(refusal(['--data-dir'])).toBe('--data-dir needs a value; expected --data-dir <dir>');
  });
});
