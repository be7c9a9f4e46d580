// Guest time. By default it comes from the emulated cycle counter (DESIGN rule 6: the same run
// gives the same times), at the modeled clock rate, starting from the host's wall-clock time
// at boot; with host time it comes from the host's clocks.
//
// Cycles become nanoseconds the way Linux's timekeeping turns a clocksource into time
// (kernel/time/timekeeping.c, clocksource.c): ns = cycles * mult >> shift, in integers, with the
// fraction below a nanosecond carried from one update to the next. The vDSO (src/kernel/vdso)
// does the same arithmetic in user mode from the vvar page, which update() rewrites at every
// timer tick; because both compute floor(cycles * mult / 2^shift) exactly, a vDSO answer and a
// system call answer for the same cycle count are the same number, and interleaving them never
// shows time going backwards. The coarse clocks and time() read the state of the last update,
// as Linux's do (ktime_get_coarse_*, ktime_get_real_seconds).

import type { Host } from '../host.js';
import type { Cpu } from '../../cpu/cpu.js';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
export const CLOCK_TAI = 11;

const NSEC_PER_SEC = 1e9;
/** Linux's monotonic clock starts near boot; ours starts at boot plus one second, never zero. */
const MONO_OFFSET_SEC = 1;

/**
 * mult and shift for a counter running at `hz` (Linux's clocks_calc_mult_shift, with a simpler
 * rule): the largest shift (at most 28) that keeps mult below 2^24. Then every product below is
 * an exact double: the low part of a cycle count (< 2^shift) times mult stays under 2^52, and
 * so does the high part times mult for any count under 2^53.
 */
export function multShift(hz: number): { mult: number; shift: number } {
  let shift = 28;
  while (shift > 0 && Math.round((NSEC_PER_SEC * 2 ** shift) / hz) >= 2 ** 24) shift--;
  return { mult: Math.round((NSEC_PER_SEC * 2 ** shift) / hz), shift };
}

export class Clock {
  readonly bootRealtimeNs: number;
  readonly bootMonotonicNs: number;
  readonly mult: number;
  readonly shift: number;
  /** CLOCK_REALTIME at cycle 0, as whole seconds and nanoseconds (exact integers). */
  readonly bootSec: number;
  readonly bootNsec: number;
  /** The cycle count of the last timekeeping update (Linux's tkr_mono.cycle_last). */
  cycleLast = 0;
  /** Called after every update (the vvar page's writer). */
  onUpdate: (() => void) | null = null;
  private readonly ts = [0, 0];

  constructor(readonly host: Host, readonly cpu: Cpu, readonly hz: number, readonly hostTime: boolean) {
    this.bootRealtimeNs = host.realtimeNs();
    this.bootMonotonicNs = host.monotonicNs();
    ({ mult: this.mult, shift: this.shift } = multShift(hz));
    this.bootSec = Math.floor(this.bootRealtimeNs / NSEC_PER_SEC);
    this.bootNsec = Math.min(NSEC_PER_SEC - 1, Math.round(this.bootRealtimeNs - this.bootSec * NSEC_PER_SEC));
    this.cycleLast = cpu.tsc;
  }

  /** floor(cycles * mult / 2^shift), exactly: nanoseconds since boot at a cycle count. */
  nsAt(cycles: number): number {
    const s = 2 ** this.shift;
    const hi = Math.floor(cycles / s), lo = cycles - hi * s;
    return hi * this.mult + Math.floor((lo * this.mult) / s);
  }
  /** (cycles * mult) mod 2^shift: the fraction of a nanosecond at a cycle count, shifted. */
  fracAt(cycles: number): number {
    const s = 2 ** this.shift;
    const lo = cycles - Math.floor(cycles / s) * s;
    return (lo * this.mult) % s;
  }

  /** Nanoseconds since boot. */
  uptimeNs(): number {
    if (this.hostTime) return this.host.monotonicNs() - this.bootMonotonicNs;
    return this.nsAt(this.cpu.tsc);
  }
  /** The first cycle count at which CLOCK_MONOTONIC reads at least `ns` (for idle time jumps). */
  cyclesForMonotonic(ns: number): number {
    const up = ns - MONO_OFFSET_SEC * NSEC_PER_SEC;
    if (up <= 0) return 0;
    let c = Math.ceil((up * 2 ** this.shift) / this.mult);
    while (c > 0 && this.nsAt(c - 1) >= up) c--;
    while (this.nsAt(c) < up) c++;
    return c;
  }

  /** A timekeeping update (every timer tick): the coarse clocks and the vvar page move on. */
  update(): void {
    this.cycleLast = this.cpu.tsc;
    this.onUpdate?.();
  }

  /**
   * Seconds and nanoseconds of a clock, exact, into `out`; false for an unknown clock. With
   * `at` (a cycle count) the high-resolution clocks are read at that count instead of now.
   */
  readTs(id: number, out: number[], at = this.cpu.tsc): boolean {
    if (this.hostTime) {
      const ns = this.read(id);
      if (ns === null) return false;
      out[0] = Math.floor(ns / NSEC_PER_SEC);
      out[1] = ns - out[0] * NSEC_PER_SEC;
      return true;
    }
    let baseSec: number, baseNsec: number, up: number;
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_TAI:
        baseSec = this.bootSec; baseNsec = this.bootNsec; up = this.nsAt(at); break;
      case CLOCK_REALTIME_COARSE:
        baseSec = this.bootSec; baseNsec = this.bootNsec; up = this.nsAt(this.cycleLast); break;
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
        baseSec = MONO_OFFSET_SEC; baseNsec = 0; up = this.nsAt(at); break;
      case CLOCK_MONOTONIC_COARSE:
        baseSec = MONO_OFFSET_SEC; baseNsec = 0; up = this.nsAt(this.cycleLast); break;
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        baseSec = 0; baseNsec = 0; up = this.nsAt(at); break;
      default:
        return false;
    }
    const n = baseNsec + up;
    const carry = Math.floor(n / NSEC_PER_SEC);
    out[0] = baseSec + carry;
    out[1] = n - carry * NSEC_PER_SEC;
    return true;
  }

  /** Read a clock by id as nanoseconds; null for an unknown clock. */
  read(id: number): number | null {
    if (this.hostTime) {
      switch (id) {
        case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
          return this.host.realtimeNs();
        case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
          return MONO_OFFSET_SEC * NSEC_PER_SEC + this.uptimeNs();
        case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
          return this.nsAt(this.cpu.tsc);
        default:
          return null;
      }
    }
    const ts = this.ts;
    if (!this.readTs(id, ts)) return null;
    return ts[0] * NSEC_PER_SEC + ts[1];
  }

  /** time(): the realtime seconds of the last update (Linux's ktime_get_real_seconds). */
  seconds(): number {
    if (this.hostTime) return Math.floor(this.host.realtimeNs() / NSEC_PER_SEC);
    this.readTs(CLOCK_REALTIME_COARSE, this.ts);
    return this.ts[0];
  }
}
