// The vvar page: what the vDSO reads to tell the time in user mode (Linux: struct vdso_data,
// kernel/time/vsyscall.c update_vsyscall()). One physical page, written by the kernel at every
// timekeeping update (Clock.update, each timer tick) and mapped read-only into every process
// just below its vDSO. The layout is vvar.h's; the offsets here must match its _Static_asserts.
//
// For each high-resolution clock the page holds the time at the last update as whole seconds
// and "shifted nanoseconds" (nanoseconds within the second << shift, plus the fraction of a
// nanosecond the product cycle_last * mult left below the shift), so that the vDSO's
// (snsec + (tsc - cycle_last) * mult) >> shift is exactly the kernel's floor(tsc * mult / 2^shift)
// plus the same base: see src/kernel/time/clock.ts.

import type { PhysicalMemory } from '../../cpu/memory.js';
import type { Clock } from '../time/clock.js';
import {
  CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_REALTIME_COARSE,
  CLOCK_MONOTONIC_COARSE,
} from '../time/clock.js';

export const VV_SEQ = 0, VV_CLOCK_MODE = 4, VV_CYCLE_LAST = 8, VV_MULT = 16, VV_SHIFT = 20, VV_MAX_DELTA = 24;
export const VV_BASE = 32, VV_BASE_SIZE = 16, VV_TZ = 224, VV_HRES_NS = 232, VV_COARSE_NS = 236;
export const VCLOCK_NONE = 0, VCLOCK_TSC = 1;

const HRES = [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_TAI];
const COARSE = [CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE];
const TWO32 = 4294967296;

export class Vvar {
  private readonly ts = [0, 0];
  constructor(readonly phys: PhysicalMemory, readonly pa: number, readonly clock: Clock, readonly tickNs: number) {
    this.update();
  }

  private u64(off: number, v: number): void {
    const dv = this.phys.dv;
    dv.setUint32(this.pa + off, v % TWO32, true);
    dv.setUint32(this.pa + off + 4, Math.floor(v / TWO32), true);
  }

  /** Rewrite the page from the clock's last update, inside a seqcount write section. */
  update(): void {
    const dv = this.phys.dv, pa = this.pa, c = this.clock;
    const seq = dv.getUint32(pa + VV_SEQ, true);
    dv.setUint32(pa + VV_SEQ, (seq + 1) >>> 0, true);
    // --host-time: the TSC does not give the guest's time, so every call takes the syscall
    // (Linux's VDSO_CLOCKMODE_NONE).
    dv.setUint32(pa + VV_CLOCK_MODE, c.hostTime ? VCLOCK_NONE : VCLOCK_TSC, true);
    const last = c.cycleLast;
    this.u64(VV_CYCLE_LAST, last);
    dv.setUint32(pa + VV_MULT, c.mult, true);
    dv.setUint32(pa + VV_SHIFT, c.shift, true);
    // (cycles - cycle_last) * mult + snsec must not wrap 64 bits: below 2^63 leaves room for
    // snsec (< 2^(30 + shift) <= 2^58). Past it the vDSO takes the syscall.
    this.u64(VV_MAX_DELTA, Math.floor(2 ** 63 / c.mult) - 1);
    const ts = this.ts, frac = c.fracAt(last), lowBits = 2 ** (32 - c.shift);
    for (const id of HRES) {
      c.readTs(id, ts, last);
      const o = pa + VV_BASE + id * VV_BASE_SIZE;
      dv.setUint32(o, ts[0] % TWO32, true);
      dv.setUint32(o + 4, Math.floor(ts[0] / TWO32), true);
      // snsec = nsec << shift | frac, written as two 32-bit halves (it can exceed 2^53).
      dv.setUint32(o + 8, (ts[1] % lowBits) * 2 ** c.shift + frac, true);
      dv.setUint32(o + 12, Math.floor(ts[1] / lowBits), true);
    }
    for (const id of COARSE) {
      c.readTs(id, ts);
      const o = pa + VV_BASE + id * VV_BASE_SIZE;
      dv.setUint32(o, ts[0] % TWO32, true);
      dv.setUint32(o + 4, Math.floor(ts[0] / TWO32), true);
      dv.setUint32(o + 8, ts[1], true);
      dv.setUint32(o + 12, 0, true);
    }
    dv.setUint32(pa + VV_TZ, 0, true);
    dv.setUint32(pa + VV_TZ + 4, 0, true);
    dv.setUint32(pa + VV_HRES_NS, 1, true);
    dv.setUint32(pa + VV_COARSE_NS, this.tickNs, true);
    dv.setUint32(pa + VV_SEQ, (seq + 2) >>> 0, true);
  }
}
