// The MIME limits every reader of a stored message keeps: the structure walker behind IMAP, and the webmail (mailparser's options and its partial view), so both show the same parts.
//
// They are fixed, not settings: they bound the work and memory one hostile message can cost a
// reader (a remote sender chooses every byte), and a reader that used other limits than the
// walker would show other parts than IMAP does.

/**
 * Multiparts and embedded messages nested deeper than this are opaque (one application/octet-stream
 * part): a message 10,000 levels deep would otherwise cost a stack frame and a rescan per level.
 * Twenty levels hold half a dozen forwards of forwards; mail nested deeper is made, not written.
 */
export const MAX_MIME_DEPTH = 20;

/**
 * The most MIME entities (the message, every multipart and every part) one message is split into.
 * Past it, boundaries are no longer looked for and the part then open runs to the end, as in
 * Dovecot. mailparser's splitter refuses a message at the same count (its own default), and a
 * reading pane cannot show a thousand parts usefully anyway.
 */
export const MAX_MIME_PARTS = 1_000;

/**
 * The largest header block of one entity, in bytes, that the webmail decodes (mailparser's
 * `maxHeadSize`, its own default). IMAP serves header bytes as stored and needs no such limit; the
 * walker only reports a block past it, so the webmail can show that message in part.
 */
export const MAX_MIME_HEADER_BYTES = 1024 * 1024;

/** A limit a message ran into: past it, the structure (and so IMAP and the webmail) show it in part. */
export type MIMELimit = 'depth' | 'parts' | 'header';
