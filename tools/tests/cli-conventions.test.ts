/**
 * Every operator command, run as users run it (`npm run <script> -- ...`), reads its command line the
 * same way (`@game-platform/shared/cli`): `--stage X` and `--stage=X` and `-s X` are one option, an
 * unknown option is one line `<command>: unknown option --x; expected ...` with exit code 2, and
 * `--help` prints the usage with exit code 0. Nothing here reaches AWS or starts a server: every run
 * stops at its command line.
 */
import { readFileSync } from 'node:fs';
import { repoPath } from '@game-platform/resources/paths';
import { runNpmScript, type ScriptResult } from '@game-platform/testing/npm-script';
import { describe, expect, it } from 'vitest';

interface Cli {
  /** The npm script of the root package.json. */
  script: string;
  /** What starts its error lines. */
  name: string;
  /** What its usage line starts with. */
  command: string;
  /** It takes `--stage`. */
  stage: boolean;
}

const CLIS: Cli[] = [
  { script: 'engine:image', name: 'engine:image', command: 'npm run engine:image', stage: true },
  { script: 'engine:rollback', name: 'engine:rollback', command: 'npm run engine:rollback', stage: true },
  { script: 'site:build', name: 'site:build', command: 'npm run site:build', stage: false },
  { script: 'site:publish', name: 'site:publish', command: 'npm run site:publish', stage: true },
  { script: 'site:serve', name: 'site:serve', command: 'npm run site:serve', stage: true },
  { script: 'dlq:show', name: 'dlq', command: 'npm run dlq:show', stage: true },
  { script: 'dlq:redrive', name: 'dlq', command: 'npm run dlq:redrive', stage: true },
  { script: 'migrate', name: 'migrate', command: 'npm run migrate', stage: false },
  { script: 'synth', name: 'synth', command: 'npm run synth', stage: true },
  { script: 'cost', name: 'cost', command: 'npm run cost', stage: true },
  { script: 'endpoints:cost', name: 'endpoints:cost', command: 'npm run endpoints:cost', stage: true },
  { script: 'local:postgres', name: 'local:postgres', command: 'npm run local:postgres', stage: false },
  { script: 'start', name: 'npm start', command: 'npm start', stage: true },
];

/** Scripts that are not operator commands: the checks of `npm test`, benches, the type generator. */
const NOT_COMMANDS = /^(test(:.*)?|typecheck|lint(:.*)?|format|cfn-types|bench:.*)$/;

/** Runs of one script at a time, two scripts at once: each run starts tsx and loads its command. */
const runAll = async <T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++)
      results[index] = await run(items[index] as T);
  };
  await Promise.all([worker(), worker()]);
  return results;
};

const oneLine = ({ code, stdout, stderr }: ScriptResult) => ({
  code,
  stdout,
  lines: stderr.trim().split('\n'),
});

describe('every operator command line', () => {
  it('is in this test: each script of the root package.json but the checks and benches', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    ).filter((script) => !NOT_COMMANDS.test(script));
    expect(CLIS.map((cli) => cli.script).sort()).toEqual(scripts.sort());
  });

  it('reads --stage X, --stage=X and -s X alike, refuses an unknown option in one line with exit code 2, and answers --help', {
    timeout: 600_000,
  }, async () => {
    // Act: per command, the space form then the = form (the second value is checked, and it is invalid),
    // the short form then an unknown option, and --help.
    const results = await runAll(CLIS, async (cli) => ({
      cli,
      forms: oneLine(await runNpmScript(cli.script, ['--stage', 'dev', '--stage=Bad_Stage'])),
      unknown: oneLine(await runNpmScript(cli.script, cli.stage ? ['-s', 'dev', '--bogus'] : ['--bogus'])),
      help: await runNpmScript(cli.script, ['--help']),
    }));

    // Assess
    for (const { cli, forms, unknown, help } of results) {
      expect({ script: cli.script, ...forms }).toEqual({
        script: cli.script,
        code: 2,
        stdout: '',
        lines: [
          cli.stage
            ? `${cli.name}: --stage is "Bad_Stage"; expected a stage name: lowercase letters, digits and hyphens, starting with a letter, at most 16 characters`
            : expect.stringMatching(new RegExp(`^${cli.name}: unknown option --stage; expected `)),
        ],
      });
      expect({ script: cli.script, ...unknown }).toEqual({
        script: cli.script,
        code: 2,
        stdout: '',
        lines: [expect.stringMatching(new RegExp(`^${cli.name}: unknown option --bogus; expected `))],
      });
      expect({ script: cli.script, code: help.code, stderr: help.stderr }).toEqual({
        script: cli.script,
        code: 0,
        stderr: '',
      });
      expect(help.stdout).toMatch(new RegExp(`^usage: ${cli.command}\\b.*\\n[^]*  -h, --help `));
      if (cli.stage) expect(help.stdout).toContain('-s, --stage <stage>');
    }
  });
});
