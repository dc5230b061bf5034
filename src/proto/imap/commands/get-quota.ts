// GETQUOTA quota-root (RFC 9208 §4.2).
import type { OneArgumentRequest } from './command-args.js';
import { astring, oneArgument } from './command-args.js';

export type GetQuotaRequest = OneArgumentRequest<'GETQUOTA', 'root', string>;

export const GETQUOTA = oneArgument('GETQUOTA', 'root', astring);
