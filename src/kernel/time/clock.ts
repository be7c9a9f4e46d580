// Guest time. By default it comes from the emulated cycle counter (DESIGN rule 6: the same run
// gives the same times), at the modeled clock rate, starting from the host's wall-clock time
// at boot; with host time it comes from the host's clocks.

import type { Host } from '../host.js';
import type { Cpu } from '../../cpu/cpu.js';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;

export class Clock {
  readonly bootRealtimeNs: number;
  readonly bootMonotonicNs: number;
  constructor(readonly host: Host, readonly cpu: Cpu, readonly hz: number, readonly hostTime: boolean) {
    this.bootRealtimeNs = host.realtimeNs();
    this.bootMonotonicNs = host.monotonicNs();
  }
  /** Nanoseconds since boot. */
  uptimeNs(): number {
    if (this.hostTime) return this.host.monotonicNs() - this.bootMonotonicNs;
    return Math.floor((this.cpu.tsc * 1e9) / this.hz);
  }
  /** The cycle count at which CLOCK_MONOTONIC reads `ns` (for idle time jumps). */
  cyclesForMonotonic(ns: number): number {
    return Math.ceil(((ns - 1_000_000_000) * this.hz) / 1e9);
  }

  /** Read a clock by id; null for an unknown clock. */
  read(id: number): number | null {
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE:
        return this.hostTime ? this.host.realtimeNs() : this.bootRealtimeNs + this.uptimeNs();
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        // Linux's monotonic clock starts near boot; ours starts at boot plus a fixed offset so
        // that it is never zero.
        return 1_000_000_000 + this.uptimeNs();
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return Math.floor((this.cpu.tsc * 1e9) / this.hz);
      default:
        return null;
    }
  }
}
