// DELETE mailbox (RFC 3501 §6.3.4, RFC 9051 §6.3.5).
import { oneMailbox } from './command-args.js';

export const DELETE = oneMailbox('DELETE');
