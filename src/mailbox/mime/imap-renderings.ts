// The IMAP text FETCH sends for a message's ENVELOPE, BODY and BODYSTRUCTURE, made once from its structure (at delivery) and stored beside it.
import { bodyStructureToIMAP } from './body-structure-to-imap.js';
import type { Envelope } from './build-envelope.js';
import { envelopeToIMAP } from './envelope-to-imap.js';
import type { MIMEPart } from './message-structure.js';

export interface IMAPRenderings {
  envelope: string;
  /** BODY: BODYSTRUCTURE without its extension data. */
  body: string;
  bodystructure: string;
}

/**
 * The three renderings. They depend on the structure alone, never on the connection: strings that
 * are not 7-bit single-line go as literals whether or not the client enabled UTF8=ACCEPT, and
 * non-ASCII parameters as RFC 2231 values, so one stored text answers every session.
 */
export function imapRenderings(structure: { root: MIMEPart; envelope: Envelope }): IMAPRenderings {
  return {
    envelope: envelopeToIMAP(structure.envelope),
    body: bodyStructureToIMAP(structure.root, { extensible: false }),
    bodystructure: bodyStructureToIMAP(structure.root, { extensible: true }),
  };
}
