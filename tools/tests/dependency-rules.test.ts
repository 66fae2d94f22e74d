/**
 * The dependency rules of `npm run lint:deps` (.dependency-cruiser.cjs and the package-cycle check)
 * fail on planted violations, naming the rule, and pass on the tree as it is. The planted files sit
 * in the tree for the length of one run (the rules are about where a file is) and are removed after.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { repoPath } from '@game-platform/resources/paths';
import type { IModule } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { crossPackageImports, TEST_PATTERN } from '../src/checks/dependencies';

interface Run {
  code: number;
  output: string;
}

/** `npm run lint:deps -- <starts>` as a user runs it. */
const lintDeps = (...starts: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'tools/src/checks/dependencies.ts', ...starts],
      { cwd: repoPath(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          output: stdout + stderr,
        }),
    );
  });

/** Writes each file (repository path -> source), runs `body`, and removes the files whatever happens. */
const withPlanted = async <T>(files: Record<string, string>, body: () => Promise<T>): Promise<T> => {
  try {
    for (const [path, source] of Object.entries(files)) writeFileSync(repoPath(path), source);
    return await body();
  } finally {
    for (const path of Object.keys(files)) rmSync(repoPath(path), { force: true });
  }
};

const planted = (folder: string) => `${folder}/planted-violation-${process.pid}.ts`;

describe('npm run lint:deps', { timeout: 120_000 }, () => {
  it("fails when code that ships imports the tools, its own service's stack, the profiles or the builders", async () => {
    // Prepare
    const file = planted('services/network/src');
    const source =
      "export * from '@game-platform/tools/checks/policy-gate';\nexport * from '../stack/vpc';\n" +
      "export * from '@game-platform/shared/profiles';\nexport * from '@game-platform/resources';\n";

    // Act
    const { code, output } = await withPlanted({ [file]: source }, () => lintDeps(file));

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(
      `services-import-no-tools-or-testing: ${file} → tools/src/checks/policy-gate.ts`,
    );
    expect(output).toContain(`src-ships-alone: ${file} → services/network/stack/vpc.ts`);
    expect(output).toContain(`tools-only-from-tests: ${file} → tools/src/checks/policy-gate.ts`);
    // Build-time code of the lower packages: the stage profiles and the builders.
    expect(output).toContain(`src-runs-on-runtime-code-only: ${file} → shared/src/profiles/index.ts`);
    expect(output).toContain(`src-runs-on-runtime-code-only: ${file} → resources/src/index.ts`);
  });

  it("fails on a relative path into another package and on an import of another package's inside", async () => {
    // Prepare
    const file = planted('services/firewall/stack');
    const source = [
      "export * from '../../frontend/stack/dashboard';",
      // network declares no exports, so the path resolves; it is still not a public face
      "export * from '@game-platform/network/stack/vpc';",
      // integrations' exports do not list it, so the package name does not resolve it
      "export * from '@game-platform/integrations/stack/consumer-settings';",
      '',
    ].join('\n');

    // Act
    const { code, output } = await withPlanted({ [file]: source }, () => lintDeps(file));

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(
      `no-relative-import-into-another-package: ${file} → services/frontend/stack/dashboard.ts`,
    );
    expect(output).toContain(`only-through-exports: ${file} → services/frontend/stack/dashboard.ts`);
    expect(output).toContain(`only-through-exports: ${file} → services/network/stack/vpc.ts`);
    expect(output).toContain(
      `not-to-unresolvable: ${file} → @game-platform/integrations/stack/consumer-settings`,
    );
  });

  it('fails when two packages import each other through code that ships or builds', async () => {
    // Prepare: the frontend's dashboard already imports the firewall's monitoring face.
    const file = planted('services/firewall/stack');
    const source = "export { EDGE_RULES } from '@game-platform/frontend/rules';\n";

    // Act
    const { code, output } = await withPlanted({ [file]: source }, () =>
      lintDeps(file, 'services/frontend/stack/dashboard.ts'),
    );

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(
      'no-circular-packages: services/firewall -> services/frontend -> services/firewall',
    );
    expect(output).toContain(`declared-workspace-dependencies-only: ${file} → services/frontend/rules.ts`);
  });

  it('fails when non-test code imports a test helper', async () => {
    // Prepare
    const file = planted('services/integrations/local');
    const source = "export * from '../tests/helpers/events';\n";

    // Act
    const { code, output } = await withPlanted({ [file]: source }, () => lintDeps(file));

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(
      `no-test-code-in-non-test-code: ${file} → services/integrations/tests/helpers/events.ts`,
    );
  });

  it('passes on the tree as it is, having cruised every workspace', async () => {
    const { code, output } = await lintDeps();

    expect(output).toMatch(/no dependency violations found \((\d{3,}) modules/);
    expect(code).toBe(0);
  });
});

describe('npm run lint:deps, its command line', { timeout: 120_000 }, () => {
  it('answers --help, refuses an unknown option in one line (exit 2), and names a start depcruise cannot read (exit 1)', async () => {
    const help = await lintDeps('--help');
    const unknown = await lintDeps('--bogus');
    const missing = await lintDeps('no/such/folder');

    expect(help.code).toBe(0);
    expect(help.output).toMatch(/^usage: npm run lint:deps \[-- \[--counts\]\]\n/);
    expect(unknown).toEqual({ code: 2, output: 'lint:deps: unknown option --bogus; expected --counts\n' });
    expect(missing).toEqual({
      code: 1,
      output: "lint:deps: depcruise failed: Can't open 'no/such/folder' for reading. Does it exist?\n",
    });
  });
});

describe('test-layer code, as lint:deps counts it', () => {
  it("is the TEST pattern of .dependency-cruiser.cjs, the rules' own", () => {
    const config = createRequire(import.meta.url)(repoPath('.dependency-cruiser.cjs')) as {
      forbidden: Array<{ from: { pathNot?: string } }>;
    };
    expect(config.forbidden.map((rule) => rule.from.pathNot)).toContain(TEST_PATTERN);
  });

  it('counts tests, vitest configs and benches as test imports, and src as not', () => {
    const importer = (source: string) =>
      ({ source, dependencies: [{ resolved: 'local/src/index.ts' }] }) as unknown as IModule;
    const edges = crossPackageImports(
      [
        'services/engine/tests/app.test.ts',
        'services/engine/vitest.config.ts',
        'services/engine/bench.ts',
        'services/engine/src/app.ts',
      ].map(importer),
    );
    expect(edges).toEqual([
      {
        from: 'services/engine',
        to: 'local',
        example: 'services/engine/src/app.ts -> local/src/index.ts',
        count: 4,
        tests: 3,
      },
    ]);
  });
});
