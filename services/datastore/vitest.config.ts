import { defineProject, type Plugin } from 'vitest/config';

/** Loads `.sql` imports as text in tests, as esbuild's `text` loader does in the Lambda bundle. */
const sqlAsText: Plugin = {
  name: 'sql-as-text',
  transform: (code, id) =>
    id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined,
};

export default defineProject({
  plugins: [sqlAsText],
  test: {
    name: '@game-platform/datastore',
    // Integration tests start a real PostgreSQL server (about 1 s, more on a busy machine).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
