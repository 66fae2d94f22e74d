/**
 * The engine image's build inputs and the tag derived from them. The inputs are exactly what the
 * build can see: the Dockerfile, its `.dockerignore`, and every file of the build context that the
 * `.dockerignore` lets through (the repository root, filtered). Their content, with the target
 * platform, gives the tag `src-<16 hex>`: the same inputs give the same tag on any machine, and a
 * change to any file the image is built from gives a new one. With immutable tags in ECR, a tag
 * therefore names one build of one set of inputs, and a deploy can tell whether that build is
 * already pushed (then there is nothing to build) by asking ECR for the tag.
 *
 * Not an input: the base images' registry state (`node:24-alpine` moves). A rebuild of the same
 * inputs would pick up a newer base, but it never happens: the tag exists, so the first build stays.
 * To take a new base image, change the Dockerfile (for example pin the base by digest).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the Docker build context (the app imports workspace packages). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** Paths relative to the repository root (the build context). */
export const DOCKERFILE = 'services/engine/Dockerfile';
/** BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile before the context's own. */
export const DOCKERIGNORE = `${DOCKERFILE}.dockerignore`;

/** The prefix of every content tag; the rest is the first 16 hex digits of the inputs' SHA-256. */
export const CONTENT_TAG_PREFIX = 'src-';

interface IgnoreRule {
  include: boolean;
  pattern: string;
  regex: RegExp;
}

const parseRules = (text: string): IgnoreRule[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = include ? line.slice(1) : line;
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => {
          if (part === '**/') return '(?:.*/)?';
          if (part === '**') return '.*';
          if (part === '*') return '[^/]*';
          if (part === '?') return '[^/]';
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { include, pattern, regex: new RegExp(`^${source}$`) };
    });

/**
 * `.dockerignore` semantics: a pattern matches a path or any of its parent folders, `*` stays within
 * a path segment, `**` spans segments, `!` re-includes, the last matching pattern wins.
 * Returns whether a path (relative to the context root) is sent to the build.
 */
export const dockerignore = (text: string): ((path: string) => boolean) => {
  const rules = parseRules(text);
  return (path) => {
    const segments = path.split('/');
    const candidates = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules)
      if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.include;
    return !excluded;
  };
};

/**
 * Every file of the build context under `repoRoot`, sorted: what `docker buildx build .` would send
 * with the engine's `.dockerignore`. Folders no re-include pattern can reach are not walked.
 */
export const buildContextFiles = (repoRoot: string): string[] => {
  const text = readFileSync(join(repoRoot, DOCKERIGNORE), 'utf8');
  const inContext = dockerignore(text);
  // The part of each re-include pattern before its first wildcard: only folders on such a path can hold a file let back in.
  const reachable = parseRules(text)
    .filter((rule) => rule.include)
    .map((rule) => rule.pattern.split(/[*?]/)[0] ?? '');
  const mayHoldIncluded = (dir: string) =>
    inContext(dir) ||
    reachable.some((prefix) => prefix.startsWith(`${dir}/`) || `${dir}/`.startsWith(prefix));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(repoRoot, dir)).sort()) {
      const path = dir ? `${dir}/${name}` : name;
      if (name === '.git' || name === 'node_modules') continue;
      const stat = lstatSync(join(repoRoot, path));
      if (stat.isDirectory()) {
        if (mayHoldIncluded(path)) walk(path);
      } else if (stat.isFile() && inContext(path)) files.push(path);
    }
  };
  walk('');
  return files.sort();
};

/** The Dockerfile, its `.dockerignore` and the context files: everything the image is built from. */
export const buildInputs = (repoRoot: string): string[] =>
  [...new Set([DOCKERFILE, DOCKERIGNORE, ...buildContextFiles(repoRoot)])].sort();

/** SHA-256 over the target platform and each input's path and content, in path order. */
export const contentHash = (repoRoot: string, platform: string): string => {
  const hash = createHash('sha256').update(`platform ${platform}\n`);
  for (const path of buildInputs(repoRoot)) {
    const digest = createHash('sha256')
      .update(readFileSync(join(repoRoot, path)))
      .digest('hex');
    hash.update(`${path}\0${digest}\n`);
  }
  return hash.digest('hex');
};

/** `src-<first 16 hex digits of contentHash>`: the tag the engine runs unless a profile pins another. */
export const contentTag = (repoRoot: string, platform: string): string =>
  `${CONTENT_TAG_PREFIX}${contentHash(repoRoot, platform).slice(0, 16)}`;
