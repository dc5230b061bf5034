// Parses, validates, formats and expands IMAP sequence sets (RFC 3501 §9 `sequence-set`), which are hand-written because the IMAP server is ours (no IMAP server library of quality exists on npm).

/** One number of a sequence set; `'*'` stands for the largest number in use (RFC 3501 §9 `seq-number`). */
export type SequenceNumber = number | '*';

/** `start:end` in the order the client wrote it (RFC 3501 allows `4:2` for `2:4`); a single number has start === end. */
export interface SequenceRange {
  start: SequenceNumber;
  end: SequenceNumber;
}

/** A non-empty list of ranges, unsorted and possibly overlapping, exactly as sent. */
export type SequenceSet = SequenceRange[];

/** nz-number is a 32-bit unsigned integer (RFC 3501 §9 `number`); anything larger is a syntax error, not a wrap. */
export const MAX_SEQUENCE_NUMBER = 4_294_967_295;

const NUMBER_PATTERN = /^[1-9][0-9]{0,9}$/;

function parseSequenceNumber(text: string): SequenceNumber | undefined {
  if (text === '*') return '*';
  if (!NUMBER_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_SEQUENCE_NUMBER ? value : undefined;
}

/**
 * Parses `1:*,5,7:9`; returns undefined for anything that is not a valid sequence set (empty set or
 * element, zero, leading zeros, a number above 2^32-1, or any other character).
 */
export function parseSequenceSet(text: string): SequenceSet | undefined {
  if (text.length === 0) return undefined;
  const ranges: SequenceSet = [];
  for (const element of text.split(',')) {
    const bounds = element.split(':');
    if (bounds.length > 2) return undefined;
    const start = parseSequenceNumber(bounds[0] ?? '');
    const end = bounds.length === 2 ? parseSequenceNumber(bounds[1] ?? '') : start;
    if (start === undefined || end === undefined) return undefined;
    ranges.push({ start, end });
  }
  return ranges;
}

/** Formats a set back to its wire form (`2:4,*`). */
export function formatSequenceSet(set: SequenceSet): string {
  return set
    .map(({ start, end }) => (start === end ? String(start) : `${String(start)}:${String(end)}`))
    .join(',');
}

/**
 * The sorted, distinct numbers of `set` that exist when `max` is the largest one in use (`*` = max).
 * Numbers above `max` are dropped, which is right for UIDs (RFC 3501 §6.4.8); for message sequence
 * numbers the caller checks `hasNumberAbove` first and answers BAD. The work is bounded by `max`,
 * never by what the client wrote, so `1:4294967295` on a small mailbox costs nothing.
 */
export function expand(set: SequenceSet, max: number): number[] {
  if (max < 1) return [];
  const resolve = (n: SequenceNumber): number => (n === '*' ? max : n);
  const seen = new Uint8Array(max + 1);
  for (const range of set) {
    const a = resolve(range.start);
    const b = resolve(range.end);
    const low = Math.min(a, b);
    const high = Math.min(Math.max(a, b), max);
    for (let n = low; n <= high; n++) seen[n] = 1;
  }
  const numbers: number[] = [];
  for (let n = 1; n <= max; n++) if (seen[n] === 1) numbers.push(n);
  return numbers;
}

/** Whether the set names a number above `max` (`*` never does); a message sequence number above EXISTS is a BAD (RFC 3501 §9). */
export function hasNumberAbove(set: SequenceSet, max: number): boolean {
  return set.some(({ start, end }) => (start !== '*' && start > max) || (end !== '*' && end > max));
}

/** The UIDs as a compact sequence set ("1:3,7"), sorted and without repeats: what VANISHED, COPYUID and ESEARCH send. */
export function formatUids(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
