// Parses RFC 3501 `date` and `date-time` (SEARCH SINCE, APPEND internal dates), hand-written because the IMAP server is ours (no IMAP server library of quality exists on npm).

/** A calendar day; SEARCH compares days and ignores time and zone (RFC 3501 §6.4.4). */
export interface IMAPDate {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
}

/** An instant plus the zone the client wrote, kept so INTERNALDATE can be echoed as sent. */
export interface IMAPDateTime {
  date: Date;
  /** Minutes east of UTC (`-0700` is -420). */
  offsetMinutes: number;
}

export const IMAP_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function monthNumber(name: string): number | undefined {
  // Month names are case-insensitive like every IMAP keyword.
  const index = IMAP_MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase());
  return index === -1 ? undefined : index + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkedDate(day: number, monthName: string, year: number): IMAPDate | undefined {
  const month = monthNumber(monthName);
  if (month === undefined || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

const DATE_PATTERN = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/;
// date-day-fixed is `(SP DIGIT) / 2DIGIT`: a single-digit day is padded with a space, not a zero.
const DATE_TIME_PATTERN = /^( [0-9]|[0-9]{2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/;

/** `1-Feb-1994` (RFC 3501 §9 `date-text`, already unquoted); undefined when malformed or not a real day. */
export function parseIMAPDate(text: string): IMAPDate | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  return checkedDate(Number(match[1]), match[2] ?? '', Number(match[3]));
}

/** `17-Jul-1996 02:44:25 -0700` (RFC 3501 §9 `date-time`, without its quotes); undefined when malformed. */
export function parseIMAPDateTime(text: string): IMAPDateTime | undefined {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) return undefined;
  const [, dayText, monthName, yearText, hh, mm, ss, sign, zh, zm] = match;
  const day = checkedDate(Number(dayText?.trim()), monthName ?? '', Number(yearText));
  const hours = Number(hh);
  const minutes = Number(mm);
  const seconds = Number(ss);
  const zoneHours = Number(zh);
  const zoneMinutes = Number(zm);
  // RFC 3501 allows no leap second here; 60 would silently roll over in Date.
  if (!day || hours > 23 || minutes > 59 || seconds > 59 || zoneMinutes > 59) return undefined;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const utc = Date.UTC(day.year, day.month - 1, day.day, hours, minutes, seconds) - offsetMinutes * 60_000;
  return { date: new Date(utc), offsetMinutes };
}
