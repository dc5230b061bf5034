// Streaming IMAP command parser (bytes in, commands out; RFC 3501 §9, RFC 7888 literals), hand-written because no IMAP server library of quality exists on npm.
import { IMAPGrammarError, isValidTag, parseCommandSegments } from './imap-command-grammar.js';
import type { CommandSegment } from './imap-command-grammar.js';
import type { IMAPCommand } from './imap-value.js';

export interface IMAPCommandParserOptions {
  /**
   * Longest line (text between literals, CR included, LF excluded). Default 65,536 bytes, well
   * above RFC 7162 §4's advice of 8,192; it is what a client may make us buffer before any
   * literal, so it bounds memory per connection before authentication.
   */
  maxLineBytes?: number;
  /** Largest literal accepted (APPEND message size). Default 64 MiB. The literal is held in memory. */
  maxLiteralBytes?: number;
  /**
   * Largest non-synchronising literal `{n+}`. Default: maxLiteralBytes (LITERAL+). Set 4096 when
   * advertising LITERAL- (RFC 7888 §4): the client then sends bigger ones synchronising, so a
   * client cannot push megabytes at us before we have said yes.
   */
  maxNonSynchronizingLiteralBytes?: number;
  /** Largest whole command, lines and literals together. Default maxLiteralBytes + 1 MiB, so many small literals cannot add up without bound. */
  maxCommandBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 65_536;
export const DEFAULT_MAX_LITERAL_BYTES = 64 * 1024 * 1024;
/** The LITERAL- limit of RFC 7888 §4, for servers that advertise LITERAL- instead of LITERAL+. */
export const LITERAL_MINUS_MAX_BYTES = 4096;

export type TooLongWhat = 'line' | 'literal' | 'non-synchronizing-literal' | 'command';

export type ParseEvent =
  | { kind: 'command'; command: IMAPCommand }
  /** A synchronising literal `{n}` was announced: the server must answer `+ Ready` before the client sends it. */
  | { kind: 'continuation-needed'; tag: string | null; literalSize: number }
  /** A malformed command: answer `<tag> BAD` (or `* BAD` when tag is null). Parsing resumes with the next command. */
  | { kind: 'error'; tag: string | null; message: string }
  /**
   * A limit was exceeded: answer `<tag> BAD` (or NO [TOOBIG] for a literal) and consider closing.
   * The rest of that command is skipped, non-synchronising literal bytes included when they are
   * no larger than maxLiteralBytes; for a bigger `{n+}` the server must close the connection.
   */
  | { kind: 'too-long'; tag: string | null; what: TooLongWhat; limit: number; size?: number };

interface LiteralHeader {
  /** Where `{` (or `~`) starts in the line. */
  index: number;
  size: number;
  nonSynchronizing: boolean;
  binary: boolean;
}

/** `{n}`, `{n+}`, `~{n}` at the very end of a line (RFC 3501 §9 literal, RFC 7888, RFC 3516 literal8). */
const LITERAL_HEADER = /(~?)\{([0-9]{1,20})(\+?)\}$/;
/**
 * Where a `~{n}` is taken: in APPEND, whose message may be a literal8 (RFC 3516 §4.4, RFC 9051
 * §6.3.12, and RFC 6855 §4 `"UTF8" SP "(" literal8 ")"`). Anywhere else it is refused before the
 * client sends it; inside APPEND the grammar checks that it is the message and nothing else.
 */
const APPEND_COMMAND = /^[^ ]+ APPEND /i;
/** Enough of a line's end to recognise a literal header while a too-long line is being skipped. */
const TAIL_BYTES = 32;

function readLiteralHeader(line: Buffer): LiteralHeader | undefined {
  const tail = line.subarray(Math.max(0, line.length - TAIL_BYTES)).toString('latin1');
  const match = LITERAL_HEADER.exec(tail);
  if (!match) return undefined;
  return {
    index: line.length - match[0].length,
    size: Number(match[2]),
    nonSynchronizing: match[3] === '+',
    binary: match[1] === '~',
  };
}

/**
 * Frames bytes into commands (lines joined by literals) and parses each one. Feed it whatever the
 * socket delivers; the result never depends on how the bytes were split. A bare LF is accepted as
 * a line end (some clients and every hand-typed telnet session send it).
 */
export class IMAPCommandParser {
  private readonly maxLineBytes: number;
  private readonly maxLiteralBytes: number;
  private readonly maxNonSynchronizingLiteralBytes: number;
  private readonly maxCommandBytes: number;

  private lineChunks: Buffer[] = [];
  private lineLength = 0;
  private segments: CommandSegment[] = [];
  private commandBytes = 0;
  /** After an error or a limit, the rest of the command is framed but thrown away. */
  private discarding = false;
  private tag: string | null = null;
  /** Bytes of literal still expected; the parser is inside a literal while this is above zero. */
  private literalRemaining = 0;
  private literalChunks: Buffer[] = [];
  private literalText: Buffer = Buffer.alloc(0);
  private literalBinary = false;

  constructor(options: IMAPCommandParserOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxLiteralBytes = options.maxLiteralBytes ?? DEFAULT_MAX_LITERAL_BYTES;
    this.maxNonSynchronizingLiteralBytes = options.maxNonSynchronizingLiteralBytes ?? this.maxLiteralBytes;
    this.maxCommandBytes = options.maxCommandBytes ?? this.maxLiteralBytes + 1024 * 1024;
  }

  /** Literal bytes the parser is waiting for (0 outside a literal): a server may feed that much in one piece. */
  get literalBytesExpected(): number {
    return this.literalRemaining;
  }

  /** Whether a command has begun and not ended (a partial line, a literal, or the rest of a line after one): what comes next continues it. */
  get midCommand(): boolean {
    return this.lineLength > 0 || this.literalRemaining > 0 || this.segments.length > 0 || this.discarding;
  }

  /** Feeds the next bytes; returns what they completed, in order. The chunk is copied, not kept. */
  push(chunk: Buffer): ParseEvent[] {
    const events: ParseEvent[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.literalRemaining > 0) {
        const take = Math.min(this.literalRemaining, chunk.length - offset);
        if (!this.discarding) this.literalChunks.push(Buffer.from(chunk.subarray(offset, offset + take)));
        offset += take;
        this.literalRemaining -= take;
        if (this.literalRemaining === 0) this.endLiteral();
        continue;
      }
      const lf = chunk.indexOf(0x0a, offset);
      const end = lf === -1 ? chunk.length : lf;
      this.appendLine(chunk.subarray(offset, end), events);
      offset = end;
      if (lf !== -1) {
        offset = lf + 1;
        this.endLine(events);
      }
    }
    return events;
  }

  private appendLine(bytes: Buffer, events: ParseEvent[]): void {
    if (bytes.length === 0) return;
    this.lineLength += bytes.length;
    this.commandBytes += bytes.length;
    this.lineChunks.push(Buffer.from(bytes));
    if (!this.discarding && this.lineLength > this.maxLineBytes) {
      this.tooLong(events, 'line', this.maxLineBytes);
    } else if (!this.discarding && this.commandBytes > this.maxCommandBytes) {
      this.tooLong(events, 'command', this.maxCommandBytes);
    }
    if (this.discarding) {
      // Keep only the tail, to see whether the skipped line announces a literal we must also skip.
      const joined = Buffer.concat(this.lineChunks);
      this.lineChunks = [Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES)))];
    }
  }

  private endLine(events: ParseEvent[]): void {
    let line = Buffer.concat(this.lineChunks);
    this.lineChunks = [];
    this.lineLength = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    const header = readLiteralHeader(line);
    if (this.discarding) {
      this.skipRest(header);
      return;
    }
    if (!header) {
      this.segments.push({ text: line });
      this.finishCommand(events);
      return;
    }
    const text = line.subarray(0, header.index);
    if (this.segments.length === 0) {
      // Refuse a bad tag before saying "+ Ready", so the client never sends a literal for nothing.
      const tag = text.subarray(0, Math.max(0, text.indexOf(0x20))).toString('latin1');
      if (!isValidTag(tag)) {
        events.push({ kind: 'error', tag: null, message: 'Invalid or missing tag' });
        this.discarding = true;
        this.skipRest(header);
        return;
      }
      this.tag = tag;
    }
    const limit = header.nonSynchronizing ? this.maxNonSynchronizingLiteralBytes : this.maxLiteralBytes;
    const first = this.segments[0]?.text ?? text;
    if (header.binary && !APPEND_COMMAND.test(first.subarray(0, 64).toString('latin1'))) {
      events.push({ kind: 'error', tag: this.tag, message: 'Binary literals are not supported' });
      this.discarding = true;
    } else if (header.size > limit) {
      const what = header.nonSynchronizing && limit < this.maxLiteralBytes ? 'non-synchronizing-literal' : 'literal';
      this.tooLong(events, what, limit, header.size);
    } else if (this.commandBytes + header.size > this.maxCommandBytes) {
      this.tooLong(events, 'command', this.maxCommandBytes, this.commandBytes + header.size);
    }
    if (this.discarding) {
      this.skipRest(header);
      return;
    }
    this.commandBytes += header.size;
    this.literalText = text;
    this.literalBinary = header.binary;
    if (!header.nonSynchronizing) events.push({ kind: 'continuation-needed', tag: this.tag, literalSize: header.size });
    this.literalRemaining = header.size;
    if (header.size === 0) this.endLiteral();
  }

  private endLiteral(): void {
    if (!this.discarding) this.segments.push({ text: this.literalText, literal: Buffer.concat(this.literalChunks), ...(this.literalBinary ? { binary: true } : {}) });
    this.literalChunks = [];
    this.literalText = Buffer.alloc(0);
  }

  /**
   * Ends a discarded command, except that the bytes of a non-synchronising literal arrive whether
   * we want them or not and must be skipped, or they would be read as commands (RFC 7888 §4).
   * A synchronising literal is never sent without our "+", so the command ends here. A literal
   * larger than any we accept is not skipped (that could swallow the connection for good): the
   * server closes the connection after such a too-long event (RFC 7888 §4 allows it).
   */
  private skipRest(header: LiteralHeader | undefined): void {
    if (header?.nonSynchronizing && header.size > 0 && header.size <= this.maxLiteralBytes) {
      this.literalRemaining = header.size;
      return;
    }
    if (header?.nonSynchronizing && header.size === 0) return;
    this.reset();
  }

  private tooLong(events: ParseEvent[], what: TooLongWhat, limit: number, size?: number): void {
    const tag = this.tag ?? this.guessTag();
    events.push(size === undefined ? { kind: 'too-long', tag, what, limit } : { kind: 'too-long', tag, what, limit, size });
    this.discarding = true;
    this.segments = [];
    this.literalChunks = [];
  }

  /** The tag of a command still on its first line, if what has arrived of it starts with a valid one. */
  private guessTag(): string | null {
    const head = Buffer.concat(this.lineChunks).subarray(0, 256);
    const space = head.indexOf(0x20);
    const tag = space === -1 ? '' : head.subarray(0, space).toString('latin1');
    return isValidTag(tag) ? tag : null;
  }

  private finishCommand(events: ParseEvent[]): void {
    const segments = this.segments;
    this.reset();
    // An empty line is no command; answering it with BAD would desynchronise clients that send a stray CRLF.
    if (segments.length === 1 && segments[0]?.text.length === 0) return;
    try {
      events.push({ kind: 'command', command: parseCommandSegments(segments) });
    } catch (error) {
      if (!(error instanceof IMAPGrammarError)) throw error;
      events.push({ kind: 'error', tag: error.tag, message: error.message });
    }
  }

  private reset(): void {
    this.segments = [];
    this.commandBytes = 0;
    this.discarding = false;
    this.tag = null;
    this.literalChunks = [];
    this.literalText = Buffer.alloc(0);
  }
}
