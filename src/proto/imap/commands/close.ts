// CLOSE (RFC 3501 §6.4.2): no arguments.
import { noArguments } from './command-args.js';

export const CLOSE = noArguments('CLOSE');
