/**
 * The command line of every operator command (`npm run engine:image`, `npm run synth`, `npm start`...):
 * `node:util` `parseArgs` reads it, this module gives every command the same behaviour around it.
 *
 * - `--stage` is written `--stage dev`, `--stage=dev` or `-s dev` (the short form of the Serverless
 *   Framework, which every `serverless.ts` reads through `stageFromArgv`), and its value must be a
 *   valid stage name;
 * - a string option takes its value as the next argument or after `=`; a value starting with `-` must
 *   be written with `=` (`--max=-1`), so `--stage --dry-run` is refused instead of deploying a stage
 *   called "--dry-run";
 * - `--help` (`-h`) prints the usage on stdout and exits 0, whatever else is on the line (unless it
 *   stands where a value is expected: `--stage -h` is a missing stage);
 * - an option that takes one value takes it once: `--stage dev --stage prod` is refused, not read as prod;
 * - bad input is ONE line on stderr, `<command>: <what was wrong>; expected <what is accepted>`, and
 *   exit code 2 (`EXIT_USAGE`); exit code 1 stays for a command that ran and failed.
 *
 * A command declares its options once (`CommandSpec`): the parser, the error lines and `--help` are
 * all derived from that declaration.
 */
import { parseArgs } from 'node:util';
import { STAGE_NAME, STAGE_NAME_RULE } from './profiles/load';

/** Exit code for a command line that could not be read (the shell's and getopt's convention). */
export const EXIT_USAGE = 2;

interface OptionBase {
  /** One letter: `-s` for `--stage`. `-h` is `--help`'s. */
  short?: string;
  /** One line for `--help`, with the default when there is one. */
  description: string;
}

/** An option that is there or not: `--dry-run`. It takes no value (`--dry-run=yes` is refused). */
export interface FlagOption extends OptionBase {
  type: 'boolean';
}

/** An option with a value: `--stage <stage>`. */
export interface ValueOption extends OptionBase {
  type: 'string';
  /** The value's placeholder in usage and errors, e.g. `<stage>`. */
  value: string;
  /** Refused when absent. Default: `false` (the value is `undefined` when absent). */
  required?: boolean;
  /** May be given more than once; the values are collected in order. Default: `false`. */
  multiple?: boolean;
  /** What the value must be: `undefined` when it is acceptable, else what is expected instead. */
  check?: (value: string) => string | undefined;
}

export type OptionSpec = FlagOption | ValueOption;

export interface CommandSpec<Options extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** What the user types, e.g. `npm run engine:image`: starts the usage line. */
  command: string;
  /** Starts every error line, e.g. `engine:image`. */
  name: string;
  /** What the command does, in a sentence, under the usage line. */
  summary?: string;
  /** Its options; `--help` (`-h`) is added to every command. */
  options: Options;
}

type ValueOf<O extends OptionSpec> = O extends FlagOption
  ? boolean
  : O extends { multiple: true }
    ? string[]
    : O extends { required: true }
      ? string
      : string | undefined;

export type OptionValues<Options extends Record<string, OptionSpec>> = {
  [Key in keyof Options]: ValueOf<Options[Key]>;
};

export interface CommandLine<Options extends Record<string, OptionSpec>> {
  /** `--help` or `-h` was given: print `usage(spec)` and do nothing else. */
  help: boolean;
  values: OptionValues<Options>;
}

/** A command line that cannot be read; the message is the line to print after `<name>: `. */
export class CommandLineError extends Error {
  override readonly name: string = 'CommandLineError';
}

interface StageOption<Required extends boolean> extends ValueOption {
  type: 'string';
  required: Required;
}

/**
 * `--stage <stage>` (`-s`) as every command takes it, with the command's own description; the value
 * must be a valid stage name. Required unless `required` is `false`.
 */
export function stageOption(description: string): StageOption<true>;
export function stageOption(description: string, required: false): StageOption<false>;
export function stageOption(description: string, required = true): StageOption<boolean> {
  return {
    type: 'string',
    short: 's',
    value: '<stage>',
    description,
    required,
    check: (stage) => (STAGE_NAME.test(stage) ? undefined : `a stage name: ${STAGE_NAME_RULE}`),
  };
}

const HELP: FlagOption = { type: 'boolean', short: 'h', description: 'print this help and exit' };

const form = (name: string, option: OptionSpec) =>
  option.type === 'string' ? `--${name} ${option.value}` : `--${name}`;

const show = (value: string) => JSON.stringify(value);

/** Edit distance, to name the option that an unknown one most likely meant (`--stag` -> `--stage`). */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
};

const expectedOptions = (options: Record<string, OptionSpec>, unknown: string): string => {
  const names = Object.keys(options);
  if (names.length === 0) return 'no options (this command takes none but --help)';
  if (names.length === 1) return form(names[0] as string, options[names[0] as string] as OptionSpec);
  // A truncated name (`--stag`) means the option it starts; else the one nearest, if only one is.
  const truncated = names.filter((name) => unknown !== '' && name.startsWith(unknown));
  const nearest = Math.min(...names.map((name) => distance(name, unknown)));
  const near = names.filter((name) => distance(name, unknown) === nearest && nearest <= 2);
  const [meant] = truncated.length === 1 ? truncated : near.length === 1 ? near : [];
  if (meant !== undefined) return form(meant, options[meant] as OptionSpec);
  return `one of ${names.map((name) => form(name, options[name] as OptionSpec)).join(', ')}`;
};

/**
 * Reads `argv` (the arguments after the script's name) against `spec`. Throws `CommandLineError`
 * naming the first problem and what is expected; with `--help` anywhere it returns `help: true` and
 * whatever values it could read instead.
 */
export const parseCommandLine = <Options extends Record<string, OptionSpec>>(
  spec: CommandSpec<Options>,
  argv: readonly string[],
): CommandLine<Options> => {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP };
  // Not strict: every token comes back, so each problem is reported here in the common words.
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(options).map(([name, option]) => [
        name,
        { type: option.type, ...(option.short ? { short: option.short } : {}) },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, unknown> = {};
  const help = tokens.some((token) => token.kind === 'option' && token.name === 'help');
  const problem = readTokens(tokens, options, values);
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.type === 'boolean') values[name] ??= false;
    else if (option.multiple) values[name] ??= [];
  }
  // `--help` wins over any mistake on the line: the user is asking how to write it.
  if (help) return { help, values: values as OptionValues<Options> };
  if (problem) throw new CommandLineError(problem);
  for (const [name, option] of Object.entries(spec.options))
    if (option.type === 'string' && option.required && values[name] === undefined)
      throw new CommandLineError(`--${name} is missing; expected ${form(name, option)}`);
  return { help, values: values as OptionValues<Options> };
};

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** Stores each token's value in `values`; returns the first problem, if any. */
const readTokens = (
  tokens: readonly Token[],
  options: Record<string, OptionSpec>,
  values: Record<string, unknown>,
): string | undefined => {
  const known = Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'help'));
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional')
      return `unexpected argument ${show(token.value)}; expected ${expectedOptions(known, '')}`;
    // Own properties only: `--constructor` or `--toString` must not find Object.prototype's members.
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) return `unknown option ${token.rawName}; expected ${expectedOptions(known, token.name)}`;
    const expected = form(token.name, option);
    if (option.type === 'boolean') {
      if (token.value !== undefined)
        return `${token.rawName} takes no value (got ${show(token.value)}); expected ${expected} alone`;
      values[token.name] = true;
      continue;
    }
    const { value } = token;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-')))
      return `${token.rawName} needs a value; expected ${expected}`;
    const problem = option.check?.(value);
    if (problem) return `${token.rawName} is ${show(value)}; expected ${problem}`;
    if (option.multiple)
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    // A second value would silently win: `--stage dev --stage prod` must not act on prod.
    else if (Object.hasOwn(values, token.name))
      return `${token.rawName} is given twice (${show(String(values[token.name]))}, ${show(value)}); expected one ${expected}`;
    else values[token.name] = value;
  }
  return undefined;
};

/** The `--help` text: the usage line, the summary, one line per option. */
export const usage = (spec: CommandSpec): string => {
  const entries = Object.entries(spec.options);
  const synopsis = (() => {
    const parts = entries.map(([name, option]) => {
      const text = form(name, option);
      const repeat = option.type === 'string' && option.multiple ? '...' : '';
      return option.type === 'string' && option.required ? `${text}${repeat}` : `[${text}]${repeat}`;
    });
    if (parts.length === 0) return spec.command;
    const required = entries.some(([, option]) => option.type === 'string' && option.required);
    return required ? `${spec.command} -- ${parts.join(' ')}` : `${spec.command} [-- ${parts.join(' ')}]`;
  })();
  const rows = [...entries, ['help', HELP] as const].map(([name, option]) => [
    `${option.short ? `-${option.short}, ` : '    '}${form(name, option)}`,
    `${option.description}${option.type === 'string' && option.required ? ' (required)' : ''}`,
  ]);
  const width = Math.max(...rows.map(([left]) => left?.length ?? 0));
  return [
    `usage: ${synopsis}`,
    ...(spec.summary ? ['', spec.summary] : []),
    '',
    ...rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}  ${right}`),
  ].join('\n');
};

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * For a command that returns its exit code: the parsed command line, or the exit code once the
 * usage (`--help`: 0) or the error line (`EXIT_USAGE`) is printed.
 */
export const readCommandLine = <Options extends Record<string, OptionSpec>>(
  spec: CommandSpec<Options>,
  argv: readonly string[],
  io: CommandIo,
): CommandLine<Options> | number => {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (!parsed.help) return parsed;
    io.out(usage(spec));
    return 0;
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    io.err(`${spec.name}: ${error.message}`);
    return EXIT_USAGE;
  }
};

/**
 * For an entry that runs at import: the parsed command line of this process; on `--help` or bad
 * input it prints and exits here.
 */
export const processCommandLine = <Options extends Record<string, OptionSpec>>(
  spec: CommandSpec<Options>,
  argv: readonly string[] = process.argv.slice(2),
): CommandLine<Options> => {
  const parsed = readCommandLine(spec, argv, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  if (typeof parsed === 'number') process.exit(parsed);
  return parsed;
};
