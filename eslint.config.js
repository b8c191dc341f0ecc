import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Package boundaries: dependencies point one way, core <- devices <- cli and core <- api; web and
 * cli talk to the API only over GraphQL (types generated from apps/api/schema.graphql). Nothing
 * imports another package's `src/` (or `dist/`) directly, and no module imports itself in a loop.
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
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['packages/*/tsconfig.json', 'apps/*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            boundary(['@actnas/devices', '@actnas/cli', '@actnas/api', '@actnas/web', '@actnas/*/*'], 'core depends on no other workspace package.'),
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
        {
          patterns: [
            deepImport,
            boundary(['@actnas/cli', '@actnas/cli/*', '@actnas/api', '@actnas/api/*', '@actnas/web', '@actnas/web/*'], 'devices is a library on top of core: it knows no app.'),
            boundary(['graphql', 'graphql/*', '@graphql-typed-document-node/*', '@apollo/*', 'commander', 'cli-progress', 'cli-table3'], 'devices has no CLI and no GraphQL: they live in apps/cli.'),
          ],
        },
      ],
    },
  },
  {
    files: ['apps/cli/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/api', '@actnas/api/*', '@actnas/web', '@actnas/web/*', '@actnas/migrations', '@actnas/migrations/*'], 'the CLI talks to the API over GraphQL only (types generated from apps/api/schema.graphql).')] },
      ],
    },
  },
  {
    files: ['apps/api/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/devices', '@actnas/devices/*', '@actnas/cli', '@actnas/cli/*', '@actnas/web', '@actnas/web/*'], 'the API depends on core only; devices measure through agents (apps/cli) over GraphQL.')] },
      ],
    },
  },
  {
    files: ['apps/web/**'],
    ignores: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/cli', '@actnas/api', '@actnas/*/*'], 'the dashboard talks to the API over GraphQL only.')] },
      ],
    },
  },
  {
    // The dashboard's browser tests and benchmarks start the real API in process.
    files: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/cli', '@actnas/*/*'], 'web tests reach the platform through the API only.')] },
      ],
    },
  },
);
