// IDLE (RFC 2177 §3): no arguments; the DONE that ends it is a line of its own, read by the op.
import { noArguments } from './command-args.js';

export const IDLE = noArguments('IDLE');
