// NOOP and CHECK (RFC 3501 §6.1.2, §6.4.1; CHECK is gone from IMAP4rev2): no arguments.
import { noArguments } from './command-args.js';

export const NOOP = noArguments('NOOP');
export const CHECK = noArguments('CHECK');
