// Property tests: parseMessageStructure never throws on any bytes, keeps every range inside its parent, and its IMAP output always parses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyStructureToIMAP, envelopeToIMAP, findMIMEPart, parseMessageStructure, type MIMEPart } from './index.js';

/** Checks `text` is one well-formed IMAP parenthesized value: balanced lists, valid quoted strings, exact literal lengths. */
function expectIMAPSyntax(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  expect(bytes.includes(0)).toBe(false);
  expect(bytes[0]).toBe(0x28);
  let depth = 0;
  let i = 0;
  while (i < bytes.length) {
    if (depth === 0 && i > 0) throw new Error(`trailing data at ${i}: ${text}`);
    const c = bytes[i] as number;
    if (c === 0x28) {
      depth++;
      i++;
    } else if (c === 0x29) {
      depth--;
      i++;
    } else if (c === 0x20) {
      i++;
    } else if (c === 0x22) {
      i++;
      while (bytes[i] !== 0x22) {
        const q = bytes[i];
        if (q === undefined || q === 0x0d || q === 0x0a || q > 0x7f) throw new Error(`bad quoted string at ${i}: ${text}`);
        if (q === 0x5c) {
          i++;
          if (bytes[i] !== 0x22 && bytes[i] !== 0x5c) throw new Error(`bad escape at ${i}: ${text}`);
        }
        i++;
      }
      i++;
    } else if (c === 0x7b) {
      const close = bytes.indexOf(0x7d, i);
      const count = Number(bytes.toString('latin1', i + 1, close));
      if (!Number.isInteger(count) || bytes[close + 1] !== 0x0d || bytes[close + 2] !== 0x0a) throw new Error(`bad literal at ${i}: ${text}`);
      i = close + 3 + count;
      if (i > bytes.length) throw new Error(`literal overruns at ${i}: ${text}`);
    } else if (c >= 0x30 && c <= 0x39) {
      while ((bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39) i++;
    } else if (bytes.toString('latin1', i, i + 3) === 'NIL') {
      i += 3;
    } else {
      throw new Error(`unexpected byte ${c} at ${i}: ${text}`);
    }
    if (depth < 0) throw new Error(`unbalanced at ${i}: ${text}`);
  }
  expect(depth).toBe(0);
}

function expectPartInvariants(raw: Buffer, root: MIMEPart, part: MIMEPart): void {
  expect(part.headerStart).toBeGreaterThanOrEqual(0);
  expect(part.headerStart).toBeLessThanOrEqual(part.headerEnd);
  expect(part.headerEnd).toBe(part.bodyStart);
  expect(part.bodyStart).toBeLessThanOrEqual(part.bodyEnd);
  expect(part.bodyEnd).toBeLessThanOrEqual(raw.length);
  expect(part.size).toBe(part.bodyEnd - part.bodyStart);
  const lineFeeds = raw.subarray(part.bodyStart, part.bodyEnd).reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
  const encapsulated = part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global');
  expect(part.lines).toBe(part.type === 'text' || encapsulated ? lineFeeds : 0);
  if (part.type === 'multipart') expect(part.children.length).toBeGreaterThan(0);
  if (encapsulated) {
    expect(part.children).toHaveLength(1);
    expect(part.envelope).toBeDefined();
    expectIMAPSyntax(envelopeToIMAP(part.envelope as NonNullable<MIMEPart['envelope']>));
  }
  let previousEnd = part.bodyStart;
  for (const child of part.children) {
    expect(child.headerStart).toBeGreaterThanOrEqual(previousEnd);
    expect(child.bodyEnd).toBeLessThanOrEqual(part.bodyEnd);
    previousEnd = child.bodyEnd;
    if (part.type === 'multipart') expect(findMIMEPart(root, child.path)).toBe(child);
    expectPartInvariants(raw, root, child);
  }
}

function expectValidStructure(raw: Buffer): void {
  const structure = parseMessageStructure(raw);
  expect(structure.root.headerStart).toBe(0);
  expectPartInvariants(raw, structure.root, structure.root);
  expectIMAPSyntax(bodyStructureToIMAP(structure.root, { extensible: true }));
  expectIMAPSyntax(bodyStructureToIMAP(structure.root, { extensible: false }));
  expectIMAPSyntax(envelopeToIMAP(structure.envelope));
}

const VALID = Buffer.from(
  `From: "Alice" <alice@example.com>, team: bob@example.org;
To: =?utf-8?B?w6k=?= <e@example.com>
Subject: =?iso-8859-1?Q?caf=E9?=
Content-Type: multipart/mixed; boundary="outer"

preamble
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=utf-8

plain café
--inner
Content-Type: text/html

<p>html</p>
--inner--
--outer
Content-Type: message/rfc822
Content-Disposition: attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC.eml

From: inner@example.com
Content-Type: multipart/digest; boundary=d

--d

Subject: digest item

item
--d--
--outer
Content-Type: application/octet-stream; name="a.bin"
Content-Transfer-Encoding: base64

AAEC
--outer--
epilogue
`.replace(/\n/g, '\r\n'),
  'utf8',
);

/** Lines that steer a generator into MIME's corners: boundaries, nested types, folding, odd bytes. */
const VOCABULARY = [
  'Content-Type: multipart/mixed; boundary=a',
  'Content-Type: multipart/alternative; boundary="ab"',
  'Content-Type: multipart/digest; boundary=a',
  'Content-Type: message/rfc822',
  'Content-Type: message/global',
  'Content-Type: text/html; charset*=utf-8\'\'%C3%A9',
  'Content-Type: text/',
  'Content-Transfer-Encoding: base64',
  'Content-Disposition: attachment; filename="x\\"y"',
  'Content-Language: en, (c) fr',
  'Subject: =?utf-8?B?w6k=?= =?utf-8?Q?=C3?=',
  'From: "x" <a@b>, g: c@d;, <@r:e@f',
  ' folded (comment',
  '--a',
  '--a--',
  '--ab',
  '--ab--',
  '',
  'body text',
  'caf\u00e9 \u0000 \u00ff',
];

describe('parseMessageStructure properties', () => {
  it('accepts any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => expectValidStructure(Buffer.from(bytes))),
      { numRuns: 500 },
    );
  });

  it('accepts any sequence of MIME-looking lines with any line endings', () => {
    const line = fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 20 }));
    const ending = fc.constantFrom('\r\n', '\n', '\r', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, ending), { maxLength: 80 }), (lines) => {
        expectValidStructure(Buffer.from(lines.map(([text, end]) => text + end).join(''), 'utf8'));
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts any mutation of a valid nested multipart message', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.constantFrom(...VOCABULARY).map((l) => Buffer.from(`${l}\r\n`))) }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let raw = VALID;
        for (const m of mutations) {
          const at = raw.length === 0 ? 0 : m.at % raw.length;
          if (m.kind === 'delete') raw = Buffer.concat([raw.subarray(0, at), raw.subarray(at + m.length)]);
          else if (m.kind === 'insert') raw = Buffer.concat([raw.subarray(0, at), Buffer.from(m.bytes), raw.subarray(at)]);
          else if (m.kind === 'duplicate') raw = Buffer.concat([raw.subarray(0, at + m.length), raw.subarray(at)]);
          else raw = raw.subarray(0, at);
        }
        expectValidStructure(raw);
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts the message cut at every byte, as a truncated delivery would leave it', () => {
    for (let end = 0; end <= VALID.length; end++) expectValidStructure(VALID.subarray(0, end));
  });

  it('parses the unmutated message as intended', () => {
    const { root } = parseMessageStructure(VALID);
    expect(root.children.map((c) => `${c.path} ${c.type}/${c.subtype}`)).toEqual(['1 multipart/alternative', '2 message/rfc822', '3 application/octet-stream']);
    expect(root.children[1]?.disposition?.params.filename).toBe('€.eml');
    expectValidStructure(VALID);
  });
});
