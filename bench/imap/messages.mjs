// The benches' mailbox: ~4 KB plain-text messages from 97 senders, one a minute, with the headers ENVELOPE and the webmail's list read.

/** `count` messages to `to`, the same on every run. */
export function buildMessages(count, to) {
  const words = 'mail server bench lake harbor kettle violet quartz meadow lantern river stone window garden'.split(' ');
  const out = [];
  for (let i = 0; i < count; i++) {
    const lines = [];
    let size = 0;
    let n = i;
    while (size < 3600) {
      const line = Array.from({ length: 11 }, () => words[(n = (n * 1103515245 + 12345) % 2147483648) % words.length]).join(' ');
      lines.push(line);
      size += line.length + 2;
    }
    const date = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString().replace('GMT', '+0000');
    out.push(
      Buffer.from(
        `Return-Path: <sender${i % 97}@example.net>\r\nFrom: Sender ${i % 97} <sender${i % 97}@example.net>\r\nTo: Bench <${to}>\r\nCc: team@example.net\r\n` +
          `Subject: Bench message ${i} about ${words[i % words.length]}\r\nDate: ${date}\r\nMessage-ID: <bench-${i}@example.net>\r\n` +
          `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${lines.join('\r\n')}\r\n`,
      ),
    );
  }
  return out;
}
