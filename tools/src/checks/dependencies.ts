/**
 * `npm run lint:deps`: the dependency rules of `.dependency-cruiser.cjs` over every workspace, checked
 * by dependency-cruiser, plus the one rule its rule language cannot say (its rules see modules and
 * folders, not packages): no two packages depend on each other through their code that ships or
 * builds (tests left out: a test may exercise a package above it).
 *
 *   npm run lint:deps                       every workspace
 *   npm run lint:deps -- <file|folder>...   start from these instead (dependencies are followed)
 *   npm run lint:deps -- --counts           also print the cross-package imports by direction
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { repoPath } from '@game-platform/resources/paths';
import { type CommandSpec, processCommandLine } from '@game-platform/shared/cli';
import { format, type ICruiseResult, type IModule } from 'dependency-cruiser';

/**
 * Test-layer code: tests, their config and the benches. The same text as the `TEST` pattern of
 * .dependency-cruiser.cjs (which cannot import TypeScript); tests/dependency-rules.test.ts holds them equal.
 */
export const TEST_PATTERN = '(^|/)tests/|(^|/)vitest\\.config\\.ts$|^services/[^/]+/bench\\.ts$';
const TEST = new RegExp(TEST_PATTERN);

const isTest = (source: string): boolean => TEST.test(source);

/** `npm run lint:deps`'s command line (`@game-platform/shared/cli`: `--help`, errors, exit 2). */
export const LINT_DEPS_COMMAND = {
  command: 'npm run lint:deps',
  name: 'lint:deps',
  summary:
    'Checks the dependency rules of .dependency-cruiser.cjs and that no two packages import each other, from every workspace, or from the files and folders given after -- (npm run lint:deps -- tools/src services/engine).',
  options: {
    counts: { type: 'boolean', description: 'also print the cross-package imports by direction' },
  },
} as const satisfies CommandSpec;

/** Package folders from the root package.json's workspaces, `services/*` matched by any `services/<x>/`. */
const workspacePatterns = (): RegExp[] => {
  const root = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { workspaces: string[] };
  return root.workspaces.map((pattern) => new RegExp(`^${pattern.replace('/*', '/[^/]+')}(?=/)`));
};

export interface CrossPackageImport {
  from: string;
  to: string;
  /** One importing module and the module it imports, to show where an edge comes from. */
  example: string;
  count: number;
  tests: number;
}

/** Every import from one package into another, counted by direction. */
export const crossPackageImports = (modules: readonly IModule[]): CrossPackageImport[] => {
  const patterns = workspacePatterns();
  const packageFor = (source: string) =>
    patterns.map((pattern) => pattern.exec(source)?.[0]).find((match) => match !== undefined);
  const edges = new Map<string, CrossPackageImport>();
  for (const module of modules) {
    const from = packageFor(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = packageFor(dependency.resolved);
      if (!to || to === from) continue;
      const key = `${from} -> ${to}`;
      const edge = edges.get(key) ?? { from, to, example: '', count: 0, tests: 0 };
      edge.count += 1;
      if (isTest(module.source)) edge.tests += 1;
      else if (!edge.example) edge.example = `${module.source} -> ${dependency.resolved}`;
      edges.set(key, edge);
    }
  }
  return [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
};

/** Cycles among packages through their non-test imports: each as the packages in order, first repeated. */
export const packageCycles = (edges: readonly CrossPackageImport[]): string[][] => {
  const next = new Map<string, string[]>();
  for (const edge of edges.filter((e) => e.count > e.tests)) {
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }
  // Tarjan's strongly connected components; a component of two or more packages holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  // Show each component as one walk that returns to its start.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0] as string;
    const path = [start];
    const seen = new Set([start]);
    const walk = (node: string): boolean => {
      for (const target of next.get(node) ?? []) {
        if (target === start && path.length > 1) return path.push(start) > 0;
        if (!members.has(target) || seen.has(target)) continue;
        seen.add(target);
        path.push(target);
        if (walk(target)) return true;
        path.pop();
      }
      return false;
    };
    walk(start);
    return path;
  });
};

/**
 * The options and the files or folders to start from: the shared parser takes no positional
 * arguments, and no option here takes a value, so every argument not starting with `-` is a start.
 */
const splitArguments = (argv: readonly string[]) => {
  const options: string[] = [];
  const starts: string[] = [];
  for (const arg of argv) (arg.startsWith('-') ? options : starts).push(arg);
  return { options, starts };
};

/** depcruise's own complaint on one line (`ERROR: Can't open 'x' for reading...`), without its stack. */
const depcruiseProblem = (error: { stderr?: string; message?: string }): string => {
  const lines = `${error.stderr ?? ''}\n${error.message ?? ''}`.split('\n').map((line) => line.trim());
  return (lines.find((line) => line !== '') ?? 'no output').replace(/^ERROR:\s*/, '');
};

const main = async () => {
  const { options, starts: positionals } = splitArguments(process.argv.slice(2));
  const { values } = processCommandLine(LINT_DEPS_COMMAND, options);
  process.chdir(repoPath());
  const root = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] };
  const starts = positionals.length > 0 ? positionals : root.workspaces.map((w) => w.replace('/*', ''));

  // The depcruise CLI itself, in its own Node process: under tsx's loader its swc parser does not load.
  const cruised = await promisify(execFile)(
    'node_modules/.bin/depcruise',
    ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--', ...starts],
    { maxBuffer: 256 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string; message?: string }) => {
    // It exits non-zero when a rule is broken, with the result on stdout all the same.
    if (error.stdout) return { stdout: error.stdout };
    console.error(`${LINT_DEPS_COMMAND.name}: depcruise failed: ${depcruiseProblem(error)}`);
    return undefined;
  });
  if (!cruised) {
    process.exitCode = 1;
    return;
  }
  const result = JSON.parse(cruised.stdout) as ICruiseResult;

  const report = await format(result, { outputType: 'err-long' });
  const edges = crossPackageImports(result.modules);
  const cycles = packageCycles(edges);

  if (values.counts) {
    console.log('cross-package imports (from -> to: imports, of which in tests)');
    for (const edge of edges)
      console.log(`  ${edge.from} -> ${edge.to}: ${edge.count} (${edge.tests} in tests)`);
  }
  for (const cycle of cycles) {
    const example = (from: string, to: string) => edges.find((e) => e.from === from && e.to === to)?.example;
    console.error(`  error no-circular-packages: ${cycle.join(' -> ')}`);
    for (let i = 0; i + 1 < cycle.length; i += 1) {
      console.error(`    ${example(cycle[i] as string, cycle[i + 1] as string)}`);
    }
    console.error(
      '    Packages depend one way; two packages whose code imports each other cannot be built, read or changed one at a time.\n',
    );
  }
  process.stdout.write(String(report.output));
  process.exitCode = report.exitCode > 0 || cycles.length > 0 ? 1 : 0;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
