// UNSELECT (RFC 3691 §2): no arguments.
import { noArguments } from './command-args.js';

export const UNSELECT = noArguments('UNSELECT');
