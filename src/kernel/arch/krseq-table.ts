// The kernel restartable-sequence table: the (start, end, restart) triples that the KRSEQ macro
// of entry_64.S emits into the __krseq_table section, read from the entry image and sorted at
// boot, as Linux sorts its exception table (sort_main_extable) so that a lookup is a binary
// search. Used on every interrupt or NMI return to kernel mode (src/kernel/entry/krseq.ts).

import type { EntryImage } from './boot.js';

const TWO32 = 4294967296;
/** sizeof(struct krseq_entry): three quadwords. */
export const KRSEQ_ENTRY_SIZE = 24;

export class KrseqTable {
  /** Sorted by start; addresses as the CPU's signed linear-address numbers. */
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly restart: Float64Array;

  constructor(entries: [number, number, number][]) {
    entries.sort((a, b) => a[0] - b[0]);
    const n = entries.length;
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.restart = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [s, e, r] = entries[i];
      // A bad entry is a build bug in the assembly: refuse to boot rather than restart wrongly.
      if (!(s < e)) throw new Error(`__krseq_table entry ${i}: empty range`);
      if (i > 0 && s < this.end[i - 1]) throw new Error(`__krseq_table entry ${i}: overlaps the previous range`);
      this.start[i] = s; this.end[i] = e; this.restart[i] = r;
    }
  }

  get length(): number {
    return this.start.length;
  }

  /** Index of the range holding `ip`, or -1: O(log n), no allocation. */
  find(ip: number): number {
    let lo = 0, hi = this.start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ip < this.start[mid]) hi = mid - 1;
      else if (ip >= this.end[mid]) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}

/** Read the table out of the image between __start___krseq_table and __stop___krseq_table. */
export function krseqTableFromImage(image: EntryImage): KrseqTable {
  const from = image.symbols['__start___krseq_table'];
  const to = image.symbols['__stop___krseq_table'];
  if (from === undefined || to === undefined) return new KrseqTable([]);
  if ((to - from) % KRSEQ_ENTRY_SIZE !== 0) throw new Error('__krseq_table: size is not a multiple of 24');
  const dv = new DataView(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength);
  // Kernel addresses are negative as signed 64-bit values: hi is read signed.
  const q = (off: number) => dv.getInt32(off + 4, true) * TWO32 + dv.getUint32(off, true);
  const entries: [number, number, number][] = [];
  for (let off = from; off < to; off += KRSEQ_ENTRY_SIZE) entries.push([q(off), q(off + 8), q(off + 16)]);
  return new KrseqTable(entries);
}
