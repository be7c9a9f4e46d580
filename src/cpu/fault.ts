// How an instruction reports an architectural exception.
//
// Instruction handlers run deep inside the interpreter loop; when one must raise #GP, #PF, #UD
// and so on, it records the vector and error code in the CPU's `fault` record and throws the
// single preallocated FAULT token. The loop catches it at the instruction boundary, rolls RIP
// back to the faulting instruction (faults) or leaves it after it (traps) and delivers the
// exception through the IDT (SDM Vol. 3 §6.5: faults report the faulting instruction's RIP).
// Throwing one shared object keeps the hot path free of allocation and stack capture.

export class FaultRecord {
  vector = 0;
  errorCode = 0;
  hasErrorCode = false;
  /** CR2 value for #PF. */
  address = 0;
}

/** The token thrown for every architectural exception. Never an Error: no stack trace is captured. */
export const FAULT = { ringsideFault: true } as const;

/**
 * Thrown when the machine cannot go on (triple fault, an emulator limit): not an architectural
 * event but the end of the run, reported by the caller as one line.
 */
export class MachineStop extends Error {
  constructor(message: string, readonly kind: 'triple-fault' | 'halt' | 'limit' | 'kernel-panic' | 'exit') {
    super(message);
  }
}
