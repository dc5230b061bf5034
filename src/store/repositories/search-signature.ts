// PostgreSQL's search index: a fixed-size Bloom signature of each message text's trigrams and pairs, kept on the message row (bit(4096), 512 bytes,
// not the text) and checked with one bitwise AND per row: every trigram of a needle (or a two-character needle itself) must have its bits set there.

/** Bits per signature: a little over half set for 2,000 distinct terms (a few KB of text), so a 10-character needle passes a message without it about once in 10,000. */
export const SIGNATURE_BITS = 4096;

/** FNV-1a over the UTF-16 units of a term; two bit positions from the one hash. */
function bitsOf(term: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return [h % SIGNATURE_BITS, Math.floor(h / SIGNATURE_BITS) % SIGNATURE_BITS];
}

/** Every trigram and every pair (three and two code points) of a text: a needle of two characters is looked up as a pair. */
export function termsOf(text: string): Set<string> {
  const chars = [...text];
  const out = new Set<string>();
  for (let i = 0; i + 2 <= chars.length; i++) {
    out.add(chars[i]! + chars[i + 1]!);
    if (i + 3 <= chars.length) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  }
  return out;
}

/** The signature of these terms as a PostgreSQL bit-string literal ('0'/'1' per bit). */
export function signatureOf(terms: Iterable<string>): string {
  const bits = new Uint8Array(SIGNATURE_BITS).fill(0x30);
  for (const term of terms) for (const bit of bitsOf(term)) bits[bit] = 0x31;
  return Buffer.from(bits).toString('latin1');
}
