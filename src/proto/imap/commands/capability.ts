// CAPABILITY (RFC 3501 §6.1.1): no arguments.
import { noArguments } from './command-args.js';

export const CAPABILITY = noArguments('CAPABILITY');
