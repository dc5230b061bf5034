// GETQUOTAROOT mailbox (RFC 9208 §4.3).
import { oneMailbox } from './command-args.js';

export const GETQUOTAROOT = oneMailbox('GETQUOTAROOT');
