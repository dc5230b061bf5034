// PostgreSQL's search index: a fixed-size Bloom signature of each message text's trigrams, kept on the message row (bit(4096), 512 bytes,
// not the text) and checked with one bitwise AND per row: every trigram of a needle must have its bits set in the message's signature.

/** Bits per signature: about half set for 2,000 distinct trigrams (a few KB of text), so a 10-character needle passes a message without it about once in 100,000. */
export const SIGNATURE_BITS = 4096;

/** FNV-1a over the UTF-16 units of a trigram; two bit positions from the one hash. */
function bitsOf(trigram: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < trigram.length; i++) {
    h ^= trigram.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return [h % SIGNATURE_BITS, Math.floor(h / SIGNATURE_BITS) % SIGNATURE_BITS];
}

/** Every trigram (three code points) of a text. */
export function trigramsOf(text: string): Set<string> {
  const chars = [...text];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  return out;
}

/** The signature of these trigrams as a PostgreSQL bit-string literal ('0'/'1' per bit). */
export function signatureOf(trigrams: Iterable<string>): string {
  const bits = new Uint8Array(SIGNATURE_BITS).fill(0x30);
  for (const trigram of trigrams) for (const bit of bitsOf(trigram)) bits[bit] = 0x31;
  return Buffer.from(bits).toString('latin1');
}
