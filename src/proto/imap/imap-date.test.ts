import { describe, expect, it } from 'vitest';
import { parseIMAPDate, parseIMAPDateTime } from './imap-date.js';

describe('parseIMAPDate', () => {
  it('parses RFC 3501 dates (SEARCH SINCE 1-Feb-1994)', () => {
    expect(parseIMAPDate('1-Feb-1994')).toEqual({ year: 1994, month: 2, day: 1 });
    expect(parseIMAPDate('29-feb-2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIMAPDate('31-DEC-1999')).toEqual({ year: 1999, month: 12, day: 31 });
  });

  it.each(['', '1-Feb-94', '0-Feb-1994', '29-Feb-2023', '31-Apr-2020', '1-Fev-1994', '001-Feb-1994', '1 Feb 1994', '1-Feb-1994 '])(
    'refuses %j',
    (text) => {
      expect(parseIMAPDate(text)).toBeUndefined();
    },
  );
});

describe('parseIMAPDateTime', () => {
  it('parses the RFC 3501 APPEND example 17-Jul-1996 02:44:25 -0700', () => {
    expect(parseIMAPDateTime('17-Jul-1996 02:44:25 -0700')).toEqual({ date: new Date('1996-07-17T09:44:25Z'), offsetMinutes: -420 });
  });

  it('reads a space-padded day and an eastern zone', () => {
    expect(parseIMAPDateTime(' 1-Jan-2000 00:30:00 +0130')).toEqual({ date: new Date('1999-12-31T23:00:00Z'), offsetMinutes: 90 });
  });

  it.each(['1-Jan-2000 00:00:00 +0000', '01-Jan-2000 24:00:00 +0000', '01-Jan-2000 00:60:00 +0000', '01-Jan-2000 00:00:60 +0000', '01-Jan-2000 00:00:00 +0060', '01-Jan-2000 00:00:00 0000', '30-Feb-2000 00:00:00 +0000', '01-Jan-2000 00:00:00'])(
    'refuses %j',
    (text) => {
      expect(parseIMAPDateTime(text)).toBeUndefined();
    },
  );
});
