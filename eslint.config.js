// Lint rules, including the import arrows of docs/architecture.md ("Dependencies point down only").
import path from 'node:path';
import tseslint from 'typescript-eslint';

/** Each layer under src/ and the layers of ours it may import (besides itself). */
const LAYERS = {
  // The API contract: zod schemas only, shared by the server and the browser's bundle.
  'web/contract': [],
  // Owns nothing of its own but the error class: the code set is the contract's.
  errors: ['web/contract'],
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
  'web/api': ['errors', 'lib', 'config', 'shared-state', 'kernel', 'accounts', 'security', 'mailbox', 'transport', 'web/contract'],
  'web/app': ['web/contract'],
  // The composition root: opens the core, starts the doors, schedules the jobs.
  app: ['errors', 'lib', 'config', 'shared-state', 'store', 'kernel', 'accounts', 'security', 'mailbox', 'transport', 'server', 'web/api', 'web/contract'],
  cli: ['errors', 'lib', 'config', 'kernel', 'accounts', 'security', 'mailbox', 'transport', 'app'],
};

/**
 * Arrows that carry types only, save from the files named: the webmail's bundle must not grow by
 * the contract's schemas (and zod with them), only by its error texts and limits.
 */
const TYPES_ONLY = { 'web/app': { 'web/contract': ['error-codes.js', 'limits.js'] } };

/**
 * The doors (the protocol servers and the JSON API) reach these layers only through their
 * index.ts: the public values and services, never a row type or another internal.
 */
const DOORS = ['server', 'web/api'];
const THROUGH_INDEX = ['accounts'];

const SRC = path.resolve('src');

/** The layer a file under src/ belongs to ('web/api', 'web/app' and 'web/contract' are layers of their own), or its file name at the top. */
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
      arrow: 'docs/architecture.md: src/{{from}} may import only {{allowed}} (not src/{{to}}).',
      index: 'docs/architecture.md: a door reaches src/{{to}} only through src/{{to}}/index.ts (not {{source}}).',
      topLevel: 'docs/architecture.md: src/{{file}} belongs in a layer folder (the composition root is src/app/).',
      typesOnly: 'src/{{from}} may import only types from src/{{to}} (values only from {{files}}).',
    },
  },
  create(context) {
    // Tests may build fixtures from any layer; the arrows bind production code.
    if (/\.test\.tsx?$/.test(context.filename) || /-test-support\.ts$/.test(context.filename)) return {};
    const from = layerOf(context.filename);
    if (from !== undefined && !from.includes('/') && from.endsWith('.ts') && !LAYERS[from]) {
      // Every file belongs to a layer folder: a file at the top of src/ would sit outside every arrow.
      return { Program: (node) => context.report({ node, messageId: 'topLevel', data: { file: from } }) };
    }
    const allowed = from && LAYERS[from];
    if (!allowed) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), source);
      const to = layerOf(target);
      if (to === undefined || to === from) return;
      if (DOORS.includes(from) && THROUGH_INDEX.includes(to) && path.relative(path.join(SRC, to), target) !== 'index.js') {
        context.report({ node: node.source, messageId: 'index', data: { to, source } });
        return;
      }
      const typesOnly = TYPES_ONLY[from]?.[to];
      if (typesOnly && allowed.includes(to)) {
        const onlyTypes = node.importKind === 'type' || node.exportKind === 'type';
        if (!onlyTypes && !typesOnly.some((file) => source.endsWith(`/${file}`))) {
          context.report({ node: node.source, messageId: 'typesOnly', data: { from, to, files: typesOnly.join(', ') } });
        }
        return;
      }
      if (allowed.includes(to)) return;
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
