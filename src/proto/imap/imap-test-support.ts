// Test helpers for the IMAP parser: value builders, a command serializer and byte-split feeding (imported by *.test.ts only).
import { IMAPCommandParser } from './imap-command-parser.js';
import type { IMAPCommandParserOptions, ParseEvent } from './imap-command-parser.js';
import type { IMAPCommand, IMAPValue } from './imap-value.js';
import { formatSequenceSet, parseSequenceSet } from './sequence-set.js';

export const atom = (value: string): IMAPValue => ({ type: 'atom', value });
export const str = (value: string | Buffer): IMAPValue => ({ type: 'string', value: Buffer.from(value) });
export const nil: IMAPValue = { type: 'nil' };
export const list = (...items: IMAPValue[]): IMAPValue => ({ type: 'list', items });
export function seq(text: string): IMAPValue {
  const value = parseSequenceSet(text);
  if (!value) throw new Error(`bad test sequence set ${text}`);
  return { type: 'sequence', value };
}

/** Feeds the chunks to one fresh parser and returns every event. */
export function feed(chunks: Buffer[], options?: IMAPCommandParserOptions): ParseEvent[] {
  const parser = new IMAPCommandParser(options);
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** Every way to split `bytes` in two, plus one byte at a time. */
export function splits(bytes: Buffer): Buffer[][] {
  const result: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) result.push([bytes.subarray(0, i), bytes.subarray(i)]);
  result.push([...bytes].map((byte) => Buffer.from([byte])));
  return result;
}

/** Whether a string can go quoted: no CR, LF or NUL (RFC 3501 §9 QUOTED-CHAR). */
function quotable(value: Buffer): boolean {
  return !value.includes(0x0d) && !value.includes(0x0a) && !value.includes(0);
}

function serializeValue(value: IMAPValue, options: { nonSynchronizing: boolean }): Buffer[] {
  switch (value.type) {
    case 'nil':
      return [Buffer.from('NIL')];
    case 'sequence':
      return [Buffer.from(formatSequenceSet(value.value))];
    case 'string':
      if (quotable(value.value)) {
        const escaped: number[] = [];
        for (const byte of value.value) {
          if (byte === 0x22 || byte === 0x5c) escaped.push(0x5c);
          escaped.push(byte);
        }
        return [Buffer.from('"'), Buffer.from(escaped), Buffer.from('"')];
      }
      return [Buffer.from(`{${value.value.length}${options.nonSynchronizing ? '+' : ''}}\r\n`), value.value];
    case 'list':
      return [Buffer.from('('), ...joinValues(value.items, options), Buffer.from(')')];
    case 'atom': {
      const parts: Buffer[] = [Buffer.from(value.value)];
      if (value.section) parts.push(Buffer.from('['), ...joinValues(value.section, options), Buffer.from(']'));
      if (value.partial) parts.push(Buffer.from(`<${value.partial.start}.${value.partial.length}>`));
      return parts;
    }
  }
}

function joinValues(values: IMAPValue[], options: { nonSynchronizing: boolean }): Buffer[] {
  return values.flatMap((value, i): Buffer[] => (i === 0 ? serializeValue(value, options) : [Buffer.from(' '), ...serializeValue(value, options)]));
}

/** The wire form of a command, literals where quoting cannot carry the bytes. */
export function serializeCommand(command: IMAPCommand, options = { nonSynchronizing: false }): Buffer {
  const args = command.args.length > 0 ? [Buffer.from(' '), ...joinValues(command.args, options)] : [];
  return Buffer.concat([Buffer.from(`${command.tag} ${command.name}`), ...args, Buffer.from('\r\n')]);
}
