import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Package boundaries: dependencies point one way, core <- devices <- api, and web talks to the
 * API only over GraphQL. Nothing imports another package's `src/` (or `dist/`) directly.
 */
const deepImport = {
  group: ['@actnas/*/src/*', '@actnas/*/dist/*', '**/packages/*/src/*', '**/apps/*/src/*'],
  message: 'Import a workspace package through its public exports, not its files.',
};
const boundary = (forbidden, why) => ({
  group: forbidden,
  message: why,
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**', '**/.next/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
    },
  },
  {
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            boundary(['@actnas/devices', '@actnas/api', '@actnas/web', '@actnas/devices/*', '@actnas/api/*'], 'core depends on no other workspace package.'),
            boundary(['node:fs', 'node:fs/*', 'fs', 'node:child_process', 'node:net', 'node:http', 'onnxruntime-node'], 'core is pure: no I/O, no runtimes. Do it in packages/devices.'),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/devices/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/api', '@actnas/web', '@actnas/api/*'], 'devices may depend on core only.')] },
      ],
    },
  },
  {
    files: ['apps/api/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/web', '@actnas/web/*'], 'the API never depends on the dashboard.')] },
      ],
    },
  },
  {
    files: ['apps/web/**'],
    ignores: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/api', '@actnas/*/*'], 'the dashboard talks to the API over GraphQL only.')] },
      ],
    },
  },
  {
    // The dashboard's browser tests and benchmarks start the real API in process.
    files: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/*/*'], 'web tests reach the platform through the API only.')] },
      ],
    },
  },
);
