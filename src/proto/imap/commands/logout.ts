// LOGOUT (RFC 3501 §6.1.3): no arguments.
import { noArguments } from './command-args.js';

export const LOGOUT = noArguments('LOGOUT');
