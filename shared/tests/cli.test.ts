/**
 * The command line every operator command shares: `--stage` in its three spellings, values after a
 * space or `=`, repeatable options, `--help` winning over mistakes, and one line per mistake naming
 * what was wrong and what is expected; `readCommandLine` turns those into exit codes 0 and 2.
 */
import { describe, expect, it } from 'vitest';
import {
  CommandLineError,
  type CommandSpec,
  EXIT_USAGE,
  parseCommandLine,
  readCommandLine,
  stageOption,
  usage,
} from '../src/cli';

const DEPLOY = {
  command: 'npm run deploy-thing',
  name: 'deploy-thing',
  summary: 'Deploys the thing.',
  options: {
    stage: stageOption('stage to deploy'),
    tag: {
      type: 'string',
      value: '<tag>',
      description: 'image tag',
      check: (t: string) => (t === 'latest' ? 'a tag naming one build' : undefined),
    },
    'dry-run': { type: 'boolean', description: 'print the plan' },
    region: { type: 'string', value: '<region>', description: 'extra region, repeatable', multiple: true },
  },
} as const satisfies CommandSpec;

const refusal = (argv: string[]): string => {
  try {
    parseCommandLine(DEPLOY, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandLineError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted; expected a CommandLineError`);
};

describe('parseCommandLine', () => {
  it.each([[['--stage', 'prod']], [['--stage=prod']], [['-s', 'prod']], [['-sprod']]])(
    'reads the stage from %j',
    (argv) => {
      expect(parseCommandLine(DEPLOY, argv).values.stage).toBe('prod');
    },
  );

  it('fills the defaults: flags false, repeatable options empty, optional values undefined', () => {
    expect(parseCommandLine(DEPLOY, ['--stage', 'dev'])).toEqual({
      help: false,
      values: { stage: 'dev', tag: undefined, 'dry-run': false, region: [] },
    });
  });

  it('collects a repeatable option in order', () => {
    const { values } = parseCommandLine(DEPLOY, [
      '--region=eu-west-1',
      '--stage',
      'dev',
      '--region',
      'us-east-1',
      '--dry-run',
    ]);
    expect(values).toMatchObject({ stage: 'dev', region: ['eu-west-1', 'us-east-1'], 'dry-run': true });
  });

  it('refuses a second value of an option that takes one, instead of acting on the last', () => {
    expect(refusal(['--stage', 'dev', '--stage=prod'])).toBe(
      '--stage is given twice ("dev", "prod"); expected one --stage <stage>',
    );
    expect(refusal(['-s', 'dev', '-s', 'dev'])).toBe(
      '-s is given twice ("dev", "dev"); expected one --stage <stage>',
    );
  });

  it('knows only the options it declares, not the names of Object.prototype', () => {
    expect(refusal(['--constructor=x'])).toMatch(/^unknown option --constructor; expected /);
    expect(refusal(['--toString'])).toMatch(/^unknown option --toString; expected /);
    expect(refusal(['--__proto__=x'])).toMatch(/^unknown option --__proto__; expected /);
  });

  it('takes a value starting with a dash only after =', () => {
    expect(parseCommandLine(DEPLOY, ['-s', 'dev', '--region=-1']).values.region).toEqual(['-1']);
    expect(refusal(['--stage', '--dry-run'])).toBe('--stage needs a value; expected --stage <stage>');
  });

  it.each([
    [['--stag', 'dev'], 'unknown option --stag; expected --stage <stage>'],
    [
      ['--stage', 'dev', '--push'],
      'unknown option --push; expected one of --stage <stage>, --tag <tag>, --dry-run, --region <region>',
    ],
    [['-x'], 'unknown option -x; expected one of --stage <stage>, --tag <tag>, --dry-run, --region <region>'],
    [['--stage'], '--stage needs a value; expected --stage <stage>'],
    [['--stage='], '--stage needs a value; expected --stage <stage>'],
    [['--stage', 'dev', '--dry-run=yes'], '--dry-run takes no value (got "yes"); expected --dry-run alone'],
    [
      ['--stage', 'Prod_EU'],
      '--stage is "Prod_EU"; expected a stage name: lowercase letters, digits and hyphens, starting with a letter, at most 16 characters',
    ],
    [['--stage', 'dev', '--tag', 'latest'], '--tag is "latest"; expected a tag naming one build'],
    [
      ['--stage', 'dev', 'prod'],
      'unexpected argument "prod"; expected one of --stage <stage>, --tag <tag>, --dry-run, --region <region>',
    ],
    [['--dry-run'], '--stage is missing; expected --stage <stage>'],
  ])('refuses %j in one line: %s', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('answers --help (or -h) whatever else is on the line, with the values it could read', () => {
    expect(parseCommandLine(DEPLOY, ['--help'])).toMatchObject({ help: true });
    expect(parseCommandLine(DEPLOY, ['-s', 'prod', '--bogus', '-h'])).toMatchObject({
      help: true,
      values: { stage: 'prod', 'dry-run': false },
    });
  });

  it('refuses every option of a command that takes none but --help', () => {
    const none = { command: 'npm run migrate', name: 'migrate', options: {} } satisfies CommandSpec;
    expect(() => parseCommandLine(none, ['--stage', 'dev'])).toThrow(
      'unknown option --stage; expected no options (this command takes none but --help)',
    );
    expect(parseCommandLine(none, []).help).toBe(false);
  });
});

describe('usage', () => {
  it('lists the synopsis, the summary and every option with its short form and placeholder', () => {
    expect(usage(DEPLOY).split('\n')).toEqual([
      'usage: npm run deploy-thing -- --stage <stage> [--tag <tag>] [--dry-run] [--region <region>]...',
      '',
      'Deploys the thing.',
      '',
      '  -s, --stage <stage>    stage to deploy (required)',
      '      --tag <tag>        image tag',
      '      --dry-run          print the plan',
      '      --region <region>  extra region, repeatable',
      '  -h, --help             print this help and exit',
    ]);
  });
});

describe('readCommandLine', () => {
  const read = (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const result = readCommandLine(DEPLOY, argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { result, out, err };
  };

  it('returns the command line when it is good, printing nothing', () => {
    const { result, out, err } = read(['--stage', 'dev']);
    expect(result).toMatchObject({ help: false, values: { stage: 'dev' } });
    expect([out, err]).toEqual([[], []]);
  });

  it('prints the usage on stdout for --help and returns exit code 0', () => {
    const { result, out, err } = read(['--help']);
    expect(result).toBe(0);
    expect(out).toEqual([usage(DEPLOY)]);
    expect(err).toEqual([]);
  });

  it('prints one line on stderr, prefixed with the command, and returns exit code 2', () => {
    const { result, out, err } = read(['--stag', 'dev']);
    expect([result, EXIT_USAGE]).toEqual([2, 2]);
    expect(out).toEqual([]);
    expect(err).toEqual(['deploy-thing: unknown option --stag; expected --stage <stage>']);
  });
});
