/**
 * Bundles the engine app into two self-contained ES modules, `main.mjs` (the server) and
 * `healthcheck.mjs` (the container health check), plus their source maps. The image contains
 * these files and nothing else from the repository: no node_modules, no package manager.
 *
 * One build for every caller: the Dockerfile's build stage runs `node services/engine/cli/image/build.ts
 * <outdir>` (Node 24 strips the types), tests import `buildEngineApp`, and locally
 * `npx tsx services/engine/cli/image/build.ts dist/engine`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const RUNTIME_DIR = fileURLToPath(new URL('../../src', import.meta.url));

export interface EngineBundle {
  outdir: string;
  /** Output file name -> size in bytes. */
  sizes: Record<string, number>;
  /** Source files bundled, relative to the working directory (esbuild's metafile inputs). */
  inputs: string[];
}

/**
 * Builds into `outdir`. Default: minified ESM for Node 24 (the image's Node, and the one `npm ci`
 * brings for tests and `npm start`), `pg-native` left out (pg's optional native driver, never used), and ws's optional native add-ons.
 * To change what is bundled, change the entry points here, not the Dockerfile.
 */
export const buildEngineApp = async (outdir: string): Promise<EngineBundle> => {
  const result = await build({
    entryPoints: { main: join(RUNTIME_DIR, 'main.ts'), healthcheck: join(RUNTIME_DIR, 'healthcheck.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    // Whitespace and syntax minified, identifiers kept: stack traces in CloudWatch name the real
    // functions. Source maps (`--enable-source-maps`) map positions, but on Node 24 a minified
    // arrow function's frame still reads `at x (file.ts:1:62)`. Not `keepNames`:
    // it wraps every function as it is created (`__name`, a defineProperty), which on the request path
    // cost the engine 4-13 % of its CPU per match result (two A/B runs).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    // ws's optional native speed-ups (bufferutil, utf-8-validate): ws falls back to JavaScript without them.
    external: ['pg-native', 'bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages (pg) call `require` for Node built-ins; ES modules have none.
    banner: {
      js: "import { createRequire as __engineCreateRequire } from 'node:module'; const require = __engineCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  const sizes = Object.fromEntries(
    Object.keys(result.metafile.outputs).map((file) => [file.split('/').at(-1) ?? file, statSync(file).size]),
  );
  return { outdir, sizes, inputs: Object.keys(result.metafile.inputs) };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2];
  if (!outdir) {
    console.error(
      'usage: build.ts <outdir>; expected the directory to write main.mjs and healthcheck.mjs to',
    );
    process.exit(2);
  }
  const { sizes } = await buildEngineApp(outdir);
  for (const [file, bytes] of Object.entries(sizes)) console.log(`${file}\t${(bytes / 1024).toFixed(1)} KiB`);
}
