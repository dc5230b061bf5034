// The UIDs of a mailbox view in sequence order, kept as ranges: an idle connection on a 10,000-message mailbox holds a few numbers, not 10,000.

/**
 * UIDs only grow and messages mostly leave in runs, so a mailbox's UIDs are a handful of
 * ascending ranges. Lookups walk the ranges (O(ranges)); a heavily fragmented mailbox costs what
 * a plain array would, never more.
 */
export class UidList {
  /** Flat [start0, end0, start1, end1, …], inclusive, ascending, non-adjacent. */
  #ranges: number[] = [];
  #length = 0;

  static from(uids: Iterable<number>): UidList {
    const list = new UidList();
    for (const uid of uids) list.push(uid);
    return list;
  }

  get length(): number {
    return this.#length;
  }

  get last(): number | undefined {
    return this.#ranges.length === 0 ? undefined : this.#ranges[this.#ranges.length - 1];
  }

  /** Appends a UID above every UID in the list. */
  push(uid: number): void {
    const last = this.last;
    if (last !== undefined && uid <= last) throw new RangeError('UIDs must be appended in ascending order');
    if (last !== undefined && uid === last + 1) this.#ranges[this.#ranges.length - 1] = uid;
    else this.#ranges.push(uid, uid);
    this.#length++;
  }

  /** The UID at a 1-based sequence number. */
  at(seq: number): number | undefined {
    if (seq < 1 || seq > this.#length) return undefined;
    let before = 0;
    for (let i = 0; i < this.#ranges.length; i += 2) {
      const size = this.#ranges[i + 1]! - this.#ranges[i]! + 1;
      if (seq <= before + size) return this.#ranges[i]! + (seq - before - 1);
      before += size;
    }
    return undefined;
  }

  /** The 1-based sequence number of a UID, or undefined. */
  seqOf(uid: number): number | undefined {
    let before = 0;
    for (let i = 0; i < this.#ranges.length; i += 2) {
      const start = this.#ranges[i]!;
      const end = this.#ranges[i + 1]!;
      if (uid < start) return undefined;
      if (uid <= end) return before + (uid - start) + 1;
      before += end - start + 1;
    }
    return undefined;
  }

  /** Removes a UID; returns the sequence number it had. */
  remove(uid: number): number | undefined {
    let before = 0;
    for (let i = 0; i < this.#ranges.length; i += 2) {
      const start = this.#ranges[i]!;
      const end = this.#ranges[i + 1]!;
      if (uid < start) return undefined;
      if (uid <= end) {
        if (start === end) this.#ranges.splice(i, 2);
        else if (uid === start) this.#ranges[i] = start + 1;
        else if (uid === end) this.#ranges[i + 1] = end - 1;
        else this.#ranges.splice(i, 2, start, uid - 1, uid + 1, end);
        this.#length--;
        return before + (uid - start) + 1;
      }
      before += end - start + 1;
    }
    return undefined;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.#ranges.length; i += 2) {
      for (let uid = this.#ranges[i]!; uid <= this.#ranges[i + 1]!; uid++) yield uid;
    }
  }

  /** Ranges as [start, end] pairs (for UID set matching without visiting every UID). */
  *ranges(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.#ranges.length; i += 2) yield [this.#ranges[i]!, this.#ranges[i + 1]!];
  }
}
