// --inject=irq:every and --inject=nmi:every: raise an interrupt (or NMI) at each instruction
// boundary of the entry and exit code in turn across a run. Kernel visit v (from a user-mode
// entry to the next return to user mode) gets its event at boundary v mod L, where L is the
// longest visit seen so far, so a syscall-heavy run hits every position of the path.
//
// A maskable interrupt raised while the entry code runs with IF=0 stays pending until the
// return to user mode enables interrupts; an NMI is taken at once, wherever the CPU is: before
// SWAPGS, on the user's stack, between SWAPGS and SYSRET.

import type { Cpu } from '../../cpu/cpu.js';

/** The vector injected maskable interrupts use (an otherwise unused device vector). */
export const INJECT_VECTOR = 0x41;

export class Injector {
  visits = 0;
  injected = 0;
  private pos = 0;
  private longest = 1;
  private done = false;
  /** The current visit handles an injected interrupt: inject nothing in it (or the program would never run again). */
  private skip = false;
  constructor(readonly kind: 'irq' | 'nmi') {}

  /** The kernel was entered from user mode by an injected interrupt. */
  onInjectedEntry(): void {
    this.skip = true;
  }

  onKernelInstruction(cpu: Cpu): void {
    if (this.skip) return;
    if (!this.done && this.pos === this.visits % this.longest) {
      this.done = true;
      this.injected++;
      if (this.kind === 'nmi') cpu.nmiPending = true;
      else cpu.irqVector = INJECT_VECTOR;
    }
    this.pos++;
  }

  onReturnToUser(): void {
    if (this.skip) { this.skip = false; return; }
    if (this.pos > this.longest) this.longest = this.pos;
    this.visits++;
    this.pos = 0;
    this.done = false;
  }
}
