// Loads Mailward's configuration from a TOML file and MAILWARD_* environment variables, validated by CONFIG_SCHEMA.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseTOML, TomlError } from 'smol-toml';
import { z } from 'zod';
import { MailwardError } from '../errors/index.js';
import { CONFIG_EXPECTED_FORMS, CONFIG_SCHEMA, type MailwardConfig } from './config-schema.js';

export interface LoadConfigOptions {
  /** A TOML file to read. Named explicitly, it must exist; without it every key has its default. */
  file?: string | undefined;
  /** Environment to read MAILWARD_* overrides from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Every configuration environment variable starts with this. */
export const CONFIG_ENV_PREFIX = 'MAILWARD_';

/**
 * MAILWARD_* variables that are not configuration keys and are read elsewhere: the data directory
 * and the config file (found by the CLI), and the server key that encrypts stored secrets.
 */
export const RESERVED_ENV_VARS: readonly string[] = ['MAILWARD_DATA', 'MAILWARD_CONFIG', 'MAILWARD_SECRET_KEY'];

/** One leaf key of the schema, as seen by the loader. */
interface ConfigLeaf {
  /** Dotted key, e.g. "listeners.smtp.port". */
  key: string;
  path: readonly string[];
  envVar: string;
  /** The zod type after defaults are unwrapped: "string", "number", "boolean" or "enum". */
  type: string;
  expected: string;
  secret: boolean;
}

/** The inner schema under default/prefault wrappers, with the expected-form metadata met on the way. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; meta: { expected?: string; secret?: boolean } } {
  let inner = schema;
  let meta = CONFIG_EXPECTED_FORMS.get(inner) ?? {};
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) {
    inner = inner.unwrap() as z.ZodType;
    meta = { ...CONFIG_EXPECTED_FORMS.get(inner), ...meta };
  }
  return { inner, meta };
}

/** Walks the schema's objects and lists every leaf key; the env mapping is derived from this, not written by hand. */
function collectLeaves(schema: z.ZodType, prefix: readonly string[]): ConfigLeaf[] {
  const { inner, meta } = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([name, child]) =>
      collectLeaves(child, [...prefix, name]),
    );
  }
  const key = prefix.join('.');
  if (meta.expected === undefined) {
    // A programming error: every leaf must say what it expects, or its errors would be vague.
    throw new Error(`config schema: leaf ${key} has no expected form`);
  }
  return [
    {
      key,
      path: prefix,
      envVar: CONFIG_ENV_PREFIX + prefix.join('_').toUpperCase(),
      type: inner.def.type,
      expected: meta.expected,
      secret: meta.secret === true,
    },
  ];
}

const CONFIG_LEAVES = collectLeaves(CONFIG_SCHEMA, []);
const LEAVES_BY_KEY = new Map(CONFIG_LEAVES.map((leaf) => [leaf.key, leaf]));
const LEAVES_BY_ENV_VAR = new Map(CONFIG_LEAVES.map((leaf) => [leaf.envVar, leaf]));

// Underscores in key names make "a_b.c" and "a.b_c" the same variable; refuse such a schema at
// load time rather than let one of the two keys be silently unreachable from the environment.
if (LEAVES_BY_ENV_VAR.size !== CONFIG_LEAVES.length || CONFIG_LEAVES.some((leaf) => RESERVED_ENV_VARS.includes(leaf.envVar))) {
  throw new Error('config schema: two keys (or a key and a reserved variable) map to the same MAILWARD_* variable');
}

/** Environment variable name → dotted config key, for every leaf key (for docs, `--help` and tests). */
export const CONFIG_ENV_VARS: ReadonlyMap<string, string> = new Map(
  CONFIG_LEAVES.map((leaf) => [leaf.envVar, leaf.key]),
);

/** Booleans as written in environments; anything else is an error rather than a guess. */
const ENV_BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['on', true],
  ['1', true],
  ['false', false],
  ['off', false],
  ['0', false],
]);

/**
 * Reads, merges and validates the configuration: defaults, then the TOML file, then MAILWARD_*
 * variables (the environment wins). Throws MailwardError CONFIG_INVALID with a one-line message
 * naming the key, variable or file, and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): MailwardConfig {
  const env = options.env ?? process.env;
  const file = options.file === undefined ? undefined : resolveFile(options.file);
  const raw: Record<string, unknown> = file === undefined ? {} : readConfigFile(file);
  const fromEnv = applyEnv(raw, env);

  const result = CONFIG_SCHEMA.safeParse(raw);
  if (result.success) return result.data;
  // One line, one problem. An unknown key goes first: a typo is the likeliest cause of the rest.
  const issues = result.error.issues;
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  throw configError(issue === undefined ? 'invalid configuration' : describeIssue(issue, { raw, fromEnv, file }));
}

/** The error every loader failure throws; the message is masked once more as a last line of defence. */
function configError(message: string, cause?: unknown): MailwardError {
  return new MailwardError('CONFIG_INVALID', { message: maskSecrets(`config: ${message}`), cause });
}

function resolveFile(file: string): string {
  // An empty name (e.g. MAILWARD_CONFIG="") is a mistake, not a request for defaults: the admin
  // meant some file, and running on defaults would quietly ignore their settings.
  if (file.trim() === '') throw configError('the configuration file name is empty');
  return path.resolve(file);
}

/** Reads and parses the TOML file into a plain table. */
function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'read error');
    throw configError(`cannot read ${file}: ${reason}`);
  }
  try {
    // Editors on Windows may write a byte-order mark, which TOML does not allow.
    return parseTOML(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      // Only the first line: the rest is a code excerpt, which may show a password on that line.
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw configError(`cannot parse ${file}: ${reason} (line ${error.line}, column ${error.column})`);
    }
    throw configError(`cannot parse ${file}`, error);
  }
}

/** Where a value set from the environment came from, for error messages. */
interface EnvSource {
  envVar: string;
  value: string;
}

/** Writes every MAILWARD_* override into `raw` and returns key → source for the keys it set. */
function applyEnv(raw: Record<string, unknown>, env: Record<string, string | undefined>): Map<string, EnvSource> {
  const sources = new Map<string, EnvSource>();
  for (const [envVar, value] of Object.entries(env)) {
    if (!envVar.startsWith(CONFIG_ENV_PREFIX) || value === undefined || RESERVED_ENV_VARS.includes(envVar)) continue;
    const leaf = LEAVES_BY_ENV_VAR.get(envVar);
    // A misspelt variable must not be ignored: MAILWARD_LISTENER_POP3_ENABLED=false would leave POP3 open.
    if (leaf === undefined) throw configError(`unknown environment variable ${envVar}`);
    setIn(raw, leaf.path, convertEnvValue(leaf, value));
    sources.set(leaf.key, { envVar, value });
  }
  return sources;
}

/** Converts an environment string by the leaf's type; the schema then checks ranges and choices. */
function convertEnvValue(leaf: ConfigLeaf, value: string): unknown {
  const invalid = (): MailwardError =>
    configError(`${leaf.envVar}: expected ${leaf.expected}, got ${render(value, { secret: leaf.secret })}`);
  switch (leaf.type) {
    case 'number':
      // Strictly digits: Number() would accept "", " 25", "0x19" and "1e3". Every numeric key is an integer.
      if (!/^\d+$/.test(value)) throw invalid();
      return Number(value);
    case 'boolean': {
      const parsed = ENV_BOOLEANS.get(value);
      if (parsed === undefined) throw invalid();
      return parsed;
    }
    case 'array':
      // Comma-separated; "" is the empty list.
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return value;
  }
}

/** Sets `value` at `keyPath`, creating tables; leaves a non-table parent alone for the schema to report. */
function setIn(target: Record<string, unknown>, keyPath: readonly string[], value: unknown): void {
  let table = target;
  for (const [index, name] of keyPath.entries()) {
    if (index === keyPath.length - 1) {
      table[name] = value;
      return;
    }
    const next = table[name] ?? (table[name] = {});
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    table = next as Record<string, unknown>;
  }
}

function valueAt(target: unknown, keyPath: readonly string[]): unknown {
  let value = target;
  for (const name of keyPath) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

interface IssueContext {
  raw: Record<string, unknown>;
  fromEnv: Map<string, EnvSource>;
  file: string | undefined;
}

/** One line for one zod issue: the key (or the variable that set it), the expected form, the value seen. */
function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): string {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((name) => JSON.stringify([...keyPath, name].join('.')));
    const where = context.file === undefined ? '' : ` (in ${context.file})`;
    return `unknown key${names.length === 1 ? '' : 's'} ${names.join(', ')}${where}`;
  }
  const key = keyPath.length === 0 ? '(top level)' : keyPath.join('.');
  if (issue.code === 'custom' && issue.params?.['crossField'] === true) return `${key}: ${issue.message}`;

  const leaf = LEAVES_BY_KEY.get(key);
  const source = context.fromEnv.get(key);
  const expected = leaf?.expected ?? (unwrap(schemaAt(keyPath) ?? z.never()).inner instanceof z.ZodObject ? 'a table' : undefined);
  if (expected === undefined) return `${key}: ${issue.message}`;
  const got = source === undefined ? valueAt(context.raw, keyPath) : source.value;
  return `${source?.envVar ?? key}: expected ${expected}, got ${render(got, { secret: leaf?.secret === true })}`;
}

/** The schema at a dotted path, through default wrappers; undefined where the schema has no such key. */
function schemaAt(keyPath: readonly string[]): z.ZodType | undefined {
  let schema: z.ZodType = CONFIG_SCHEMA;
  for (const name of keyPath) {
    const { inner } = unwrap(schema);
    if (!(inner instanceof z.ZodObject)) return undefined;
    const child = (inner.shape as Record<string, z.ZodType | undefined>)[name];
    if (child === undefined) return undefined;
    schema = child;
  }
  return schema;
}

/** A value as it appears in a message: JSON, one line, short, with credentials masked. */
function render(value: unknown, options: { secret?: boolean } = {}): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = maskSecrets(text);
  // A secret that is not a URL ("user:pw@host") is not caught by the URL rule: hide all before "@".
  if (options.secret === true && !text.includes('***') && text.includes('@')) {
    text = `"***${text.slice(text.lastIndexOf('@'))}`;
  }
  // Mask before shortening, so a cut never leaves part of a password behind its mask.
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * Masks the password of every URL in `text` ("postgres://user:***@host/db") and `password=`
 * query parameters. Greedy up to the last "@" so a password holding an unencoded "@" is masked whole.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"]*:)[^\s"]*@/gi, '$1***@')
    .replace(/([?&]password=)[^&\s"]*/gi, '$1***');
}
