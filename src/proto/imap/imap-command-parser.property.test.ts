import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMAPCommandParser } from './imap-command-parser.js';
import type { ParseEvent } from './imap-command-parser.js';
import type { IMAPCommand, IMAPValue } from './imap-value.js';
import { feed, serializeCommand } from './imap-test-support.js';
import { MAX_SEQUENCE_NUMBER } from './sequence-set.js';

const chars = (alphabet: string, options: { minLength: number; maxLength: number }): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet.split('')), options).map((list) => list.join(''));

const LETTERS = 'ABCXYZabcxyz';
const ATOM_TAIL = `${LETTERS}0123456789.-_+!#$&'~/:,%`;
const TAG_CHARS = `${LETTERS}0123456789.-_!#$&'~/:,]`;

/** Canonical atoms: they start with a letter (so never a sequence set) and are never NIL. */
const atomText = fc
  .tuple(fc.constantFrom('', '\\'), chars(LETTERS, { minLength: 1, maxLength: 1 }), chars(ATOM_TAIL, { minLength: 0, maxLength: 12 }))
  .map(([slash, head, tail]) => `${slash}${head}${tail}`)
  .filter((text) => text.toUpperCase() !== 'NIL');

const seqNumber = fc.oneof(fc.integer({ min: 1, max: MAX_SEQUENCE_NUMBER }), fc.constant('*' as const));

const valueArbitrary: fc.Arbitrary<IMAPValue> = fc.letrec<{ value: IMAPValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomText.map((value): IMAPValue => ({ type: 'atom', value })),
    fc.uint8Array({ maxLength: 40 }).map((bytes): IMAPValue => ({ type: 'string', value: Buffer.from(bytes) })),
    chars(`${LETTERS} "\\\r\n{}()[]*%`, { minLength: 0, maxLength: 20 }).map((text): IMAPValue => ({ type: 'string', value: Buffer.from(text) })),
    fc.constant<IMAPValue>({ type: 'nil' }),
    fc.array(fc.record({ start: seqNumber, end: seqNumber }), { minLength: 1, maxLength: 4 }).map((value): IMAPValue => ({ type: 'sequence', value })),
    fc.array(tie('value'), { maxLength: 4 }).map((items): IMAPValue => ({ type: 'list', items })),
    fc
      .record({
        value: atomText,
        section: fc.array(tie('value'), { maxLength: 3 }),
        partial: fc.option(fc.record({ start: fc.integer({ min: 0, max: MAX_SEQUENCE_NUMBER }), length: fc.integer({ min: 1, max: MAX_SEQUENCE_NUMBER }) }), { nil: undefined }),
      })
      .map(({ value, section, partial }): IMAPValue => (partial ? { type: 'atom', value, section, partial } : { type: 'atom', value, section })),
  ),
})).value;

const commandArbitrary: fc.Arbitrary<IMAPCommand> = fc.record({
  tag: chars(TAG_CHARS, { minLength: 1, maxLength: 8 }),
  name: chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', { minLength: 1, maxLength: 10 }),
  args: fc.array(valueArbitrary, { maxLength: 5 }),
});

/** Splits bytes at the given cut points (taken modulo the length). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const offsets = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % (bytes.length + 1))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let previous = 0;
  for (const offset of offsets) {
    chunks.push(bytes.subarray(previous, offset));
    previous = offset;
  }
  chunks.push(bytes.subarray(previous));
  return chunks;
}

const commandsOf = (events: ParseEvent[]): IMAPCommand[] => events.flatMap((event) => (event.kind === 'command' ? [event.command] : []));

describe('IMAPCommandParser properties', () => {
  it('round-trips any generated command, however the bytes are split, with either literal kind', () => {
    fc.assert(
      fc.property(commandArbitrary, fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), (command, nonSynchronizing, points) => {
        const bytes = serializeCommand(command, { nonSynchronizing });
        const whole = feed([bytes]);
        expect(commandsOf(whole)).toEqual([command]);
        expect(whole.filter((event) => event.kind !== 'command' && event.kind !== 'continuation-needed')).toEqual([]);
        expect(feed(cut(bytes, points))).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  // Bytes that steer the framing and grammar into their corners: literals, quotes, lists, sections.
  const imapish = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(...' \r\n(){}[]<>"\\*+~.:,0123456789NIL'.split('').map((c) => c.charCodeAt(0))),
    ),
    { maxLength: 600 },
  );
  const anyInput = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
    imapish.map((bytes) => Buffer.from(bytes)),
    fc
      .array(fc.oneof(fc.constantFrom('A1 ', 'x ', '{3}\r\n', '{2+}\r\n', '~{1}\r\n', '{0}\r\n', '\r\n', '\n', 'BODY[', ']', '<0.5>', '(', ')', '"', 'FETCH ', '1:*'), fc.string({ maxLength: 5 })), { maxLength: 40 })
      .map((parts) => Buffer.from(parts.join(''), 'latin1')),
  );

  it('never throws on any bytes, emits at most one event per byte, and gives the same events however split', () => {
    fc.assert(
      fc.property(anyInput, fc.array(fc.nat(), { maxLength: 8 }), (bytes, points) => {
        const options = { maxLineBytes: 128, maxLiteralBytes: 64, maxNonSynchronizingLiteralBytes: 16, maxCommandBytes: 256 };
        const whole = feed([bytes], options);
        expect(whole.length).toBeLessThanOrEqual(bytes.length);
        expect(feed(cut(bytes, points), options)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  // Holds because no pending literal exceeds maxLiteralBytes: a bigger {n+} is not skipped (the server closes instead).
  it('always recovers: after any garbage, a complete line end and a fresh command parse', () => {
    fc.assert(
      fc.property(anyInput, (garbage) => {
        const parser = new IMAPCommandParser({ maxLiteralBytes: 64, maxNonSynchronizingLiteralBytes: 8 });
        parser.push(garbage);
        // A pending literal (at most 64 bytes here) swallows what follows first, as it must.
        parser.push(Buffer.alloc(64, 0x78));
        const events = parser.push(Buffer.from('\r\nZ9 NOOP\r\n'));
        expect(commandsOf(events)).toContainEqual({ tag: 'Z9', name: 'NOOP', args: [] });
      }),
      { numRuns: 1000 },
    );
  });
});
