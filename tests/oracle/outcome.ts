// The state a case leaves behind, in one shape for both sides (host and ringside), so that one
// comparison serves both: how the case ended (completed, or which exception with which error
// code at which RIP), the general registers, RFLAGS, the FXSAVE image and the two data pages.

export const END_DONE = 0;      // reached the end of the code
export const END_FAULT = 1;     // an exception (vector, error code, rip; addr for #PF)
export const END_HARNESS = 2;   // the harness could not run the case (text in `note`)

export class Outcome {
  end = END_DONE;
  vector = -1;
  err = 0;
  /** RIP at the end: the end of the code, or where the exception was reported. */
  rip = 0;
  /** CR2 / si_addr for #PF, as lo/hi halves. */
  addrLo = 0;
  addrHi = 0;
  /** GPRs as [lo, hi] uint32 pairs in architectural order (rax rcx rdx rbx rsp rbp rsi rdi r8-r15). */
  readonly gpr = new Uint32Array(32);
  rflags = 0;
  readonly fx = new Uint8Array(512);
  /** Final contents of the data page (0-4095) and the stack page (4096-8191). */
  readonly mem = new Uint8Array(8192);
  note = '';

  reset(): void {
    this.end = END_DONE;
    this.vector = -1;
    this.err = 0;
    this.rip = 0;
    this.addrLo = 0;
    this.addrHi = 0;
    this.rflags = 0;
    this.note = '';
  }
}

export function hex64(lo: number, hi: number): string {
  return '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}
