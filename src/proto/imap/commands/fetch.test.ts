import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestOf, requestWhateverTheSplit, syntaxErrorOf } from '../imap-test-support.js';
import type { FetchItem } from './fetch-items.js';
import type { FetchRequest } from './fetch.js';
import { FETCH, UID_FETCH } from './fetch.js';
import type { IMAPCommandSpec } from './imap-command-spec.js';

const grammarOf = (text: string | Buffer): IMAPCommandSpec<FetchRequest> => (/^\S+ UID /i.test(text.toString()) ? UID_FETCH : FETCH);
const fetch = (text: string, enabled: readonly string[] = []): FetchRequest => requestOf(grammarOf(text), text, enabled);
const fetchError = (text: string, enabled: readonly string[] = []): string | undefined => syntaxErrorOf(grammarOf(text), text, enabled);

describe('FETCH grammar', () => {
  it('expands the macros ALL, FAST and FULL (RFC 3501 §6.4.5)', () => {
    expect(fetch('a FETCH 1 ALL\r\n').items).toEqual([{ kind: 'flags' }, { kind: 'internaldate' }, { kind: 'size' }, { kind: 'envelope' }]);
    expect(fetch('a FETCH 1 fast\r\n').items).toEqual([{ kind: 'flags' }, { kind: 'internaldate' }, { kind: 'size' }]);
    expect(fetch('a FETCH 1 FULL\r\n').items).toEqual([{ kind: 'flags' }, { kind: 'internaldate' }, { kind: 'size' }, { kind: 'envelope' }, { kind: 'body-plain' }]);
  });

  it('reads one item without parentheses and every simple item', () => {
    expect(fetch('a FETCH 1:* UID\r\n').items).toEqual([{ kind: 'uid' }]);
    expect(fetch('a FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY MODSEQ)\r\n').items.map((i) => i.kind)).toEqual([
      'uid',
      'flags',
      'internaldate',
      'size',
      'envelope',
      'bodystructure',
      'body-plain',
      'modseq',
    ]);
  });

  it('labels sections as the response must name them (RFC 3501 §7.4.2: only the origin octet of a partial)', () => {
    const items = fetch('a FETCH 1 (BODY.PEEK[1.2.HEADER]<0.100> BODY[] BODY[2] BODY[3.MIME] BODY[TEXT]<5.10> BODY.PEEK[HEADER.FIELDS.NOT (Received x-foo)])\r\n').items;
    expect(items).toEqual<FetchItem[]>([
      { kind: 'body', section: { kind: 'header', part: '1.2' }, partial: { start: 0, length: 100 }, peek: true, name: 'BODY[1.2.HEADER]<0>' },
      { kind: 'body', section: { kind: 'full' }, peek: false, name: 'BODY[]' },
      { kind: 'body', section: { kind: 'part', part: '2' }, peek: false, name: 'BODY[2]' },
      { kind: 'body', section: { kind: 'mime', part: '3' }, peek: false, name: 'BODY[3.MIME]' },
      { kind: 'body', section: { kind: 'text', part: '' }, partial: { start: 5, length: 10 }, peek: false, name: 'BODY[TEXT]<5>' },
      { kind: 'body', section: { kind: 'fields', part: '', names: ['received', 'x-foo'], not: true }, peek: true, name: 'BODY[HEADER.FIELDS.NOT (RECEIVED X-FOO)]' },
    ]);
  });

  it('quotes a header field name that is not an atom when it labels the section', () => {
    expect(fetch('a FETCH 1 BODY[HEADER.FIELDS ("x]y")]\r\n').items[0]).toMatchObject({ name: 'BODY[HEADER.FIELDS ("X]Y")]' });
  });

  it('reads the RFC822 forms as the BODY sections they stand for (RFC 3501 §6.4.5)', () => {
    expect(fetch('a FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT)\r\n').items).toEqual([
      { kind: 'body', section: { kind: 'full' }, peek: false, name: 'RFC822' },
      { kind: 'body', section: { kind: 'header', part: '' }, peek: true, name: 'RFC822.HEADER' },
      { kind: 'body', section: { kind: 'text', part: '' }, peek: false, name: 'RFC822.TEXT' },
    ]);
  });

  it('reads BINARY, BINARY.PEEK and BINARY.SIZE (RFC 3516 §4)', () => {
    expect(fetch('a FETCH 1 (BINARY[1.2] BINARY.PEEK[]<0.1024> BINARY.SIZE[3])\r\n').items).toEqual([
      { kind: 'binary', part: '1.2', peek: false, name: 'BINARY[1.2]' },
      { kind: 'binary', part: '', partial: { start: 0, length: 1024 }, peek: true, name: 'BINARY[]<0>' },
      { kind: 'binary-size', part: '3', name: 'BINARY.SIZE[3]' },
    ]);
  });

  it('reads the UID form and the CHANGEDSINCE and VANISHED modifiers (RFC 7162 §3.1.4.1, §3.2.6)', () => {
    expect(fetch('s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n', ['QRESYNC'])).toEqual({
      tag: 's100',
      name: 'UID FETCH',
      uid: true,
      set: [{ start: 300, end: 500 }],
      items: [{ kind: 'flags' }],
      changedSince: 12345,
      vanished: true,
    });
    expect(fetch('a FETCH 1:* (FLAGS) (CHANGEDSINCE 2)\r\n')).toMatchObject({ changedSince: 2, vanished: false });
  });

  it('answers VANISHED without UID FETCH, QRESYNC or CHANGEDSINCE with a BAD (RFC 7162 §3.2.6)', () => {
    const message = 'VANISHED needs UID FETCH, ENABLE QRESYNC and CHANGEDSINCE';
    expect(fetchError('a FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n', ['QRESYNC'])).toBe(message);
    expect(fetchError('a UID FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n')).toBe(message);
    expect(fetchError('a UID FETCH 1 (FLAGS) (VANISHED)\r\n', ['QRESYNC'])).toBe(message);
  });


  it('reads the items before the set, so a bad item is named even when the set is bad too', () => {
    expect(fetchError('a FETCH INBOX NOPE\r\n')).toBe('Unknown FETCH item NOPE');
  });

  it('gives the same request however the bytes were split (literals in a field list included)', () => {
    const text = 't1 UID FETCH 1:3,7 (UID BODY.PEEK[HEADER.FIELDS ({4}\r\nDATE FROM)]<0.64> BINARY.SIZE[1]) (CHANGEDSINCE 9)\r\n';
    expect(requestWhateverTheSplit(UID_FETCH, text)).toMatchObject({ set: [{ start: 1, end: 3 }, { start: 7, end: 7 }], changedSince: 9 });
  });

  it('reads back any list of simple items and sections it is given', () => {
    const simple = fc.constantFrom('UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'MODSEQ');
    const part = fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 3 }).map((n) => n.join('.'));
    const section = fc.oneof(
      fc.constant(''),
      part,
      part.map((p) => `${p}.MIME`),
      fc.constantFrom('HEADER', 'TEXT'),
      fc.constantFrom('HEADER.FIELDS', 'HEADER.FIELDS.NOT').map((s) => `${s} (SUBJECT)`),
    );
    const body = fc.tuple(fc.constantFrom('BODY', 'BODY.PEEK'), section).map(([name, s]) => `${name}[${s}]`);
    fc.assert(
      fc.property(fc.array(fc.oneof(simple, body), { minLength: 1, maxLength: 6 }), (items) => {
        const request = fetch(`a FETCH 1 (${items.join(' ')})\r\n`);
        expect(request.items).toHaveLength(items.length);
        request.items.forEach((item, i) => {
          if (item.kind === 'body') expect(item.name).toBe(items[i]!.replace('.PEEK', ''));
        });
      }),
    );
  });
});
