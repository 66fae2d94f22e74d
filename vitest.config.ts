import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineConfig, type Plugin, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The tests in layers, one vitest project each, every workspace in each:
 *
 * - `unit`: no servers, no child processes, no synth (`npm run test:unit`);
 * - `templates`: reads the synthesized templates in `.synth/` (`npm run test:templates`);
 * - `integration`: real servers or processes: PostgreSQL, fauxqs, a service's local part, a headless
 *   browser, a CLI run as a user runs it (`npm run test:integration`);
 * - `e2e`: `*.e2e.test.ts`, the whole local platform (`npm start`) driven from outside (`npm run test:e2e`).
 *
 * A test's layer follows from what it imports (directly or through a relative helper such as
 * tests/helpers/*), so a new test lands in the right layer without a list to keep: see LAYER_MARKERS.
 * The layers that read templates run synth first when `.synth/` is older than its sources
 * (testing/src/synth-setup.ts); `npm test` runs synth before vitest, so that is a no-op there.
 */

const WORKSPACES = ['shared', 'resources', 'serverless-plugin', 'local', 'services/*', 'testing', 'tools'];

/** Imports that make a test an integration test: they start servers, browsers or child processes. */
const SERVER_IMPORTS = [
  /^@game-platform\/local$/, // embedded PostgreSQL, fauxqs, the Lambda runtime stand-in, npm start parts
  /^pg$/, // talks to a real PostgreSQL
  /^@game-platform\/testing\/(browser|processes|npm-script)$/, // a browser, child processes, npm scripts
  /^playwright-core$/,
  /^node:child_process$/,
  /^@game-platform\/[^/]+\/local$/, // a service's npm start part
  /^\.\.?\/(\.\.\/)*local(\/|$)/, // the same, from inside the service
  /\/platform\/start-process$/, // `npm start` as a child process (tools/src/platform)
];
/** Imports that make a test a template test: it reads what synth wrote. */
const TEMPLATE_IMPORTS = [/^@game-platform\/testing\/templates$/];

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file imports, following relative imports into helpers under `tests/`. */
const importsOf = (file: string, seen = new Set<string>()): string[] => {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);
  const relative = specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier));
  // local/'s own tests reach the stand-ins by relative path.
  const local = relative.some((path) => path.startsWith(join(import.meta.dirname, 'local', 'src')))
    ? ['@game-platform/local']
    : [];
  const helpers = relative
    .filter((path) => /\/tests\//.test(path))
    .flatMap((path) => [`${path}.ts`, join(path, 'index.ts')].filter((candidate) => existsSync(candidate)));
  return [...specifiers, ...local, ...helpers.flatMap((helper) => importsOf(helper, seen))];
};

type Layer = 'unit' | 'templates' | 'integration' | 'e2e';

const layerOf = (file: string): Layer => {
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  const imports = importsOf(file);
  if (imports.some((specifier) => SERVER_IMPORTS.some((marker) => marker.test(specifier))))
    return 'integration';
  if (imports.some((specifier) => TEMPLATE_IMPORTS.some((marker) => marker.test(specifier))))
    return 'templates';
  return 'unit';
};

/** Every test file of the workspaces, relative to the repository root. */
const testFiles = (): string[] => {
  const root = import.meta.dirname;
  const folders = WORKSPACES.flatMap((workspace) =>
    workspace.endsWith('/*')
      ? readdirSync(join(root, workspace.slice(0, -2))).map((name) => `${workspace.slice(0, -2)}/${name}`)
      : [workspace],
  );
  const walk = (path: string): string[] => {
    if (!existsSync(join(root, path)) || !statSync(join(root, path)).isDirectory()) return [];
    return readdirSync(join(root, path), { withFileTypes: true }).flatMap((entry) =>
      entry.name === 'node_modules' || entry.name.startsWith('.')
        ? []
        : entry.isDirectory()
          ? walk(`${path}/${entry.name}`)
          : entry.name.endsWith('.test.ts')
            ? [`${path}/${entry.name}`]
            : [],
    );
  };
  return folders.flatMap((folder) => walk(`${folder}/tests`));
};

const LAYERS: Record<Layer, string[]> = { unit: [], templates: [], integration: [], e2e: [] };
for (const file of testFiles()) LAYERS[layerOf(join(import.meta.dirname, file))].push(file);

/** Loads `.sql` imports as text in tests, as esbuild's `text` loader does in the Lambda bundle. */
const sqlAsText: Plugin = {
  name: 'sql-as-text',
  transform: (code, id) =>
    id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined,
};

const project = (
  layer: Layer,
  test: TestProjectInlineConfiguration['test'] = {},
): TestProjectInlineConfiguration => ({
  plugins: [sqlAsText],
  test: { name: layer, root: import.meta.dirname, include: LAYERS[layer], testTimeout: 20_000, ...test },
});

const synthFirst = ['testing/src/synth-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      project('unit'),
      project('templates', { globalSetup: synthFirst }),
      // PostgreSQL takes about 1 s to start, more on a busy machine.
      project('integration', { globalSetup: synthFirst, testTimeout: 30_000, hookTimeout: 60_000 }),
      project('e2e', { globalSetup: synthFirst, testTimeout: 120_000, hookTimeout: 180_000 }),
    ],
  },
});
