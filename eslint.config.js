// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Dependencies point inwards: see docs/architecture.md. */
const restrict = (patterns) => ({ rules: { 'no-restricted-imports': ['error', { patterns }] } });
const serverOnly = {
  group: ['@cardwarden/server', '@cardwarden/server/*'],
  message: 'server code stays in the server',
};
const cryptoEntry = {
  group: ['@cardwarden/protocol/crypto', '**/crypto/index.js', 'node:crypto', 'crypto'],
  message: 'browser code must not use crypto; use the browser-safe @cardwarden/protocol entry',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      '**/drizzle/**',
      '.test-results/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'packages/test-support/**', '**/test/**', '**/bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['packages/protocol/src/**'],
    ignores: ['packages/protocol/src/crypto/**'],
    ...restrict([
      serverOnly,
      { group: ['@cardwarden/contract'], message: 'protocol imports nothing of ours' },
      { group: ['node:*'], message: 'protocol is pure: only src/crypto may use node:crypto' },
    ]),
  },
  { files: ['packages/contract/src/**'], ...restrict([serverOnly, cryptoEntry]) },
  { files: ['packages/web/src/**'], ...restrict([serverOnly, cryptoEntry]) },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      // `import { type X }` keeps a side-effect import: it would pull the contract's zod schemas into the bundle.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  { files: ['packages/card-sim/src/**', 'packages/unlock/src/**'], ...restrict([serverOnly]) },
);
