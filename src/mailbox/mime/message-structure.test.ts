// Tests parseMessageStructure: part trees, byte ranges that serve IMAP BODY[section], and malformed input a mail server receives.
import { describe, expect, it } from 'vitest';
import { findMIMEPart, MAX_MIME_DEPTH, MAX_MIME_PARTS, parseMessageStructure, type MIMEPart } from './index.js';

/** The nested message of the Dovecot comparison: multipart/mixed > [text, message/rfc822 > multipart/alternative > [html, plain]]. */
const NESTED = `From: user@domain.org
Subject: nested
Content-Type: multipart/mixed; boundary="foo bar"

Root MIME prologue

--foo bar
Content-Type: text/x-myown; charset=us-ascii

hello

--foo bar
Content-Type: message/rfc822

From: sub@domain.org
Subject: submsg
Content-Type: multipart/alternative; boundary="sub1"

Sub MIME prologue
--sub1
Content-Type: text/html
Content-Transfer-Encoding: 8bit

<p>Hello world</p>

--sub1
Content-Type: text/plain

Hello another world

--sub1--
Sub MIME epilogue

--foo bar--
Root MIME epilogue
`;

function parse(text: string, options: { lineEnding?: '\r\n' | '\n' } = {}): { raw: Buffer; root: MIMEPart } {
  const raw = Buffer.from(text.replace(/\r?\n/g, options.lineEnding ?? '\r\n'), 'utf8');
  return { raw, root: parseMessageStructure(raw).root };
}

function slice(raw: Buffer, start: number, end: number): string {
  return raw.toString('utf8', start, end);
}

/** What IMAP returns for BODY[section] of the message, computed from the cached ranges. */
function section(raw: Buffer, root: MIMEPart, spec: string): string | null {
  if (spec === 'HEADER') return slice(raw, root.headerStart, root.headerEnd);
  if (spec === 'TEXT') return slice(raw, root.bodyStart, root.bodyEnd);
  const match = /^([\d.]+?)(?:\.(MIME|HEADER|TEXT))?$/.exec(spec);
  const part = match === null ? null : findMIMEPart(root, match[1] as string);
  if (match === null || part === null) return null;
  const embedded = part.children[0];
  switch (match[2]) {
    case 'MIME':
      return slice(raw, part.headerStart, part.headerEnd);
    case 'HEADER':
      return embedded === undefined ? null : slice(raw, embedded.headerStart, embedded.headerEnd);
    case 'TEXT':
      return embedded === undefined ? null : slice(raw, embedded.bodyStart, embedded.bodyEnd);
    default:
      return slice(raw, part.bodyStart, part.bodyEnd);
  }
}

function shape(part: MIMEPart): unknown {
  const kind = `${part.path || '(root)'} ${part.type}/${part.subtype}`;
  return part.children.length === 0 ? kind : [kind, part.children.map(shape)];
}

describe('parseMessageStructure', () => {
  for (const lineEnding of ['\r\n', '\n'] as const) {
    const name = lineEnding === '\r\n' ? 'CRLF' : 'bare LF';
    it(`gives the exact bytes of BODY[n], BODY[n.MIME], n.HEADER and n.TEXT of a nested message (${name})`, () => {
      const { raw, root } = parse(NESTED, { lineEnding });
      const n = (text: string): string => text.replace(/\n/g, lineEnding);
      expect(shape(root)).toEqual([
        '(root) multipart/mixed',
        ['1 text/x-myown', ['2 message/rfc822', [['2 multipart/alternative', ['2.1 text/html', '2.2 text/plain']]]]],
      ]);
      expect(section(raw, root, 'HEADER')).toBe(n('From: user@domain.org\nSubject: nested\nContent-Type: multipart/mixed; boundary="foo bar"\n\n'));
      expect(section(raw, root, 'TEXT')).toBe(n(NESTED.slice(NESTED.indexOf('Root MIME prologue'))));
      expect(section(raw, root, '1')).toBe(n('hello\n'));
      expect(section(raw, root, '1.MIME')).toBe(n('Content-Type: text/x-myown; charset=us-ascii\n\n'));
      expect(section(raw, root, '2.MIME')).toBe(n('Content-Type: message/rfc822\n\n'));
      const embedded = NESTED.slice(NESTED.indexOf('From: sub@'), NESTED.indexOf('\n--foo bar--'));
      expect(section(raw, root, '2')).toBe(n(embedded));
      expect(section(raw, root, '2.HEADER')).toBe(n('From: sub@domain.org\nSubject: submsg\nContent-Type: multipart/alternative; boundary="sub1"\n\n'));
      expect(section(raw, root, '2.TEXT')).toBe(n(embedded.slice(embedded.indexOf('Sub MIME prologue'))));
      expect(section(raw, root, '2.1')).toBe(n('<p>Hello world</p>\n'));
      expect(section(raw, root, '2.1.MIME')).toBe(n('Content-Type: text/html\nContent-Transfer-Encoding: 8bit\n\n'));
      expect(section(raw, root, '2.2')).toBe(n('Hello another world\n'));
      expect(section(raw, root, '3')).toBeNull();
      expect(section(raw, root, '1.1')).toBeNull();
      expect(section(raw, root, '2.3')).toBeNull();
    });
  }

  it('reports the same structure and line counts for CRLF and LF, with sizes that differ by one octet a line', () => {
    const crlf = parse(NESTED, { lineEnding: '\r\n' }).root;
    const lf = parse(NESTED, { lineEnding: '\n' }).root;
    const walk = (a: MIMEPart, b: MIMEPart): void => {
      expect([a.path, a.type, a.subtype, a.lines]).toEqual([b.path, b.type, b.subtype, b.lines]);
      if (a.type === 'text') expect(a.size - b.size).toBe(a.lines);
      a.children.forEach((child, i) => walk(child, b.children[i] as MIMEPart));
    };
    walk(crlf, lf);
  });

  it('numbers a single-part message as part 1, and the parts of a message/rfc822 part below it', () => {
    const { raw, root } = parse('Subject: x\n\nhello\n');
    expect(findMIMEPart(root, '1')).toBe(root);
    expect(section(raw, root, '1')).toBe('hello\r\n');
    const forwarded = parse('Content-Type: message/rfc822\n\nSubject: inner\n\ninner body\n');
    expect(section(forwarded.raw, forwarded.root, '1')).toBe('Subject: inner\r\n\r\ninner body\r\n');
    expect(section(forwarded.raw, forwarded.root, '1.1')).toBe('inner body\r\n');
    expect(findMIMEPart(forwarded.root, '0')).toBeNull();
    const forwardedMultipart = parse('Content-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n');
    expect(shape(forwardedMultipart.root)).toEqual(['(root) message/rfc822', [['1 multipart/mixed', ['1.1 text/plain', '1.2 text/plain']]]]);
    expect(section(forwardedMultipart.raw, forwardedMultipart.root, '1.2')).toBe('two');
    const twice = parse('Content-Type: multipart/mixed; boundary=o\n\n--o\n\nfirst\n--o\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\ndeep\n--i--\n--o--\n');
    expect(section(twice.raw, twice.root, '2.1.1')).toBe('deep');
    expect(findMIMEPart(twice.root, '2.1.1')?.path).toBe('2.1.1');
    expect(findMIMEPart(forwarded.root, '1.')).toBeNull();
  });

  it('keeps the top-level header fields in order, raw and unfolded, and builds the envelope from them', () => {
    const structure = parseMessageStructure(Buffer.from('Subject: =?utf-8?Q?caf=C3=A9?=\r\n folded\r\nX-Empty:\r\nFrom: a@b\r\n\r\n'));
    expect(structure.headers).toEqual([
      { name: 'Subject', value: '=?utf-8?Q?caf=C3=A9?= folded' },
      { name: 'X-Empty', value: '' },
      { name: 'From', value: 'a@b' },
    ]);
    expect(structure.envelope.subject).toBe('=?utf-8?Q?caf=C3=A9?= folded');
  });

  it('reads RFC 2231 continuations and charsets in parameters', () => {
    const { root } = parse(`Content-Type: multipart/mixed; boundary=b

--b
Content-Type: application/octet-stream;
 name*0*=iso-8859-1'fr'r%E9sum%E9;
 name*1=".txt"
Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.txt; filename="fallback.txt"

x
--b--
`);
    const part = root.children[0] as MIMEPart;
    expect(part.params).toEqual({ name: 'résumé.txt' });
    expect(part.disposition).toEqual({ type: 'attachment', params: { filename: '€ rates.txt' } });
  });

  it('defaults parts of multipart/digest to message/rfc822', () => {
    const { root } = parse(`Content-Type: multipart/digest; boundary=d

--d

Subject: one

first
--d
Content-Type: text/plain

second
--d--
`);
    expect(shape(root)).toEqual(['(root) multipart/digest', [['1 message/rfc822', ['1 text/plain']], '2 text/plain']]);
    expect(root.children[0]?.envelope?.subject).toBe('one');
  });
});

describe('parseMessageStructure on malformed input', () => {
  it('treats a message without a blank line as all header, with an empty body', () => {
    const raw = Buffer.from('Subject: x\r\nFrom: a@b');
    const { root } = parseMessageStructure(raw);
    expect([root.headerEnd, root.bodyStart, root.bodyEnd, root.size]).toEqual([raw.length, raw.length, raw.length, 0]);
    expect(parseMessageStructure(Buffer.alloc(0)).root.size).toBe(0);
  });

  it('runs a multipart that never closes to the end, the last part taking the rest', () => {
    const { raw, root } = parse('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\nthree\n');
    expect(root.children.map((c) => slice(raw, c.bodyStart, c.bodyEnd))).toEqual(['one', 'two\r\nthree\r\n']);
    expect(root.bodyEnd).toBe(raw.length);
  });

  it('ends an unclosed inner multipart at the outer boundary', () => {
    const { raw, root } = parse(`Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner

a
--outer

b
--outer--
`);
    expect(shape(root)).toEqual(['(root) multipart/mixed', [['1 multipart/alternative', ['1.1 text/plain']], '2 text/plain']]);
    expect(section(raw, root, '1.1')).toBe('a');
    expect(section(raw, root, '2')).toBe('b');
  });

  it('lets an inner multipart reuse its parent boundary, and matches the longest of two prefixes', () => {
    const same = parse('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\ninner\n--b--\n--b--\n');
    expect(shape(same.root)).toEqual(['(root) multipart/mixed', [['1 multipart/mixed', ['1.1 text/plain']]]]);
    const prefix = parse('Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/mixed; boundary=abcdef\n\n--abcdef\n\nx\n--abcdef--\n--abc\n\ny\n--abc--\n');
    expect(shape(prefix.root)).toEqual(['(root) multipart/mixed', [['1 multipart/mixed', ['1.1 text/plain']], '2 text/plain']]);
  });

  it('gives a multipart whose boundary never appears one empty part, and one without a boundary parameter is opaque', () => {
    const missing = parse('Content-Type: multipart/mixed; boundary=nowhere\n\nall of it\n');
    expect(shape(missing.root)).toEqual(['(root) multipart/mixed', ['1 text/plain']]);
    expect(missing.root.size).toBe(11);
    const noBoundary = parse('Content-Type: multipart/mixed\n\n--x\n\nbody\n');
    expect(shape(noBoundary.root)).toBe('(root) application/octet-stream');
  });

  it('ends a part whose header is cut by a boundary line without a blank line', () => {
    const { raw, root } = parse('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n--b\n\nsecond\n--b--\n');
    const first = root.children[0] as MIMEPart;
    expect([first.type, first.subtype, first.size]).toEqual(['text', 'html', 0]);
    expect(slice(raw, first.headerStart, first.headerEnd)).toBe('Content-Type: text/html');
    expect(section(raw, root, '2')).toBe('second');
  });

  it('caps nesting: 60 levels of multipart parse, and below MAX_MIME_DEPTH the part is opaque', () => {
    let text = '';
    for (let i = 0; i < 60; i++) text += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
    text += 'Content-Type: text/plain\n\ndeep\n';
    const { root } = parse(text);
    let depth = 0;
    let part = root;
    while (part.children.length > 0) {
      part = part.children[0] as MIMEPart;
      depth++;
    }
    expect(depth).toBe(MAX_MIME_DEPTH);
    expect(`${part.type}/${part.subtype}`).toBe('application/octet-stream');
    expect(part.cut).toBe('depth');
    expect(parseMessageStructure(Buffer.from(text)).limitsHit).toEqual(['depth']);
    const messages = parse('Content-Type: message/rfc822\n\n'.repeat(100) + 'hi\n');
    expect(messages.root.type).toBe('message');
  });

  it('caps parts: past MAX_MIME_PARTS no boundary is matched and the last part runs to the end', () => {
    const part = (i: number): string => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`;
    const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${Array.from({ length: 5_000 }, (_, i) => part(i)).join('')}--b--\r\n`);
    const structure = parseMessageStructure(raw);
    // The message itself is the first entity, so it holds MAX_MIME_PARTS children, the last one cut.
    expect(structure.root.children).toHaveLength(MAX_MIME_PARTS);
    const last = structure.root.children.at(-1) as MIMEPart;
    expect(last.cut).toBe('parts');
    expect(last.bodyEnd).toBe(raw.length);
    expect(structure.root.children.filter((p) => p.cut !== undefined)).toHaveLength(1);
    expect(structure.limitsHit).toEqual(['parts']);
    // 5,000 parts: MAX_MIME_PARTS - 1 split out whole, the cut one, and the rest counted.
    expect(structure.partsPastLimit).toBe(5_000 - MAX_MIME_PARTS);
    expect(parseMessageStructure(Buffer.from(NESTED))).toMatchObject({ limitsHit: [], partsPastLimit: 0 });
  });

  it('falls back to text/plain for a malformed Content-Type and keeps the first of duplicates', () => {
    expect(parse('Content-Type: text/\n\nx').root.subtype).toBe('plain');
    expect(parse('Content-Type: garbage; charset=utf-8\n\nx').root.params).toEqual({ charset: 'utf-8' });
    const duplicate = parse('Content-Type: text/html\nContent-Type: multipart/mixed; boundary=b\n\n--b\n').root;
    expect([duplicate.type, duplicate.subtype]).toEqual(['text', 'html']);
  });

  it('reads parameters around whitespace, comments and odd quoting', () => {
    const { root } = parse('Content-Type: text/plain (plain text) ; charset = "utf-8" (a comment) ; format=flowed ; name=my file.txt; x="unterminated\n\nx');
    expect(root.params).toEqual({ charset: 'utf-8', format: 'flowed', name: 'my file.txt', x: 'unterminated' });
    const boundary = parse('Content-Type: multipart/mixed;\n\tboundary=----=_Part_1_2.3\n\n------=_Part_1_2.3\n\nx\n------=_Part_1_2.3--\n');
    expect(boundary.root.children).toHaveLength(1);
  });

  it('decodes 8-bit header bytes as UTF-8, or Latin-1 when they are not UTF-8, and survives NUL bytes', () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: caf\xe9\r\n', 'latin1'),
      Buffer.from('X-Name: café\r\nContent-Description: a\0b\r\n\r\nbody\0\r\n', 'utf8'),
    ]);
    const structure = parseMessageStructure(raw);
    expect(structure.headers.map((h) => h.value)).toEqual(['café', 'café', 'a\0b']);
    expect(structure.root.lines).toBe(1);
  });

  it('parses a 2 MB folded header and a 20 MB message quickly', () => {
    const header = `To: ${Array.from({ length: 50_000 }, (_, i) => `user${i}@example.com`).join(',\r\n ')}\r\n`;
    const part = `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${'QUJD'.repeat(19).concat('\r\n').repeat(2_700)}\r\n`;
    const raw = Buffer.from(`${header}Content-Type: multipart/mixed; boundary=b\r\n\r\n${part.repeat(100)}--b--\r\n`);
    const started = performance.now();
    const structure = parseMessageStructure(raw);
    const elapsed = performance.now() - started;
    expect(structure.root.children).toHaveLength(100);
    expect(structure.envelope.to).toHaveLength(50_000);
    // Served as stored by IMAP; the webmail learns that it is past what it decodes.
    expect(structure.limitsHit).toEqual(['header']);
    expect(elapsed).toBeLessThan(3_000);
  });
});
