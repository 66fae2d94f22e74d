/**
 * Builds the static site from `src/` into `dist/`. The HTML pages drive the build: every
 * `/assets/<name>` they reference becomes a content-hashed file (`main.js` is bundled and minified
 * from `src/assets/main.ts`, `styles.css` from `src/assets/styles.css`, any other file is copied),
 * and the reference is rewritten to the hashed name. A reference to a file that does not exist
 * fails the build, naming the page and the reference. Other top-level files (favicon) are copied as is.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { ASSETS_PREFIX, contentTypeFor } from '../../stack/site-behaviour';

export class SiteBuildError extends Error {
  override readonly name = 'SiteBuildError';
}

export interface SiteBuildResult {
  /** Output files relative to `outDir`, e.g. `assets/main-3FJ2K7QA.js`, sorted. */
  files: string[];
  /** `assets/main.js` -> `assets/main-3FJ2K7QA.js`. */
  assets: Record<string, string>;
}

const ASSET_REFERENCE = /\/assets\/([A-Za-z0-9._-]+)/g;
/** Sources an asset reference may be built from, by the extension the page asks for. */
const BUNDLED_SOURCES: Record<string, string[]> = { '.js': ['.ts', '.js'], '.css': ['.css'] };

/** esbuild's hash style (8 base32 characters), for the files copied rather than bundled. */
const contentHash = (content: Buffer): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(content).digest();
  let bits = 0;
  let value = 0;
  let hash = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && hash.length < 8) {
      hash += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (hash.length === 8) break;
  }
  return hash;
};

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

/** Builds `sourceDir` (default `src/`) into `outDir` (default `dist/`), replacing what was there. */
export const buildSite = async (source: string, out: string): Promise<SiteBuildResult> => {
  const [sourceDir, outDir] = [resolve(source), resolve(out)];
  if (!existsSync(sourceDir)) throw new SiteBuildError(`site sources not found at ${sourceDir}`);
  const pages = readdirSync(sourceDir).filter((name) => name.endsWith('.html'));
  if (!pages.includes('index.html') || !pages.includes('404.html')) {
    throw new SiteBuildError(
      `${sourceDir} must contain index.html (the root object) and 404.html (the not-found page); found ${pages.join(', ') || 'no pages'}`,
    );
  }
  const html = Object.fromEntries(pages.map((page) => [page, readFileSync(join(sourceDir, page), 'utf8')]));

  // Every asset any page references, with the source it comes from.
  const referenced = new Map<string, { source: string; bundled: boolean }>();
  for (const [page, text] of Object.entries(html)) {
    for (const [, name = ''] of text.matchAll(ASSET_REFERENCE)) {
      if (referenced.has(name)) continue;
      const extension = extname(name);
      const candidates = (BUNDLED_SOURCES[extension] ?? ['']).map((sourceExtension) =>
        join(sourceDir, 'assets', sourceExtension ? `${basename(name, extension)}${sourceExtension}` : name),
      );
      const source = candidates.find(existsSync);
      if (!source) {
        throw new SiteBuildError(
          `${page} references /assets/${name}, but none of ${candidates.map((c) => relative(sourceDir, c)).join(', ')} exists in ${sourceDir}`,
        );
      }
      referenced.set(name, { source, bundled: extension in BUNDLED_SOURCES });
    }
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, ASSETS_PREFIX), { recursive: true });
  const assets: Record<string, string> = {};

  const bundled = [...referenced].filter(([, { bundled }]) => bundled);
  if (bundled.length > 0) {
    const result = await build({
      entryPoints: bundled.map(([, { source }]) => source),
      outdir: join(outDir, ASSETS_PREFIX),
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      minify: true,
      format: 'esm',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      loader: { '.svg': 'file', '.png': 'file', '.woff2': 'file' },
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: sourceDir,
    });
    for (const [output, { entryPoint }] of Object.entries(result.metafile.outputs)) {
      if (!entryPoint) continue;
      const entry = bundled.find(([, { source }]) => relative(sourceDir, source) === entryPoint);
      if (entry) assets[entry[0]] = relative(outDir, resolve(sourceDir, output));
    }
  }
  for (const [name, { source, bundled: isBundled }] of referenced) {
    if (isBundled) continue;
    const hashed = `${basename(name, extname(name))}-${contentHash(readFileSync(source))}${extname(name)}`;
    copyFileSync(source, join(outDir, ASSETS_PREFIX, hashed));
    assets[name] = `${ASSETS_PREFIX}${hashed}`;
  }

  for (const [page, text] of Object.entries(html)) {
    writeFileSync(
      join(outDir, page),
      text.replace(ASSET_REFERENCE, (_, name: string) => `/${assets[name] ?? `${ASSETS_PREFIX}${name}`}`),
    );
  }
  for (const name of readdirSync(sourceDir, { withFileTypes: true })) {
    if (name.isFile() && !name.name.endsWith('.html') && name.name !== 'tsconfig.json') {
      copyFileSync(join(sourceDir, name.name), join(outDir, name.name));
    }
  }

  const files = listFiles(outDir);
  // Fail here, not halfway through a release, if the build produced a kind of file we cannot serve.
  for (const file of files) contentTypeFor(file);
  return { files, assets: Object.fromEntries(Object.entries(assets).map(([k, v]) => [`assets/${k}`, v])) };
};
