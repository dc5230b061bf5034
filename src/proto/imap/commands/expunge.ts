// EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE sequence-set (UIDPLUS, RFC 4315 §2.1).
import type { OneArgumentRequest } from './command-args.js';
import { noArguments, oneArgument, sequenceSet } from './command-args.js';
import type { SequenceSet } from '../sequence-set.js';

export const EXPUNGE = noArguments('EXPUNGE');

export type UidExpungeRequest = OneArgumentRequest<'UID EXPUNGE', 'set', SequenceSet>;

export const UID_EXPUNGE = oneArgument('UID EXPUNGE', 'set', sequenceSet);
