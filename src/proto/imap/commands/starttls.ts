// STARTTLS (RFC 3501 §6.2.1): no arguments.
import { noArguments } from './command-args.js';

export const STARTTLS = noArguments('STARTTLS');
