// UNSUBSCRIBE mailbox (RFC 3501 §6.3.7).
import { oneMailbox } from './command-args.js';

export const UNSUBSCRIBE = oneMailbox('UNSUBSCRIBE');
