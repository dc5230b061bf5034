// The error every per-command grammar raises when a command's arguments do not follow it (answered with a tagged BAD, RFC 3501 §7.1.3).

/** A command's arguments do not follow its grammar: answered with a tagged BAD. */
export class IMAPSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IMAPSyntaxError';
  }
}
