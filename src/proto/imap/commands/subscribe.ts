// SUBSCRIBE mailbox (RFC 3501 §6.3.6).
import { oneMailbox } from './command-args.js';

export const SUBSCRIBE = oneMailbox('SUBSCRIBE');
