/**
 * The `migrate` Lambda carries the migrations bundled as text (`src/migrations/bundled.ts`); the
 * list there is written by hand, so this test holds it to the `migrations/` directory: same files,
 * same order, same bytes. (`package.test.ts` then runs the packaged artifact itself.)
 */

import { describe, expect, it } from 'vitest';
import { readMigrations } from '../src/migrations';
import { BUNDLED_MIGRATIONS } from '../src/migrations/bundled';

describe('bundled migrations', () => {
  it('list every file of migrations/, in order, and no other', () => {
    // Prepare
    const onDisk = readMigrations().map((file) => file.name);

    // Act
    const bundled = BUNDLED_MIGRATIONS.map((file) => file.name);

    // Assess: a file missing from bundled.ts is named in the failure.
    expect(bundled, 'add the missing migrations to src/migrations/bundled.ts').toEqual(onDisk);
  });

  it('carry each file byte for byte', () => {
    // Prepare
    const onDisk = new Map(readMigrations().map((file) => [file.name, file.sql]));

    // Act / Assess
    for (const file of BUNDLED_MIGRATIONS) expect(file.sql, file.name).toBe(onDisk.get(file.name));
  });
});
