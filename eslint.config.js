// Lint rules, including the import arrows of DESIGN.md ("Dependencies point down only").
import path from 'node:path';
import tseslint from 'typescript-eslint';

/** Each layer under src/ and the layers of ours it may import (besides itself). */
const LAYERS = {
  errors: [],
  lib: ['errors'],
  proto: [],
  config: ['errors', 'lib'],
  'shared-state': ['errors', 'lib'],
  store: ['errors', 'lib', 'shared-state'],
  kernel: ['errors', 'lib', 'store', 'shared-state'],
  accounts: ['errors', 'lib', 'store', 'shared-state', 'kernel'],
  mailbox: ['errors', 'lib', 'store', 'shared-state', 'kernel', 'accounts'],
  security: ['errors', 'lib', 'store', 'shared-state', 'kernel', 'accounts', 'mailbox'],
  transport: ['errors', 'lib', 'store', 'shared-state', 'kernel', 'accounts', 'mailbox'],
  server: ['errors', 'lib', 'config', 'shared-state', 'kernel', 'accounts', 'security', 'mailbox', 'transport', 'proto'],
  'web/api': ['errors', 'lib', 'config', 'shared-state', 'kernel', 'accounts', 'security', 'mailbox', 'transport'],
  'web/app': [],
  cli: ['errors', 'lib', 'config', 'kernel', 'accounts', 'security', 'mailbox', 'transport', 'main.ts', 'serve.ts', 'cluster.ts', 'logger.ts', 'server'],
};

/**
 * The doors (the protocol servers and the JSON API) reach these layers only through their
 * index.ts: the public values and services, never a row type or another internal.
 */
const DOORS = ['server', 'web/api'];
const THROUGH_INDEX = ['accounts'];

const SRC = path.resolve('src');

/** The layer a file under src/ belongs to ('web/api' and 'web/app' are layers of their own), or its file name at the top. */
function layerOf(file) {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  if (parts.length === 1) return parts[0].replace(/\.js$/, '.ts');
  if (parts[0] === 'web' && parts.length > 2) return `web/${parts[1]}`;
  return parts[0];
}

/**
 * A rule of our own rather than a plugin: it needs no module resolver, only the relative path of
 * each import, which is all the layering depends on.
 */
const layeringRule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      arrow: 'DESIGN.md: src/{{from}} may import only {{allowed}} (not src/{{to}}).',
      index: 'DESIGN.md: a door reaches src/{{to}} only through src/{{to}}/index.ts (not {{source}}).',
    },
  },
  create(context) {
    // Tests may build fixtures from any layer; the arrows bind production code.
    if (/\.test\.tsx?$/.test(context.filename) || /-test-support\.ts$/.test(context.filename)) return {};
    const from = layerOf(context.filename);
    const allowed = from && LAYERS[from];
    if (!allowed) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), source);
      const to = layerOf(target);
      if (to !== undefined && to !== from && DOORS.includes(from) && THROUGH_INDEX.includes(to) && path.relative(path.join(SRC, to), target) !== 'index.js') {
        context.report({ node: node.source, messageId: 'index', data: { to, source } });
        return;
      }
      if (to === undefined || to === from || allowed.includes(to)) return;
      context.report({ node: node.source, messageId: 'arrow', data: { from, to, allowed: allowed.length ? allowed.join(', ') : 'nothing of ours' } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'src/web/app/dist/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { mailward: { rules: { layering: layeringRule } } },
    rules: {
      'mailward/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
    },
  },
);
