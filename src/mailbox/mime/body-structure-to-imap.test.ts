// Tests BODY/BODYSTRUCTURE and ENVELOPE output against RFC 3501's examples and Dovecot's answers for the same messages.
import { describe, expect, it } from 'vitest';
import { bodyStructureToIMAP, envelopeToIMAP, parseMessageStructure } from './index.js';

/** Writes a message with CRLF line endings, as it is stored after delivery. */
function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

function bodystructure(raw: Buffer): string {
  return bodyStructureToIMAP(parseMessageStructure(raw).root, { extensible: true });
}

function body(raw: Buffer): string {
  return bodyStructureToIMAP(parseMessageStructure(raw).root, { extensible: false });
}

/** `count` lines of `width` characters, each ending in CRLF. */
function lines(count: number, width: number, char = 'x'): string {
  return `${char.repeat(width)}\r\n`.repeat(count);
}

describe('RFC 3501 §7.4.2 examples', () => {
  it('the simple text/plain example', () => {
    // 92 lines, 3028 octets: 84 lines of 31 characters and 8 of 30, each with its CRLF.
    const raw = Buffer.from(`Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n${lines(84, 31)}${lines(8, 30)}`);
    expect(body(raw)).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)');
    expect(bodystructure(raw)).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)');
  });

  it('the multipart/mixed example with a text part and a BASE64 text attachment', () => {
    const raw = Buffer.from(
      'MIME-Version: 1.0\r\n' +
        'Content-Type: MULTIPART/MIXED; BOUNDARY="simple boundary"\r\n' +
        '\r\n' +
        '--simple boundary\r\n' +
        'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n' +
        '\r\n' +
        // 1152 octets in 23 lines.
        lines(22, 48) +
        lines(1, 50) +
        '\r\n--simple boundary\r\n' +
        'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n' +
        'Content-ID: <960723163407.20117h@cac.washington.edu>\r\n' +
        'Content-Description: Compiler diff\r\n' +
        'Content-Transfer-Encoding: BASE64\r\n' +
        '\r\n' +
        // 4554 octets in 73 lines.
        lines(45, 60, 'A') +
        lines(28, 61, 'A') +
        '\r\n--simple boundary--\r\n',
    );
    expect(body(raw)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)' +
        '("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")',
    );
    expect(bodystructure(raw)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23 NIL NIL NIL NIL)' +
        '("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73 NIL NIL NIL NIL)' +
        ' "MIXED" ("BOUNDARY" "simple boundary") NIL NIL NIL)',
    );
  });

  it('the ENVELOPE example', () => {
    const raw = crlf(
      'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n' +
        'From: Terry Gray <gray@cac.washington.edu>\n' +
        'Subject: IMAP4rev1 WG mtg summary and minutes\n' +
        'To: imap@cac.washington.edu\n' +
        'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\n' +
        'Message-Id: <B27397-0100000@cac.washington.edu>\n' +
        'MIME-Version: 1.0\n' +
        'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n' +
        '\n' +
        'Minutes.\n',
    );
    expect(envelopeToIMAP(parseMessageStructure(raw).envelope)).toBe(
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
        '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
        '"<B27397-0100000@cac.washington.edu>")',
    );
  });
});

/**
 * Dovecot (lib-imap/test-imap-bodystructure.c) answers for the same messages. Dovecot reports sizes
 * as if lines ended in CRLF, so the messages are stored with CRLF here; it writes types and names
 * as the message did, so the comparison ignores ASCII case, as IMAP does for these atoms.
 */
describe('the same answers as Dovecot', () => {
  const dovecot = (raw: Buffer, expected: string): void => {
    expect(bodystructure(raw).toLowerCase()).toBe(`(${expected})`.toLowerCase());
  };

  it('a nested message/rfc822 holding a multipart/alternative, with every extension field', () => {
    const raw = crlf(`From: user@domain.org
Date: Sat, 24 Mar 2007 23:00:00 +0200
Mime-Version: 1.0
Content-Type: multipart/mixed; boundary="foo
 bar"

Root MIME prologue

--foo bar
Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"
Content-ID: <foo@example.com>
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
Content-Disposition: inline; foo=bar
Content-Description: hellodescription
Content-Language: en, fi, se
Content-Location: http://example.com/test.txt

hello

--foo bar
Content-Type: message/rfc822

From: sub@domain.org
To: sub-to1@domain.org, sub-to2@domain.org
Date: Sun, 12 Aug 2012 12:34:56 +0300
Subject: submsg
Content-Type: multipart/alternative; boundary="sub1"

Sub MIME prologue
--sub1
Content-Type: text/html
Content-Transfer-Encoding: 8bit

<p>Hello world</p>

--sub1
Content-Type: text/plain
Content-Transfer-Encoding: ?invalid

Hello another world

--sub1--
Sub MIME epilogue

--foo bar--
Root MIME epilogue
`);
    dovecot(
      raw,
      '("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("foo" "bar")) ("en" "fi" "se") "http://example.com/test.txt")' +
        '("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) ' +
        '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) "alternative" ("boundary" "sub1") NIL NIL NIL) 21 NIL NIL NIL NIL)' +
        ' "mixed" ("boundary" "foo bar") NIL NIL NIL',
    );
    expect(body(raw).toLowerCase()).toBe(
      ('(("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1)' +
        '("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) ' +
        '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1) "alternative") 21) "mixed")').toLowerCase(),
    );
  });

  it('a message/rfc822 attachment: envelope, the embedded body structure and its line count', () => {
    const raw = crlf(`From: user@domain.org
Date: Sat, 24 Mar 2017 23:00:00 +0200
Mime-Version: 1.0
Content-Type: multipart/mixed; boundary="foo bar"

--foo bar
Content-Type: text/plain; charset=us-ascii
Content-ID: <A.frop.example.com>
Content-Description: Container message

See attached...

--foo bar
Content-Type: message/rfc822
Content-ID: <B.frop.example.com>
Content-Description: Forwarded

From: user@domain.org
Date: Sat, 24 Mar 2017 23:00:00 +0200
Mime-Version: 1.0
Content-Type: text/plain; charset=us-ascii

body

--foo bar--
`);
    dovecot(
      raw,
      '("text" "plain" ("charset" "us-ascii") "<A.frop.example.com>" "Container message" "7bit" 17 1 NIL NIL NIL NIL)' +
        '("message" "rfc822" NIL "<B.frop.example.com>" "Forwarded" "7bit" 133 ("Sat, 24 Mar 2017 23:00:00 +0200" NIL ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) ((NIL NIL "user" "domain.org")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
    );
  });

  it('a multipart with no body gets one empty text/plain part, since IMAP requires one', () => {
    dovecot(
      crlf('Content-Type: multipart/mixed; boundary="foo"\n\n'),
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "foo") NIL NIL NIL',
    );
  });

  it('a single text part, with and without a trailing blank line', () => {
    const head = 'From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\n';
    dovecot(crlf(`${head}Content-Type: text/plain; charset=us-ascii\n\nbody\n`), '"text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL');
    dovecot(
      crlf(`${head}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbody\n\n`),
      '"text" "plain" ("charset" "utf-8") NIL NIL "8bit" 8 2 NIL NIL NIL NIL',
    );
  });

  it('parameters folded over lines and a single Content-Language', () => {
    const raw = crlf(`Content-Type: multipart/mixed; boundary="foo bar"

--foo bar
Content-Type: text/plain; charset=us-ascii; format="flowed";
  delsp="no"
Content-Language: la

Lorem ipsum.

--foo bar
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="pigeon.png"

iVBORw0KGgo=
--foo bar--
`);
    dovecot(
      raw,
      '("text" "plain" ("charset" "us-ascii" "format" "flowed" "delsp" "no") NIL NIL "7bit" 14 1 NIL NIL ("la") NIL)' +
        '("image" "png" NIL NIL NIL "base64" 12 NIL ("attachment" ("filename" "pigeon.png")) NIL NIL) "mixed" ("boundary" "foo bar") NIL NIL NIL',
    );
  });
});

describe('bodyStructureToIMAP', () => {
  it('writes multipart/alternative with an HTML part', () => {
    const raw = crlf(`From: Alice <alice@example.com>
Subject: Hi
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Hello =E2=82=AC
--alt
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<p>Hello =E2=82=AC</p>
<p>Bye</p>
--alt--
`);
    expect(bodystructure(raw)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0 NIL NIL NIL NIL)' +
        '("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 34 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "alt") NIL NIL NIL)',
    );
  });

  it('writes RFC 2231 parameters that are not ASCII in their RFC 2231 form, keeping the output 7-bit', () => {
    const raw = crlf(`Content-Type: application/pdf;
 name*0*=utf-8''R%C3%A9sum%C3%A9%20;
 name*1*=%E2%82%AC.pdf
Content-Disposition: attachment;
 filename*0="long-";
 filename*1="name.pdf"
Content-Transfer-Encoding: base64

JVBERi0=
`);
    const structure = parseMessageStructure(raw);
    expect(structure.root.params).toEqual({ name: 'Résumé €.pdf' });
    expect(structure.root.disposition).toEqual({ type: 'attachment', params: { filename: 'long-name.pdf' } });
    expect(bodystructure(raw)).toBe(
      `("APPLICATION" "PDF" ("NAME*" "utf-8''R%C3%A9sum%C3%A9%20%E2%82%AC.pdf") NIL NIL "BASE64" 10 NIL ("ATTACHMENT" ("FILENAME" "long-name.pdf")) NIL NIL)`,
    );
  });

  it('escapes quoted-specials and sends CR, LF and 8-bit text as literals counted in UTF-8 octets', () => {
    const raw = Buffer.concat([
      Buffer.from('Content-Type: text/plain\r\nContent-Description: say "hi" \\ bye\r\nContent-ID: <caf'),
      Buffer.from('é', 'utf8'),
      Buffer.from('@x>\r\nContent-Location: a\rb\r\n\r\nx'),
    ]);
    const out = bodystructure(raw);
    expect(out).toContain('"say \\"hi\\" \\\\ bye"');
    expect(out).toContain('{9}\r\n<café@x>');
    expect(out).toContain('{3}\r\na\rb');
  });

  it('shows message/global with its envelope, and an encoded message/rfc822 as opaque data', () => {
    const global = crlf(`Content-Type: message/global

From: =?utf-8?Q?J=C3=B6rg?= <jorg@example.com>
Subject: hello

hi
`);
    expect(bodystructure(global)).toBe(
      '("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 70 ' +
        '(NIL "hello" (("=?utf-8?Q?J=C3=B6rg?=" NIL "jorg" "example.com")) (("=?utf-8?Q?J=C3=B6rg?=" NIL "jorg" "example.com")) (("=?utf-8?Q?J=C3=B6rg?=" NIL "jorg" "example.com")) NIL NIL NIL NIL NIL) ' +
        '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 4 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)',
    );
    const encoded = crlf('Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTogYUBiDQoNCmhp\n');
    expect(bodystructure(encoded)).toBe('("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 22 NIL NIL NIL NIL)');
  });

  it('never puts a NUL into the output', () => {
    const raw = Buffer.from('Subject: a\0b\r\nContent-Description: x\0y\r\n\r\nbody\0');
    expect(bodystructure(raw)).toContain('"xy"');
    expect(envelopeToIMAP(parseMessageStructure(raw).envelope)).toContain('"ab"');
  });
});
