// Generated IMAP input for the fuzz bench (fast-check arbitraries): commands of every kind a client may send in each state, the same commands bent out of shape, and bytes with no shape at all.
import fc from 'fast-check';

/** Mailbox names: existing, special-use, hierarchical, modified UTF-7 (valid and not), odd quoting. */
const MAILBOXES = ['INBOX', 'inbox', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive', 'fuzz', 'fuzz/a', 'fuzz/a/b', 'fuzz.b', '&AGUAbgB0-', '&Jjo-', '&Jjo', '&-', '&', '%', '*', 'fuzz/*', '', 'Nonexistent', 'INBOX/x', '"quoted"', 'a b', 'x\\y', '~user', '..', '/'];
/** Sequence sets and things that look like them. */
const SEQUENCES = ['1', '2', '1:*', '*', '*:1', '2,4:6', '1:3,5,7:*', '0', '0:*', '4294967295', '4294967296', '1:4294967295', '$', '1,', ',1', '1::2', '18446744073709551616', '1:1:1', '-1', 'abc'];
const FETCH_ITEMS = [
  'FLAGS', 'UID', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'INTERNALDATE', 'RFC822.SIZE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ', 'ALL', 'FAST', 'FULL',
  'BODY[]', 'BODY.PEEK[]', 'BODY[TEXT]', 'BODY[HEADER]', 'BODY[1]', 'BODY[1.1]', 'BODY[2.MIME]', 'BODY[1.2.3.4.5]', 'BODY[0]', 'BODY[HEADER.FIELDS (From Subject)]', 'BODY.PEEK[HEADER.FIELDS.NOT (Received)]',
  'BODY[]<0.10>', 'BODY[]<5.0>', 'BODY[TEXT]<4294967295.1>', 'BODY[]<0.4294967296>', 'BINARY[]', 'BINARY.PEEK[1]', 'BINARY[1]<0.3>', 'BINARY.SIZE[1]', 'BINARY.SIZE[]', 'BINARY[1.MIME]', 'BODY[1.TEXT]', 'BODY[HEADER.FIELDS ()]', 'BODY[HEADER.FIELDS]', 'BODY[', 'BODY]', 'X-UNKNOWN', 'BODY[1 BODY[1', 'PREVIEW', 'EMAILID', 'SAVEDATE',
];
const FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '\\Recent', '\\*', '$Forwarded', '$Junk', '$label1', 'NIL', 'keyword', '\\Unknown', 'k%', 'k*', 'k]', 'k(', '"quoted"'];
const SEARCH_KEYS = [
  'ALL', 'ANSWERED', 'DELETED', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNSEEN', 'DRAFT', 'UNDRAFT', 'UNANSWERED', 'UNDELETED', 'UNFLAGGED',
  'FROM alice', 'TO "bob"', 'CC x', 'BCC y', 'SUBJECT NIL', 'SUBJECT {3}\r\nabc', 'SUBJECT {3+}\r\nabc', 'BODY hello', 'TEXT ""', 'HEADER Message-ID x', 'HEADER "" ""', 'KEYWORD $label1', 'UNKEYWORD \\Seen',
  'BEFORE 1-Jan-2000', 'ON 31-Dec-2026', 'SINCE 29-Feb-2027', 'SENTBEFORE 1-Jan-1970', 'SENTON 01-Feb-2026', 'SENTSINCE 32-Jan-2026', 'SINCE "1-Jan-2026"', 'YOUNGER 60', 'OLDER 0',
  'LARGER 0', 'SMALLER 4294967296', 'LARGER -1', 'UID 1:*', 'UID $', '1:*', '$', 'MODSEQ 0', 'MODSEQ "/flags/\\\\Seen" all 5', 'NOT ALL', 'OR SEEN UNSEEN', 'OR', 'NOT', '(SEEN (UNSEEN (ALL)))', '()', '((((((((((((((((ALL))))))))))))))))', 'CHARSET UTF-8 ALL', 'CHARSET X-BOGUS ALL', 'FUZZYKEY',
];
const STATUS_ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'APPENDLIMIT', 'MAILBOXID', 'X-BOGUS'];
const ATOMISH = ['NIL', '""', '()', '(', ')', '[', ']', '{0}\r\n', '{1}\r\nx', '{2+}\r\nab', '~{1}\r\nx', '"\\"', '"a\\"b"', '\\', '*', '%', '1:*', '0', '-', 'x'];

const pick = (list) => fc.constantFrom(...list);
const some = (list, max) => fc.uniqueArray(pick(list), { minLength: 0, maxLength: max });

/** A mailbox argument written as an atom, a quoted string or a literal (either kind). */
const mailbox = fc.tuple(pick(MAILBOXES), fc.nat({ max: 9 })).map(([name, how]) => {
  if (how <= 4 && /^[A-Za-z0-9&/.\-_+~*%]+$/.test(name)) return name;
  if (how <= 7) return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const bytes = Buffer.byteLength(name);
  return how === 8 ? `{${bytes}}\r\n${name}` : `{${bytes}+}\r\n${name}`;
});
const flagList = some(FLAGS, 4).map((flags) => `(${flags.join(' ')})`);
const fetchItems = fc.oneof(pick(FETCH_ITEMS), some(FETCH_ITEMS, 5).map((items) => `(${items.join(' ')})`));
const searchKeys = fc.array(pick(SEARCH_KEYS), { minLength: 0, maxLength: 4 }).map((keys) => keys.join(' '));
const date = pick(['"01-Jan-2026 10:00:00 +0000"', '"1-Feb-2026 00:00:00 -1200"', '"31-Dec-1969 23:59:59 +0000"', '"32-Jan-2026 10:00:00 +0000"', '"01-Jan-2026 25:00:00 +0000"', '"junk"', 'NIL', '01-Jan-2026']);

/** A small message (sometimes multipart, sometimes broken) for APPEND. */
const message = fc
  .tuple(fc.nat({ max: 4 }), fc.string({ maxLength: 30 }))
  .map(([kind, text]) => {
    const body = text.replace(/\r?\n/g, '\r\n');
    if (kind === 0) return `Subject: fuzz\r\nFrom: <a@b>\r\n\r\n${body}\r\n`;
    if (kind === 1) return `Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n${body}\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ninner\r\n--x--\r\n`;
    if (kind === 2) return `Content-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n--y\r\n${body}`;
    if (kind === 3) return '';
    return `${body}\0\x80\xff`;
  });

/** APPEND with every literal kind, with and without flags and date, and CATENATE-like leftovers. */
const append = fc.tuple(mailbox, fc.option(flagList), fc.option(date), message, fc.nat({ max: 5 })).map(([box, flags, when, body, how]) => {
  const size = Buffer.byteLength(body, 'latin1');
  const literal = ['{%}', '{%+}', '~{%}', '~{%+}', '{%}', '(UTF8 ~{%})'][how].replace('%', String(size));
  const close = how === 5 ? ')' : '';
  return `APPEND ${box}${flags ? ` ${flags}` : ''}${when ? ` ${when}` : ''} ${literal}\r\n${body}${close}`;
});

const uid = fc.constantFrom('', 'UID ');

/** One command of any kind, arguments drawn from the pools above (every state: the server answers BAD or NO where one does not apply). */
export const command = fc.oneof(
  { arbitrary: pick(['NOOP', 'CAPABILITY', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'NAMESPACE', 'LOGOUT', 'ID NIL', 'ID ("name" "fuzz" "version" "1")', 'ID ("a")', 'ENABLE CONDSTORE', 'ENABLE QRESYNC', 'ENABLE UTF8=ACCEPT IMAP4rev2', 'ENABLE', 'GETQUOTAROOT INBOX', 'GETQUOTA ""', 'SETQUOTA "" (STORAGE 1)', 'LIST "" ""', 'LSUB "" *', 'UID EXPUNGE 1:*', 'X-UNKNOWN', 'UID', 'UID BOGUS 1']), weight: 4 },
  { arbitrary: fc.tuple(uid, pick(SEQUENCES), fetchItems, fc.option(pick(['(CHANGEDSINCE 1)', '(CHANGEDSINCE 0 VANISHED)', '(BOGUS)', '()']))).map(([u, s, items, mod]) => `${u}FETCH ${s} ${items}${mod ? ` ${mod}` : ''}`), weight: 6 },
  { arbitrary: fc.tuple(uid, pick(SEQUENCES), fc.option(pick(['(UNCHANGEDSINCE 5)', '(UNCHANGEDSINCE 0)'])), pick(['FLAGS', '+FLAGS', '-FLAGS', 'FLAGS.SILENT', '+FLAGS.SILENT', '-FLAGS.SILENT', 'FLAGGS']), fc.oneof(flagList, pick(FLAGS))).map(([u, s, mod, op, f]) => `${u}STORE ${s}${mod ? ` ${mod}` : ''} ${op} ${f}`), weight: 4 },
  { arbitrary: fc.tuple(uid, fc.option(pick(['RETURN ()', 'RETURN (MIN MAX COUNT ALL)', 'RETURN (SAVE)', 'RETURN (BOGUS)', 'RETURN'])), searchKeys).map(([u, ret, keys]) => `${u}SEARCH${ret ? ` ${ret}` : ''} ${keys}`), weight: 5 },
  { arbitrary: fc.tuple(uid, pick(['COPY', 'MOVE']), pick(SEQUENCES), mailbox).map(([u, verb, s, box]) => `${u}${verb} ${s} ${box}`), weight: 3 },
  { arbitrary: fc.tuple(pick(['SELECT', 'EXAMINE']), mailbox, fc.option(pick(['(CONDSTORE)', '(QRESYNC (1 1))', '(QRESYNC (1 1 1:* (1 1)))', '(BOGUS)', '()']))).map(([verb, box, p]) => `${verb} ${box}${p ? ` ${p}` : ''}`), weight: 3 },
  { arbitrary: fc.tuple(pick(['CREATE', 'DELETE', 'SUBSCRIBE', 'UNSUBSCRIBE']), mailbox).map(([verb, box]) => `${verb} ${box}`), weight: 2 },
  { arbitrary: fc.tuple(mailbox, mailbox).map(([a, b]) => `RENAME ${a} ${b}`), weight: 1 },
  { arbitrary: fc.tuple(mailbox, some(STATUS_ITEMS, 5)).map(([box, items]) => `STATUS ${box} (${items.join(' ')})`), weight: 2 },
  { arbitrary: fc.tuple(pick(['LIST', 'LSUB']), fc.option(pick(['(SUBSCRIBED)', '(SUBSCRIBED RECURSIVEMATCH)', '(RECURSIVEMATCH)', '(SPECIAL-USE)', '()'])), mailbox, mailbox, fc.option(pick(['RETURN (SUBSCRIBED CHILDREN)', 'RETURN (STATUS (MESSAGES UNSEEN))', 'RETURN (SPECIAL-USE)', 'RETURN ()']))).map(([verb, sel, ref, pat, ret]) => `${verb}${sel ? ` ${sel}` : ''} ${ref} ${pat}${ret ? ` ${ret}` : ''}`), weight: 3 },
  { arbitrary: append, weight: 3 },
);

/** Ways to bend a command: case, spacing, a token dropped or added, cut short, a byte changed. */
export const mutated = fc.tuple(command, fc.nat({ max: 7 }), fc.nat(), pick(ATOMISH), fc.integer({ min: 0, max: 255 })).map(([text, how, at, token, byte]) => {
  const i = text.length === 0 ? 0 : at % text.length;
  switch (how) {
    case 0:
      return text.toLowerCase();
    case 1:
      return text.replace(/ /g, '  ');
    case 2:
      return `${text.slice(0, i)} ${token} ${text.slice(i)}`;
    case 3:
      return text.slice(0, i);
    case 4:
      return `${text.slice(0, i)}${String.fromCharCode(byte)}${text.slice(i + 1)}`;
    case 5:
      return text.split(' ').filter((_, k) => k !== at % 4).join(' ');
    case 6:
      return `${text} ${token}`;
    default:
      return `${text}\t`;
  }
});

/** Bytes that steer framing into its corners: literal headers, quotes, brackets, CR and LF. */
const imapishBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...' \r\n(){}[]<>"\\*+~.:,0123456789NIL'.split('').map((c) => c.charCodeAt(0)))), { maxLength: 400 })
  .map((bytes) => Buffer.from(bytes).toString('latin1'));
/** Pieces of commands run together in the wrong order. */
const pieces = fc
  .array(fc.oneof(pick(['A1 ', 'x ', '{3}\r\n', '{2+}\r\n', '~{1}\r\n', '{0}\r\n', '\r\n', '\n', 'BODY[', ']', '<0.5>', '(', ')', '"', 'FETCH ', 'SEARCH ', 'STORE ', '1:*', 'NIL ', '\\Seen', '{4294967296}\r\n', '{99999999999999999999}\r\n', '{8193}\r\n', '{4097+}\r\n']), fc.string({ maxLength: 5 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** Input with no shape: random bytes, IMAP-flavoured bytes, shuffled pieces. */
export const junk = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')), imapishBytes, pieces);

/** Input far past the limits: a very long line, a long run of literals, deep nesting. Rare in a run: each is large. */
export const oversized = fc.oneof(
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => `NOOP ${'a'.repeat(n)}`),
  fc.integer({ min: 200, max: 2000 }).map((n) => `SEARCH ${'('.repeat(n)}ALL${')'.repeat(n)}`),
  fc.integer({ min: 100, max: 3000 }).map((n) => `SEARCH ${'SUBJECT {1+}\r\nx '.repeat(n)}ALL`),
  fc.integer({ min: 100, max: 3000 }).map((n) => `FETCH 1 (${'BODY[1] '.repeat(n)})`),
  fc.integer({ min: 100, max: 5000 }).map((n) => `FETCH ${Array.from({ length: n }, (_, i) => String(i + 1)).join(',')} UID`),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => `STORE 1 +FLAGS (${Array.from({ length: n >> 4 }, (_, i) => `k${i}`).join(' ')})`),
);

/** A tag: usually a fresh valid one, sometimes none, a reused or invalid one. */
export function tagFor(index, kind) {
  if (kind === 0) return '';
  if (kind === 1) return '* ';
  if (kind === 2) return '+ ';
  if (kind === 3) return 'a{b} ';
  return `F${index} `;
}

/**
 * An exchange that takes the connection out of command reading: IDLE and its DONE (or something
 * else), AUTHENTICATE and a cancel or a malformed response (never a guessable credential: failed
 * sign-ins would throttle the fuzzing address), STARTTLS followed by a real handshake or by junk.
 */
export const scripted = fc.record({
  kind: pick(['idle', 'idle', 'auth', 'starttls']),
  line: fc.oneof(pick(['DONE', 'done', ' DONE ', '*', 'DONE DONE', '']), junk.map((j) => `!${j.replace(/[\r\n]/g, ' ')}`)),
  handshake: fc.boolean(),
});

/**
 * One step of a session: a few lines of commands (valid, bent or junk), each usually with a
 * fresh tag. `tags` numbers the tags so every command of a session is told apart.
 */
export const step = fc.tuple(
  fc.array(fc.tuple(fc.oneof({ arbitrary: command, weight: 60 }, { arbitrary: mutated, weight: 30 }, { arbitrary: junk, weight: 20 }, { arbitrary: oversized, weight: 1 }), fc.nat({ max: 40 })), { minLength: 1, maxLength: 6 }),
  fc.boolean(),
  fc.oneof({ arbitrary: fc.constant(null), weight: 7 }, { arbitrary: scripted, weight: 1 }),
);

/** The text of a step: lines joined (tags numbered from `base`), and whether they go out in one write or one per line. */
export function stepText([lines], base) {
  return lines.map(([text, tagKind], i) => `${tagFor(base + i, tagKind)}${text}\r\n`).join('');
}
