// AUTH [mechanism [initial-response]] (RFC 5034): SASL authentication, with the initial response on the command line (SASL-IR).
import type { POP3CommandSpec } from '../pop3-command.js';
import { splitArguments } from '../pop3-command.js';

/** RFC 4422 §3.1: mechanism names are 1–20 characters of A–Z, 0–9, '-' and '_'. */
const MECHANISM = /^[A-Z0-9_-]{1,20}$/;
/** Base64, or '=' for an empty initial response (RFC 5034 §4). */
const INITIAL_RESPONSE = /^(?:[A-Za-z0-9+/]*={0,2}|=)$/;

export const AUTH = {
  verb: 'AUTH',
  states: ['AUTHORIZATION'],
  parse(args) {
    const parts = splitArguments(args);
    if (parts.length === 0) return { ok: true, command: { verb: 'AUTH' } };
    if (parts.length > 2) return { ok: false, message: 'AUTH takes a mechanism and at most one initial response' };
    const mechanism = parts[0]!.toUpperCase();
    if (!MECHANISM.test(mechanism)) return { ok: false, message: 'Invalid SASL mechanism name' };
    if (parts.length === 1) return { ok: true, command: { verb: 'AUTH', mechanism } };
    const initialResponse = parts[1]!;
    if (!INITIAL_RESPONSE.test(initialResponse)) return { ok: false, message: 'The initial response is not base64' };
    return { ok: true, command: { verb: 'AUTH', mechanism, initialResponse } };
  },
} as const satisfies POP3CommandSpec<'AUTH'>;
