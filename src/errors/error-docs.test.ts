// Keeps docs/errors.md and ERROR_CODES in step: every code documented, no documented code that is gone.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './index.js';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** A code as the page writes it: `SCREAMING_SNAKE` in backticks. */
const CODE = /`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`/g;

/**
 * The codes the page lists: backticked codes in headings, and table cells that hold one code and
 * nothing else. Codes merely mentioned in prose are not listings (they may name a code in passing).
 */
function listedCodes(markdown: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    if (/^#{1,6}\s/.test(line)) {
      for (const match of line.matchAll(CODE)) found.add(match[1]!);
    } else if (/^\s*\|/.test(line)) {
      const cells = line.trim().replace(/^\||\|$/g, '').split('|');
      for (const cell of cells) {
        const only = /^`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`$/.exec(cell.trim());
        if (only) found.add(only[1]!);
      }
    }
  }
  return found;
}

describe('docs/errors.md', () => {
  const markdown = fs.readFileSync(DOC, 'utf8');
  const listed = listedCodes(markdown);
  const codes = Object.keys(ERROR_CODES);

  it('lists every code of ERROR_CODES as a heading or a table cell', () => {
    const missing = codes.filter((code) => !listed.has(code));
    expect(missing, `add these codes to docs/errors.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('lists no code that ERROR_CODES no longer has', () => {
    const stale = [...listed].filter((code) => !Object.hasOwn(ERROR_CODES, code));
    expect(stale, `remove or rename these codes in docs/errors.md: ${stale.join(', ')}`).toEqual([]);
  });

  it('finds codes in headings and in table cells alike (the check above is not vacuous)', () => {
    const sample = ['### `AUTH_FAILED`', '| `LIMIT` | a limit |', 'prose mentioning `NOT_FOUND` only', '```', '| `TOO_BIG` |', '```'].join('\n');
    expect([...listedCodes(sample)].sort()).toEqual(['AUTH_FAILED', 'LIMIT']);
  });
});
