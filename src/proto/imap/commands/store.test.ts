import { describe, expect, it } from 'vitest';
import { requestOf, requestWhateverTheSplit } from '../imap-test-support.js';
import type { IMAPCommandSpec } from './imap-command-spec.js';
import type { StoreRequest } from './store.js';
import { STORE, UID_STORE } from './store.js';

const grammarOf = (text: string): IMAPCommandSpec<StoreRequest> => (/^\S+ UID /i.test(text) ? UID_STORE : STORE);
const store = (text: string): StoreRequest => requestOf(grammarOf(text), text);

describe('STORE grammar', () => {
  it('reads the UID form, FLAGS and -FLAGS, keywords, and flags separated by spaces (RFC 3501 §9 store-att-flags)', () => {
    expect(store('a UID STORE 1:* flags \\Seen $Label1 \\Recent\r\n')).toMatchObject({ name: 'UID STORE', uid: true, mode: 'replace', flags: { seen: true, keywords: ['$Label1'] } });
    expect(store('a STORE 1 -FLAGS.SILENT (\\Answered \\Flagged \\Draft)\r\n')).toMatchObject({ mode: 'remove', silent: true, flags: { answered: true, flagged: true, draft: true } });
    expect(store('a STORE 1 +FLAGS ()\r\n')).toMatchObject({ flags: { keywords: [] } });
  });


  it('gives the same request however the bytes were split', () => {
    const request = requestWhateverTheSplit(UID_STORE, 's1 UID STORE 4:2,9 (UNCHANGEDSINCE 12) -FLAGS.SILENT (\\Seen $Junk)\r\n');
    expect(request).toMatchObject({ set: [{ start: 4, end: 2 }, { start: 9, end: 9 }], unchangedSince: 12, mode: 'remove', flags: { seen: true, keywords: ['$Junk'] } });
  });
});
