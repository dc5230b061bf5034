import { describe, expect, it } from 'vitest';
import { encodeBinaryParts } from './encode-binary-parts.js';
import { parseMessageStructure } from './message-structure.js';

const BYTES = Buffer.from([0x00, 0x2d, 0xe4, 0x0a, 0x0d, 0x0a, 0x0a]);

describe('encodeBinaryParts (RFC 3516 §4.4 APPEND of binary content)', () => {
  it('re-encodes a single-part binary body as base64 and says so in its header, the bytes intact', () => {
    const raw = Buffer.concat([Buffer.from('From: a@b.test\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding:\r\n binary\r\n\r\n'), BYTES]);
    const out = encodeBinaryParts(raw);
    expect(out.toString('latin1')).toBe(`From: a@b.test\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${BYTES.toString('base64')}\r\n`);
    const { root } = parseMessageStructure(out);
    expect(root.encoding).toBe('BASE64');
    expect(Buffer.from(out.subarray(root.bodyStart, root.bodyEnd).toString('latin1'), 'base64')).toEqual(BYTES);
  });

  it('re-encodes only the binary leaves of a multipart, keeping boundaries and the other parts byte for byte', () => {
    const big = Buffer.alloc(200, 0xff);
    const raw = Buffer.concat([
      Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x\r\nContent-Transfer-Encoding: BINARY\r\n\r\n'),
      big,
      Buffer.from('\r\n--x--\r\n'),
    ]);
    const out = encodeBinaryParts(raw).toString('latin1');
    const lines = big.toString('base64').match(/.{1,76}/g)!.join('\r\n');
    expect(out).toBe(`Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines}\r\n--x--\r\n`);
    expect(lines.split('\r\n').every((line) => line.length <= 76)).toBe(true);
  });

  it('returns the message itself when no part is binary', () => {
    const raw = Buffer.from('Subject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9\r\n', 'latin1');
    expect(encodeBinaryParts(raw)).toBe(raw);
  });
});
