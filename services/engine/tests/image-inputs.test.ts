/**
 * The content tag: the same build inputs give the same tag (twice in a row, and in another copy
 * of the repository), and a change to any file the image is built from gives a new one, while a
 * change to a file the build never sees (another service, a stage profile, a test) does not.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInputs, contentTag, DOCKERFILE, REPO_ROOT } from '../stack/image-inputs';

const ARM = 'linux/arm64';

/** A copy of the repository holding the build inputs and two files outside them. */
const copyRepository = () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-inputs-'));
  const outside = [
    'services/network/serverless.ts',
    'services/engine/tests/domain.test.ts',
    'shared/src/profiles/stages.ts',
    'services/engine/src/README.md',
  ];
  for (const path of [...buildInputs(REPO_ROOT), ...outside]) {
    cpSync(join(REPO_ROOT, path), join(dir, path), { recursive: false });
  }
  return dir;
};

describe('contentTag', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });
  const copy = () => {
    const dir = copyRepository();
    copies.push(dir);
    return dir;
  };
  const edit = (dir: string, path: string, change: (text: string) => string) =>
    writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));

  it('is src- and 16 hex digits, the same on every call and in another copy of the same inputs', () => {
    // Act
    const here = contentTag(REPO_ROOT, ARM);
    const again = contentTag(REPO_ROOT, ARM);
    const elsewhere = contentTag(copy(), ARM);

    // Assess
    expect(here).toMatch(/^src-[0-9a-f]{16}$/);
    expect(again).toBe(here);
    expect(elsewhere).toBe(here);
  });

  it.each([
    ['an app source', 'services/engine/src/http/routes.ts'],
    ['a shared source the app bundles', 'shared/src/events/index.ts'],
    ['the lockfile (a dependency version)', 'package-lock.json'],
    ['the Dockerfile', DOCKERFILE],
  ])('changes when %s changes', (_what, path) => {
    // Prepare
    const dir = copy();
    const before = contentTag(dir, ARM);

    // Act
    edit(dir, path, (text) => `${text}\n`);

    // Assess
    expect(contentTag(dir, ARM)).not.toBe(before);
  });

  it('changes when a file is added to the build context, and for another CPU architecture', () => {
    // Prepare
    const dir = copy();
    const before = contentTag(dir, ARM);

    // Act
    writeFileSync(join(dir, 'services/engine/src/new-module.ts'), 'export {};\n');

    // Assess
    expect(contentTag(dir, ARM)).not.toBe(before);
    expect(contentTag(REPO_ROOT, 'linux/amd64')).not.toBe(contentTag(REPO_ROOT, ARM));
  });

  it.each([
    ['another service', 'services/network/serverless.ts'],
    ['a stage profile (the app does not import the profiles)', 'shared/src/profiles/stages.ts'],
    ["the engine app's tests", 'services/engine/tests/domain.test.ts'],
    ["the engine app's README, inside src/", 'services/engine/src/README.md'],
  ])('stays the same when %s changes (not sent to the build)', (_what, path) => {
    // Prepare
    const dir = copy();
    const before = contentTag(dir, ARM);

    // Act
    edit(dir, path, (text) => `${text}\n// changed\n`);
    writeFileSync(join(dirname(join(dir, DOCKERFILE)), '.env'), 'SECRET=1\n');

    // Assess
    expect(contentTag(dir, ARM)).toBe(before);
  });
});
