// The webmail's languages: every catalogue has every key with the same placeholders, every key the pages use exists, and no page carries words of its own outside the catalogues.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';

const APP = path.resolve('src/web/app');

type Tree = { [key: string]: string | Tree };

interface Resources {
  LANGUAGES: readonly string[];
  TRANSLATIONS: Record<string, Tree>;
  pickLanguage(tags: readonly string[]): string;
}

let resources: Resources;

beforeAll(async () => {
  // Loaded by URL: the webmail is its own TypeScript program (bundler imports), not the server's.
  resources = (await import(pathToFileURL(path.join(APP, 'i18n', 'resources.ts')).href)) as Resources;
});

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else for (const [k, v] of leaves(value, name)) out.set(k, v);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

/** The tags of <Trans> components (<strong>…</strong>): a translation must keep them. */
function tags(text: string): string[] {
  return [...text.matchAll(/<\/?([a-z0-9]+)>/g)].map((m) => m[0]).sort();
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'i18n') out.push(...sourceFiles(full));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

describe('webmail catalogues', () => {
  it('has English, Traditional Chinese and Simplified Chinese', () => {
    expect(resources.LANGUAGES).toEqual(['en', 'zh-TW', 'zh-CN']);
  });

  it('gives every language exactly the English keys, with the same placeholders and tags, none empty', () => {
    const en = leaves(resources.TRANSLATIONS['en'] ?? {});
    expect(en.size).toBeGreaterThan(100);
    for (const language of resources.LANGUAGES) {
      const other = leaves(resources.TRANSLATIONS[language] ?? {});
      expect([...other.keys()].sort(), language).toEqual([...en.keys()].sort());
      for (const [key, text] of en) {
        const translated = other.get(key) ?? '';
        expect(translated.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(translated), `${language} ${key}`).toEqual(placeholders(text));
        expect(tags(translated), `${language} ${key}`).toEqual(tags(text));
      }
    }
  });

  it('says every error code of docs/errors.md in every language', () => {
    for (const language of resources.LANGUAGES) {
      const errors = leaves(resources.TRANSLATIONS[language] ?? {});
      for (const code of Object.keys(ERROR_CODES)) expect(errors.has(`common.errors.${code}`), `${language} ${code}`).toBe(true);
    }
  });

  it('has every key a page asks for', () => {
    const en = leaves(resources.TRANSLATIONS['en'] ?? {});
    const exists = (key: string): boolean => en.has(key) || (en.has(`${key}_one`) && en.has(`${key}_other`));
    const missing: string[] = [];
    let used = 0;
    for (const file of sourceFiles(APP)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([^'$]+)'|i18nKey="([^"]+)"/g)) {
        const key = match[1] ?? match[2] ?? '';
        used += 1;
        if (!exists(key)) missing.push(`${path.relative(APP, file)}: ${key}`);
      }
    }
    expect(used).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

/** Attributes a user reads or hears. */
const SPOKEN_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label', 'hint']);
/** Names that are the same in every language. */
const UNTRANSLATED = new Set(['Mailward', 'SMTP', 'POP3', 'IMAP4', 'IMAP', 'TOTP', 'URL']);

function hasWords(text: string): boolean {
  const trimmed = text.trim();
  return /\p{L}{2,}/u.test(trimmed) && !UNTRANSLATED.has(trimmed);
}

/** Words in one .tsx file that a user would see but that do not come from a catalogue. */
function hardCoded(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found = new Map<number, string>();
  const report = (node: ts.Node, text: string): void => {
    if (!found.has(node.getStart())) found.set(node.getStart(), `${path.relative(APP, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${text}`);
  };
  // Strings a JSX child expression shows ({open ? 'Open' : 'Closed'}), not those passed to calls (t('key')).
  const shown = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (hasWords(node.text)) report(node, `"${node.text}"`);
    } else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
      if (hasWords(parts)) report(node, `\`${parts}\``);
    } else if (ts.isConditionalExpression(node)) {
      shown(node.whenTrue);
      shown(node.whenFalse);
    } else if (ts.isBinaryExpression(node) || ts.isParenthesizedExpression(node)) {
      ts.forEachChild(node, shown);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) report(node, `"${node.text.trim()}"`);
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) shown(node.expression);
    if (ts.isJsxAttribute(node) && SPOKEN_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      if (ts.isStringLiteral(node.initializer)) {
        if (hasWords(node.initializer.text)) report(node.initializer, `${node.name.getText()}="${node.initializer.text}"`);
      } else if (ts.isJsxExpression(node.initializer) && node.initializer.expression) {
        shown(node.initializer.expression);
      }
    }
    // A sentence in a constant ("Mark unread", "Nothing here yet.") is a UI string as well.
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^\p{Lu}\p{Ll}+( \p{L}+)+[.!?…]?$/u.test(node.text)) {
      report(node, `"${node.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found.values()];
}

describe('webmail pages', () => {
  it('carry no words of their own: every text comes from the catalogues', () => {
    const files = sourceFiles(APP);
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap(hardCoded);
    expect(found).toEqual([]);
  });

  it('the hard-coded check finds what it should (it can fail)', () => {
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-i18n-')), 'probe.tsx');
    fs.writeFileSync(probe, "export const X = () => <p title=\"Some title\">Hello there {ok ? 'Open' : 'Closed'}</p>;\nconst Y = 'Mark unread';\n");
    try {
      expect(hardCoded(probe)).toHaveLength(5);
    } finally {
      fs.rmSync(probe);
    }
  });
});

describe('pickLanguage', () => {
  it('follows the browser: Taiwan, Hong Kong and traditional script are zh-TW, other Chinese zh-CN, else English', () => {
    const pick = (tags: string[]): string => resources.pickLanguage(tags);
    expect(pick(['zh-TW', 'en'])).toBe('zh-TW');
    expect(pick(['zh-HK'])).toBe('zh-TW');
    expect(pick(['zh-Hant-TW'])).toBe('zh-TW');
    expect(pick(['zh-CN'])).toBe('zh-CN');
    expect(pick(['zh'])).toBe('zh-CN');
    expect(pick(['zh-Hans-SG'])).toBe('zh-CN');
    expect(pick(['fr-FR', 'zh-TW'])).toBe('zh-TW');
    expect(pick(['en-GB', 'zh-CN'])).toBe('en');
    expect(pick(['de-DE'])).toBe('en');
    expect(pick([])).toBe('en');
  });
});
