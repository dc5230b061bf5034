import { describe, expect, it } from 'vitest';
import { flagColumns, HIERARCHY_DELIMITER, isValidKeyword, MAX_MAILBOX_NAME_BYTES } from '../../mailbox/index.js';
import { isFlagKeyword, MAX_KEYWORD_LENGTH } from '../../proto/imap/commands/flag-list.js';
import { flagNames } from './flag-names.js';
import { MAILBOX_NAMING } from './mailbox-naming.js';

describe('flagNames', () => {
  it('names system flags first, then \\Recent when asked, then keywords as stored', () => {
    const row = { ...flagColumns({ seen: true, draft: true, keywords: ['$Label1', 'Work'] }) };
    expect(flagNames(row)).toEqual(['\\Seen', '\\Draft', '$Label1', 'Work']);
    expect(flagNames(row, { recent: true })).toEqual(['\\Seen', '\\Draft', '\\Recent', '$Label1', 'Work']);
    expect(flagNames(flagColumns({}))).toEqual([]);
  });
});

describe('the IMAP grammar and the mailbox model agree', () => {
  it('on keywords: every atom IMAP reads as a keyword is one the model stores, and no other ASCII text', () => {
    for (let code = 0; code < 0x80; code++) {
      const text = `k${String.fromCharCode(code)}`;
      expect(isValidKeyword(text), JSON.stringify(text)).toBe(isFlagKeyword(text));
    }
    expect(isValidKeyword('k'.repeat(MAX_KEYWORD_LENGTH))).toBe(true);
    expect(isValidKeyword('k'.repeat(MAX_KEYWORD_LENGTH + 1))).toBe(false);
  });

  it('on names: LIST patterns use the model delimiter and length limit', () => {
    expect(MAILBOX_NAMING).toEqual({ delimiter: HIERARCHY_DELIMITER, maxNameBytes: MAX_MAILBOX_NAME_BYTES });
    expect([...HIERARCHY_DELIMITER]).toHaveLength(1);
  });
});
