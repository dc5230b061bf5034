// The error a grammar raises for a command that is well formed but names what cannot exist (answered with a tagged NO, RFC 3501 §7.1.2).

/**
 * A well-formed command asks for something no mailbox can be, such as a name that is not valid
 * modified UTF-7: a tagged NO with a response code (RFC 5530), not a BAD, because the client's
 * syntax was right.
 */
export class IMAPRefusal extends Error {
  constructor(
    message: string,
    /** The RFC 5530 response code, e.g. CANNOT. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'IMAPRefusal';
  }
}
