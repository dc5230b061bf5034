// Test helpers for the IMAP parser and the command grammars: value builders, a command serializer, byte-split feeding and typed requests from text (imported by *.test.ts only).
import { isDeepStrictEqual } from 'node:util';
import { IMAPCommandParser } from './imap-command-parser.js';
import type { IMAPCommandParserOptions, ParseEvent } from './imap-command-parser.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './commands/imap-command-spec.js';
import { foldUIDSubcommand } from './commands/uid-subcommand.js';
import { IMAPSyntaxError } from './imap-syntax-error.js';
import type { IMAPCommand, IMAPValue } from './imap-value.js';
import { formatSequenceSet, parseSequenceSet } from './sequence-set.js';

/** The message of the APPEND example in RFC 3501 §6.3.11. */
export const APPEND_EXAMPLE =
  'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n' +
  'From: Fred Foobar <foobar@Blurdybloop.COM>\r\n' +
  'Subject: afternoon meeting\r\n' +
  'To: mooch@owatagu.siam.edu\r\n' +
  'Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n' +
  'MIME-Version: 1.0\r\n' +
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n' +
  '\r\n' +
  'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n';

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

/** The one command `text` frames to (literals included); throws when it frames to anything else. */
export function commandOf(text: string | Buffer, options?: IMAPCommandParserOptions): IMAPCommand {
  const events = feed([Buffer.from(text)], options).filter((event) => event.kind !== 'continuation-needed');
  const [event, ...rest] = events;
  if (!event || event.kind !== 'command' || rest.length > 0) throw new Error(`expected one command from ${JSON.stringify(text.toString())}, got ${JSON.stringify(events)}`);
  return event.command;
}

/** The typed request `spec` reads from a command line, as the connection would get it with these extensions ENABLEd. */
export function requestOf<R extends IMAPRequestBase>(spec: IMAPCommandSpec<R>, text: string | Buffer, enabled: readonly string[] = []): R {
  const command = foldUIDSubcommand(commandOf(text));
  if (command?.name !== spec.name) throw new Error(`${JSON.stringify(text.toString())} is not a ${spec.name} command`);
  return spec.parse(command, { enabled: new Set(enabled) });
}

/** The message of the IMAPSyntaxError `spec` raises for a command line, or undefined when it reads it. */
export function syntaxErrorOf<R extends IMAPRequestBase>(spec: IMAPCommandSpec<R>, text: string | Buffer, enabled: readonly string[] = []): string | undefined {
  try {
    requestOf(spec, text, enabled);
    return undefined;
  } catch (error) {
    if (error instanceof IMAPSyntaxError) return error.message;
    throw error;
  }
}

/** Checks that `spec` reads the same request from a command line however its bytes are split, and returns that request. */
export function requestWhateverTheSplit<R extends IMAPRequestBase>(spec: IMAPCommandSpec<R>, text: string | Buffer, enabled: readonly string[] = []): R {
  const bytes = Buffer.from(text);
  const whole = requestOf(spec, bytes, enabled);
  for (const chunks of splits(bytes)) {
    const request = requestOf(spec, Buffer.concat(chunks), enabled);
    if (!isDeepStrictEqual(request, whole)) throw new Error(`${JSON.stringify(bytes.toString())} split as ${chunks.length} chunks reads differently`);
  }
  return whole;
}
