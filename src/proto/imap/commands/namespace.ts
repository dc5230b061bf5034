// NAMESPACE (RFC 2342 §5, RFC 9051 §6.3.10): no arguments.
import { noArguments } from './command-args.js';

export const NAMESPACE = noArguments('NAMESPACE');
