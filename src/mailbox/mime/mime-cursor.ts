// A cursor over a structured MIME header value (RFC 2045 §5.1 tokens, RFC 5322 §3.2 comments) for the fields that carry no parameters.

/** RFC 2045 tspecials; a token is any printable ASCII character except space and these. */
const TSPECIALS = new Set(['(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=']);

function isTokenChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.has(char);
}

export class MIMECursor {
  pos = 0;

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  /**
   * Skips whitespace and comments. Comments nest (RFC 5322 §3.2.2); the depth is a counter, not
   * recursion, so "((((…" cannot exhaust the stack, and an unclosed comment runs to the end.
   */
  skipCFWS(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const char = text.charAt(this.pos);
      if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
        this.pos++;
      } else if (char === '(') {
        let depth = 0;
        while (this.pos < text.length) {
          const c = text.charAt(this.pos);
          if (c === '\\') this.pos++;
          else if (c === '(') depth++;
          else if (c === ')' && --depth === 0) {
            this.pos++;
            break;
          }
          this.pos++;
        }
      } else {
        return;
      }
    }
  }

  /** Reads an RFC 2045 token; '' when the cursor is not at one. */
  readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text.charAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }
}
