// Malformed and hostile MIME messages a remote sender can deliver: nesting hundreds of levels deep, thousands of parts, truncated boundaries, a multipart without a boundary, garbage headers.

function head(subject: string, to: string, contentType: string): string {
  return [`From: Mallory <mallory@remote.example>`, `To: ${to}`, `Subject: ${subject}`, 'Date: Mon, 04 Mar 2024 09:00:00 +0000', 'MIME-Version: 1.0', `Content-Type: ${contentType}`, '', ''].join('\r\n');
}

/**
 * `levels` multiparts, each inside the one before: every level holds a text part, two small
 * attachments and the next level. Four entities a level, so 300 levels are 1,200 entities.
 */
export function deeplyNested(options: { subject: string; to: string; levels: number }): Buffer {
  // No boundary is a prefix of another ("b2" would end "b20"'s parts, RFC 2046 §5.1.1).
  const b = (i: number): string => `=_level_${i}_=`;
  let body = '';
  for (let i = 0; i < options.levels; i++) {
    body += `--${b(i)}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nText of level ${i}\r\n`;
    for (const side of ['a', 'b']) {
      body += `--${b(i)}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="level-${i}-${side}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n`;
    }
    body += `--${b(i)}\r\nContent-Type: multipart/mixed; boundary="${b(i + 1)}"\r\n\r\n`;
  }
  body += `--${b(options.levels)}\r\nContent-Type: text/plain\r\n\r\nThe bottom\r\n--${b(options.levels)}--\r\n`;
  for (let i = options.levels - 1; i >= 0; i--) body += `--${b(i)}--\r\n`;
  return Buffer.from(head(options.subject, options.to, `multipart/mixed; boundary="${b(0)}"`) + body);
}

/** A text part, an HTML part, then attachments up to `parts` parts in all, in one multipart/mixed. */
export function manyParts(options: { subject: string; to: string; parts: number }): Buffer {
  const chunks = [
    head(options.subject, options.to, 'multipart/mixed; boundary="many"'),
    '--many\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe text of a message with many parts\r\n',
    '--many\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The <b>HTML</b> of a message with many parts</p>\r\n',
  ];
  for (let i = 2; i < options.parts; i++) {
    chunks.push(`--many\r\nContent-Type: text/csv; name="file-${i}.csv"\r\nContent-Disposition: attachment; filename="file-${i}.csv"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(`row,${i}\n`).toString('base64')}\r\n`);
  }
  chunks.push('--many--\r\n');
  return Buffer.from(chunks.join(''));
}

/**
 * The malformed rest, one message each: boundaries cut short (an inner multipart never closed,
 * the last part ending inside its header), a multipart without its boundary parameter, and
 * garbage headers (lines without a colon, NUL and 8-bit bytes, an unknown transfer encoding, a
 * part header of more than a megabyte).
 */
export function malformed(options: { subject: string; to: string }): Array<{ name: string; raw: Buffer }> {
  const truncated =
    head(`${options.subject} truncated`, options.to, 'multipart/mixed; boundary="outer"') +
    '--outer\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nInner text, never closed\r\n' +
    '--outer\r\nContent-Type: text/html\r\n\r\n<p>Second</p>\r\n--outer\r\nContent-Type: image/png; name="cut.png"\r\nContent-Transfer-Enc';
  const noBoundary = head(`${options.subject} no boundary`, options.to, 'multipart/mixed') + '--x\r\nContent-Type: text/plain\r\n\r\nUnreachable\r\n--x--\r\n';
  const hugeHeader = `X-Filler: ${Array.from({ length: 20_000 }, (_, i) => `filler-${i}`.padEnd(60, '.')).join('\r\n ')}\r\n`;
  const garbage = Buffer.concat([
    Buffer.from(head(`${options.subject} garbage`, options.to, 'multipart/mixed; boundary="g"')),
    Buffer.from('--g\r\nthis line has no colon\r\nContent-Type: garbage; charset=utf-8\r\n\x00\x01: \xff\xfe\r\n\r\nText after garbage\r\n', 'latin1'),
    Buffer.from('--g\r\nContent-Type: application/octet-stream; name="odd.bin"\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n\x00\x80\xff raw\r\n', 'latin1'),
    Buffer.from(`--g\r\nContent-Type: text/plain; name="big-header.txt"\r\n${hugeHeader}\r\nBehind a header of a megabyte\r\n--g--\r\n`),
  ]);
  return [
    { name: 'truncated boundaries', raw: Buffer.from(truncated) },
    { name: 'a multipart without a boundary', raw: Buffer.from(noBoundary) },
    { name: 'garbage headers', raw: garbage },
  ];
}
