// Public surface of MIME analysis: the structure computed once at delivery and its IMAP renderings.
export { parseMessageStructure, type MIMEPart, type MessageStructure } from './message-structure.js';
export { MAX_MIME_DEPTH, MAX_MIME_HEADER_BYTES, MAX_MIME_PARTS, type MIMELimit } from './mime-limits.js';
export { bodyStructureToIMAP, type BodyStructureToIMAPOptions } from './body-structure-to-imap.js';
export { envelopeToIMAP } from './envelope-to-imap.js';
export { imapRenderings, type IMAPRenderings } from './imap-renderings.js';
export { buildEnvelope, type Envelope } from './build-envelope.js';
export { decodeHeaderValue } from './decode-header-value.js';
export { decodeCharset } from './decode-charset.js';
export { parseAddressList, MISSING_DOMAIN, MISSING_MAILBOX, type Address } from './parse-address-list.js';
export { findMIMEPart } from './find-mime-part.js';
export { readHeaderBlock, type HeaderField, type HeaderBlock, type ReadHeaderBlockOptions } from './read-header-block.js';
export { parseContentHeaders, type ContentHeaders, type ContentDisposition, type ParseContentHeadersOptions } from './parse-content-headers.js';
export { imapString, imapNString } from './imap-string.js';
export { decodeTransferEncoding, UnknownTransferEncodingError } from './decode-transfer-encoding.js';
export { encodeBinaryParts } from './encode-binary-parts.js';
