import { defineConfig } from 'vitest/config';

/**
 * One vitest run over every workspace; each folder is its own project (named after its package).
 * Template tests read what `npm run synth -- --all-stages` wrote to `.synth/`; `npm test` runs synth first.
 */
export default defineConfig({
  test: {
    projects: ['shared', 'resources', 'serverless-plugin', 'local', 'services/*', 'testing', 'tools'],
    testTimeout: 20_000,
  },
});
