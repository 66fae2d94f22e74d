// @ts-check
/**
 * The one-way dependency graph of the workspaces, checked by dependency-cruiser in `npm run lint`
 * (`npm run lint:deps`). Each rule says why it exists; the README's layout section says where code lives.
 *
 *   shared <- resources <- serverless-plugin <- services/* <- tools
 *   local (dev-only stand-ins for AWS) <- tests, benches, each service's local face, tools
 *   testing (test support) <- tests only
 *
 * Paths in the rules are relative to the repository root, where `npm run lint` runs.
 */
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** Every workspace package's folder, as the root package.json lists them (`services/*` expanded). */
const PACKAGE = '(shared|resources|serverless-plugin|local|testing|tools|services/[^/]+)';
/**
 * Test-layer code: tests, their config, and the benches (measurement harnesses that start the same
 * local servers and send the same events as the tests, through the tests' helpers; nothing ships them).
 */
const TEST = '(^|/)tests/|(^|/)vitest\\.config\\.ts$|^services/[^/]+/bench\\.ts$';

const escapeRegExp = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every workspace package: its folder and its package.json, as the root package.json lists them. */
function workspacePackages() {
  const root = JSON.parse(readFileSync(path.join(__dirname, 'package.json'), 'utf8'));
  const folders = root.workspaces.flatMap((/** @type {string} */ pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(path.join(__dirname, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return folders.flatMap((/** @type {string} */ folder) => {
    try {
      return [
        { folder, manifest: JSON.parse(readFileSync(path.join(__dirname, folder, 'package.json'), 'utf8')) },
      ];
    } catch {
      return []; // a folder under services/ that is not (yet) a package
    }
  });
}
const PACKAGES = workspacePackages();

/**
 * The files each package offers other packages: the targets of its package.json `exports`. A file of
 * another package that is not listed here is that package's inside, whatever path reaches it.
 */
function exportedFiles() {
  /** @type {string[]} */
  const files = [];
  /** @param {string} folder @param {unknown} target */
  const collect = (folder, target) => {
    if (typeof target === 'string') files.push(path.posix.join(folder, target));
    else if (target && typeof target === 'object')
      for (const value of Object.values(target)) collect(folder, value);
  };
  for (const { folder, manifest } of PACKAGES) collect(folder, manifest.exports);
  return files;
}

/**
 * One rule per package: it imports only the workspace packages its package.json declares
 * (dependencies for what it ships or builds, devDependencies for its tests, tools and local part),
 * so npm installs what the code needs and the manifests show the real graph.
 */
function declaredWorkspaceDependencies(/** @type {Record<string, string>} */ knownExceptions) {
  const folderOf = new Map(PACKAGES.map(({ folder, manifest }) => [manifest.name, folder]));
  return PACKAGES.flatMap(({ folder, manifest }) => {
    const declared = new Set(
      [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies]
        .flatMap((deps) => Object.keys(deps ?? {}))
        .map((name) => folderOf.get(name)),
    );
    const undeclared = PACKAGES.map((other) => other.folder).filter(
      (other) => other !== folder && !declared.has(other),
    );
    return undeclared.length === 0
      ? []
      : [
          {
            name: 'declared-workspace-dependencies-only',
            comment: `${manifest.name} imports only the workspace packages its package.json declares.`,
            severity: /** @type {const} */ ('error'),
            from: {
              path: `^${escapeRegExp(folder)}/`,
              ...(knownExceptions[folder] ? { pathNot: knownExceptions[folder] } : {}),
            },
            to: { path: `^(${undeclared.map(escapeRegExp).join('|')})/` },
          },
        ];
  });
}

const PUBLIC_FACES = `^(${exportedFiles().map(escapeRegExp).join('|')})$`;

/**
 * Reviewed exception: two tests of `npm start` in tools/ check a service's face against what deploys
 * (its local part's settings against the synthesized template; the engine's tap rules through the
 * browser). tools/ cannot declare the services in its manifest: services' tests use the tools'
 * checks, so the two workspaces would depend on each other. Tests only; tools' code finds services
 * through serverless-compose.yml.
 */
const TOOLS_TESTS_USING_SERVICE_FACES = [
  '^tools/tests/platform/same-as-deployed\\.test\\.ts$', // engine/local, integrations/local
  '^tools/tests/platform/live-play\\.e2e\\.test\\.ts$', // engine/live-round
];

/**
 * Known and harmless: `import type` cycles, erased when TypeScript compiles (no module loads another
 * in a loop). The swc parser cannot tell a type-only import from a value import, so each is named here:
 * - shared/src/endpoints/workload-calls.ts reads the profile's type, whose schema lists the endpoints;
 * - resources/src/cfn/intrinsics.ts types `getAtt`'s attribute names with the generated specification,
 *   whose property types are the intrinsics' `Value`, `Json` and `Tag`.
 */
const KNOWN_TYPE_ONLY_CYCLES = '^(shared/src/endpoints/workload-calls|resources/src/cfn/intrinsics)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // ---- package layers -------------------------------------------------------------------------
    {
      name: 'shared-imports-no-workspace',
      comment:
        'shared/ is the bottom layer: it ships inside every Lambda and the engine image, so it may ' +
        'import no other workspace (its tests may use local/ and testing/).',
      severity: 'error',
      from: { path: '^shared/', pathNot: TEST },
      to: { path: '^(resources|serverless-plugin|local|testing|tools|services)/' },
    },
    {
      name: 'resources-only-shared',
      comment:
        'resources/ (the typed CloudFormation builders, the template model) is built on shared/ alone; ' +
        'everything above it imports it, so an import upward is a cycle in waiting.',
      severity: 'error',
      from: { path: '^resources/', pathNot: TEST },
      to: { path: '^(serverless-plugin|local|testing|tools|services)/' },
    },
    {
      name: 'serverless-plugin-only-shared-and-resources',
      comment:
        'The Serverless plugin runs inside every service deploy; it knows the builders and the shared ' +
        'contracts, never a particular service, the local stand-ins or the tools.',
      severity: 'error',
      from: { path: '^serverless-plugin/', pathNot: TEST },
      to: { path: '^(local|testing|tools|services)/' },
    },
    {
      name: 'local-only-shared',
      comment:
        'local/ is the generic stand-in for AWS (PostgreSQL, SQS/S3, Lambda runtime, the npm start ' +
        "part contract); what a particular service needs locally lives in that service's local face.",
      severity: 'error',
      from: { path: '^local/', pathNot: TEST },
      to: { path: '^(resources|serverless-plugin|testing|tools|services)/' },
    },
    {
      name: 'services-import-no-tools-or-testing',
      comment:
        'A service is above shared/resources/serverless-plugin and below tools: its code that ships or ' +
        'builds never imports the tools (they import it) nor the test support.',
      severity: 'error',
      from: { path: '^services/', pathNot: TEST },
      to: { path: '^(tools|testing)/' },
    },
    {
      name: 'local-only-from-local-faces',
      comment:
        'local/ is dev-only (embedded PostgreSQL, fauxqs): in a service only its npm start part ' +
        '(local.ts, local/), its bench and its tests may use it, so it never reaches a bundle or a stack.',
      severity: 'error',
      from: { path: '^services/[^/]+/', pathNot: '^services/[^/]+/(local\\.ts$|local/|tests/|bench\\.ts$)' },
      to: { path: '^local/' },
    },
    {
      name: 'testing-only-from-tests',
      comment:
        'testing/ is test support (synthesized templates, a browser, child processes): only tests import it.',
      severity: 'error',
      from: { pathNot: `${TEST}|^testing/` },
      to: { path: '^testing/' },
    },
    {
      name: 'tools-only-from-tests',
      comment:
        'tools/ is the top of the graph (synth, checks, cost, npm start); nothing imports it but tests ' +
        '(which use the checks to assert on templates).',
      severity: 'error',
      from: { pathNot: `${TEST}|^tools/` },
      to: { path: '^tools/' },
    },
    {
      name: 'tools-discover-services',
      comment:
        'Tools find what services offer (templates, rules, npm start parts) through serverless-compose.yml, ' +
        'so adding a service is not an edit to tools/. Listed exceptions are reviewed, each with its reason.',
      severity: 'error',
      from: { path: '^tools/', pathNot: TEST },
      to: { path: '^services/' },
    },

    // ---- within a service -----------------------------------------------------------------------
    {
      name: 'src-ships-alone',
      comment:
        'src/ is the only code that ships to AWS (Lambda bundles, the engine image, the web site); an ' +
        'import of the stack, a CLI, the local part, the rules or a test would pull build-time or dev code ' +
        'into what runs in production.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: {
        path: '^services/$1/(stack/|cli/|local\\.ts$|local/|rules\\.ts$|tests/|serverless\\.ts$|bench\\.ts$)',
      },
    },
    {
      name: 'src-runs-on-runtime-code-only',
      comment:
        "What ships may import only its own src/ (and the datastore's SQL migrations) and shared's run-time modules (events, database, edge, " +
        'log, sqs: what the Lambda bundles and the engine image are built from). The builders, the plugin, ' +
        "the stage profiles, local stand-ins, test support, tools and other services' code are build or " +
        'dev time: bundled into a function they would ship code, and dependencies, that never run.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: {
        path: '^(resources|serverless-plugin|local|testing|tools|shared|services)/',
        // The datastore's migrations/ is SQL its migrate function bundles as text: it ships too.
        pathNot: '^(services/$1/(src|migrations)/|shared/src/(events/|database/|edge/|log\\.ts$|sqs\\.ts$))',
      },
    },
    {
      name: 'stack-imports-no-operator-or-dev-code',
      comment:
        'stack/ is what serverless.ts composes into the template; it may read src/ (the contract it ' +
        'configures) but never operator CLIs, the local part or tests, which change without a deploy.',
      severity: 'error',
      from: { path: '^services/([^/]+)/stack/' },
      to: { path: '^services/$1/(cli/|local\\.ts$|local/|tests/|bench\\.ts$)' },
    },

    // ---- across packages ------------------------------------------------------------------------
    {
      name: 'no-relative-import-into-another-package',
      comment:
        'A relative path into another workspace skips its package.json (its exports and its declared ' +
        'dependencies); go through the package name, e.g. @game-platform/engine/stack/monitoring.',
      severity: 'error',
      from: { path: `^${PACKAGE}/` },
      to: { dependencyTypes: ['local'], pathNot: '^$1/' },
    },
    {
      name: 'only-through-exports',
      comment:
        'Another package is reached only through a file its package.json `exports` lists (its public ' +
        'face); anything else is its inside and may change without notice.',
      severity: 'error',
      from: { path: `^${PACKAGE}/` },
      to: { path: `^${PACKAGE}/`, pathNot: `^$1/|${PUBLIC_FACES}` },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that does not resolve is either a typo or a deep import that the target package does ' +
        'not export; either way the rules above could not judge it.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment:
        'Modules that import each other, directly or through others, have no order to read or load them in.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { pathNot: KNOWN_TYPE_ONLY_CYCLES } },
    },

    ...declaredWorkspaceDependencies({
      tools: TOOLS_TESTS_USING_SERVICE_FACES.join('|'),
    }),

    // ---- tests ----------------------------------------------------------------------------------
    {
      name: 'no-test-code-in-non-test-code',
      comment:
        'A tests/ file is test code (fixtures, helpers); code that ships, builds or runs npm start never uses it.',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.synth|\\.serverless|\\.local|dist)/' },
    // TypeScript 7 (the native compiler this repo uses) has no JavaScript API, and dependency-cruiser's
    // tsc parser and `tsConfig` reading need that API (they support typescript < 7 and silently skip
    // otherwise). swc parses TypeScript itself, type-only imports included. tsconfig.json declares no
    // `paths`, so resolution is Node's: extensionless relative imports (`moduleResolution: bundler`) and
    // workspace packages through their `exports` maps, as below.
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    moduleSystems: ['es6', 'cjs'],
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
