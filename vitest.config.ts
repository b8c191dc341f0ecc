import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `@actnas/source` export
// condition), so `vitest` needs no prior build; runtime code (the CLI) uses the built `dist`.
const sourceCondition = '@actnas/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.unit.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          globalSetup: ['test/support/built-cli.global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          // Browser tests run against one production build of apps/web (built once, if stale).
          globalSetup: ['apps/web/test/support/next-build.global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // Its own group, after the others: projects of one group share one worker count, and this
          // one's single worker would otherwise run every unit and integration file one at a time.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
