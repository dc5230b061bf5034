// DSN construction: RFC 3464 structure, header-only or full return, one-line fields whatever the remote said.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseMessageStructure } from '../../mailbox/mime/index.js';
import { buildDSN, DSN_FULL_RETURN_LIMIT, headerBlock } from './dsn.js';
import { maskCredentials } from './smtp-transaction.js';
import { wantsFailureReport } from './bounce.js';

const ORIGINAL = Buffer.from('From: a@example.test\r\nSubject: Hi\r\n\r\nBody text\r\n');
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

function dsn(options: { returnFull?: boolean; original?: Buffer; diagnostic?: string } = {}): Buffer {
  return buildDSN({
    hostname: 'mail.example.test',
    to: 'a@example.test',
    arrivalDate: NOW - 60_000,
    envelopeId: 'env-1',
    recipients: [
      { address: 'x@remote.test', originalRecipient: 'rfc822;X@remote.test', status: '5.1.1', remoteMTA: 'mx.remote.test', diagnostic: options.diagnostic ?? '550 5.1.1 unknown', lastAttemptAt: NOW },
      { address: 'y@remote.test', status: '4.4.7', diagnostic: 'delivery time expired', lastAttemptAt: NOW },
    ],
    original: options.original ?? ORIGINAL,
    returnFull: options.returnFull ?? false,
    now: NOW,
  });
}

describe('buildDSN', () => {
  it('is a multipart/report with a readable part, a delivery-status part and the original header', async () => {
    const raw = dsn();
    const structure = parseMessageStructure(raw);
    expect(structure.root).toMatchObject({ type: 'multipart', subtype: 'report' });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Undelivered Mail (expired in queue)');
    const text = raw.toString('utf8');
    expect(text).toContain(
      'Reporting-MTA: dns; mail.example.test\r\nOriginal-Envelope-Id: env-1\r\nArrival-Date: Mon, 23 Nov 2026 11:59:00 +0000\r\n\r\n' +
        'Final-Recipient: rfc822; x@remote.test\r\nOriginal-Recipient: rfc822;X@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n' +
        'Remote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 unknown\r\nLast-Attempt-Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n\r\n' +
        'Final-Recipient: rfc822; y@remote.test\r\nAction: failed\r\nStatus: 4.4.7\r\n',
    );
    expect(text).toContain('Content-Type: text/rfc822-headers');
    expect(text).toContain('Subject: Hi\r\n');
    expect(text).not.toContain('Body text');
    expect(text.endsWith('--\r\n')).toBe(true);
  });

  it('returns the full message for RET=FULL, but only the header of a huge one', () => {
    expect(dsn({ returnFull: true }).toString()).toContain('Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n\r\nFrom: a@example.test');
    const huge = Buffer.concat([ORIGINAL, Buffer.alloc(DSN_FULL_RETURN_LIMIT, 'a')]);
    const text = dsn({ returnFull: true, original: huge }).toString();
    expect(text).toContain('text/rfc822-headers');
    expect(text.length).toBeLessThan(10_000);
  });

  it('keeps a hostile multi-line reply on one line', () => {
    const text = dsn({ diagnostic: '550 no\r\nFinal-Recipient: rfc822; evil@x\r\n' }).toString();
    expect(text).toContain('Diagnostic-Code: smtp; 550 no Final-Recipient: rfc822; evil@x\r\n');
  });

  it('takes the header block of LF messages too', () => {
    expect(headerBlock(Buffer.from('A: 1\nB: 2\n\nbody')).toString()).toBe('A: 1\r\nB: 2\r\n');
  });
});

describe('wantsFailureReport', () => {
  it('follows RFC 3461 NOTIFY', () => {
    expect(wantsFailureReport({})).toBe(true);
    expect(wantsFailureReport({ notify: ['FAILURE', 'DELAY'] })).toBe(true);
    expect(wantsFailureReport({ notify: ['NEVER'] })).toBe(false);
    expect(wantsFailureReport({ notify: ['SUCCESS'] })).toBe(false);
  });
});

describe('maskCredentials', () => {
  it('hides the password and its SASL encodings', () => {
    const auth = { user: 'u', pass: 'pw!' };
    const plain = Buffer.from('\u0000u\u0000pw!').toString('base64');
    expect(maskCredentials(`535 bad pw! ${Buffer.from('pw!').toString('base64')} ${plain}`, auth)).toBe('535 bad *** *** ***');
  });
});
