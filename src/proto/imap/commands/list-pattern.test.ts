import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileListPattern } from './list-pattern.js';
import type { MailboxNaming } from './list-pattern.js';

const SLASH: MailboxNaming = { delimiter: '/', maxNameBytes: 512 };

function matching(reference: string, pattern: string, names: readonly string[], naming = SLASH): string[] {
  const compiled = compileListPattern(reference, pattern, naming);
  return names.filter((name) => compiled.matches(name));
}

/** The same matching by regular expression: `*` is anything, `%` anything but the delimiter. */
function reference(pattern: string, name: string): boolean {
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

describe('LIST patterns (RFC 3501 §6.3.8)', () => {
  const names = ['INBOX', 'INBOX/Receipts', 'foo', 'foobar', 'foo/bar', 'foo/bar/baz', '~/Mail/foo', '~/Mail/foo/bar', 'Archive'];

  it('"*" matches every name and "%" only the top level', () => {
    expect(matching('', '*', names)).toEqual(names);
    expect(matching('', '%', names)).toEqual(['INBOX', 'foo', 'foobar', 'Archive']);
  });

  it('reads RFC 3501 §6.3.8: "foo*" reaches below foo, "foo%" does not', () => {
    expect(matching('', 'foo*', names)).toEqual(['foo', 'foobar', 'foo/bar', 'foo/bar/baz']);
    expect(matching('', 'foo%', names)).toEqual(['foo', 'foobar']);
    expect(matching('', 'foo/%', names)).toEqual(['foo/bar']);
  });

  it('joins the reference and the pattern (RFC 3501 §6.3.8: LIST ~/Mail/ %)', () => {
    const compiled = compileListPattern('~/Mail/', '%', SLASH);
    expect(compiled.canonical).toBe('~/Mail/%');
    expect(names.filter((n) => compiled.matches(n))).toEqual(['~/Mail/foo']);
  });

  it('compares INBOX and its first level in any case (RFC 3501 §5.1), other names exactly', () => {
    expect(matching('', 'inbox', names)).toEqual(['INBOX']);
    expect(matching('', 'Inbox/%', names)).toEqual(['INBOX/Receipts']);
    expect(matching('', 'inbox/receipts', names)).toEqual([]);
    expect(matching('', 'ARCHIVE', names)).toEqual([]);
    expect(matching('', 'INBOX', ['INBOXES'])).toEqual([]);
  });

  it('lists levels that are not mailboxes only for a pattern ending in "%"', () => {
    expect(compileListPattern('', 'foo/%', SLASH).listsLevels).toBe(true);
    expect(compileListPattern('', 'foo/*', SLASH).listsLevels).toBe(false);
    expect(compileListPattern('', 'foo', SLASH).listsLevels).toBe(false);
    expect(compileListPattern('', 'foo%*%', SLASH).listsLevels).toBe(false);
  });

  it('stops "%" at the delimiter the server names, and matches nothing longer than its longest name', () => {
    const dotted: MailboxNaming = { delimiter: '.', maxNameBytes: 8 };
    expect(matching('', '%', ['a', 'a.b', 'a/b'], dotted)).toEqual(['a', 'a/b']);
    expect(matching('', 'INBOX.%', ['INBOX.x', 'inbox.y'], dotted)).toEqual(['INBOX.x', 'inbox.y']);
    expect(matching('', `${'x'.repeat(9)}*`, ['x'.repeat(9)], dotted)).toEqual([]);
    expect(matching('', `${'x'.repeat(8)}*`, ['x'.repeat(8)], dotted)).toEqual(['x'.repeat(8)]);
  });

  it('matches a hostile pattern in time proportional to pattern and name', () => {
    const pattern = `${'*%'.repeat(200)}a`;
    const name = `${'b/'.repeat(200)}c`;
    const started = performance.now();
    expect(matching('', pattern, [name])).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('agrees with a regular expression on any pattern and name without INBOX', () => {
    const text = (alphabet: string): fc.Arbitrary<string> => fc.array(fc.constantFrom(...alphabet), { maxLength: 10 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text('ab/*%'), text('ab/'), (pattern, name) => {
        expect(compileListPattern('', pattern, SLASH).matches(name)).toBe(reference(pattern, name));
      }),
      { numRuns: 2000 },
    );
  });
});
