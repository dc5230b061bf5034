// Lint rules, including the import arrows of DESIGN.md ("Dependencies point down only").
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each layer and the layers of ours it may import (besides itself). */
const LAYERS = {
  errors: [],
  proto: [],
  config: ['errors'],
  store: ['errors', 'shared-state'],
  'shared-state': ['errors'],
  accounts: ['errors', 'store', 'shared-state'],
  security: ['errors', 'store', 'shared-state', 'accounts'],
  mail: ['errors', 'store', 'shared-state', 'accounts', 'security'],
  server: ['errors', 'config', 'shared-state', 'accounts', 'security', 'mail', 'proto'],
  'web/api': ['errors', 'config', 'shared-state', 'accounts', 'security', 'mail'],
  'web/app': [],
  cli: ['errors', 'config', 'accounts', 'security', 'mail', 'main.ts', 'serve.ts', 'logger.ts', 'server'],
};

const zones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: './src',
  except: [`./${layer}`, ...allowed.map((name) => `./${name}`)],
  message: `DESIGN.md: src/${layer} may import only ${allowed.length ? allowed.join(', ') : 'nothing of ours'}.`,
}));
// web/api sits inside web/: keep web/app out of it and it out of web/app.
zones.push({ target: './src/web/api', from: './src/web/app', message: 'The API does not import the browser app.' });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'src/web/app/dist/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
    },
  },
);
