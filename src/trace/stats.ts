// Counters for --stats: system calls by name, kernel entries by kind, returns by instruction,
// the reasons the opportunistic SYSRET was refused, and the modeled cost of each kind of entry
// by the way it returned.

/** Entries of one kind that left by one return instruction, and their modeled cycles in all. */
export interface EntryCost {
  kind: string;
  how: string;
  count: number;
  cycles: number;
}

/** The clock that turns modeled cycles into nanoseconds (the cost profile's). */
export interface StatsClock {
  name: string;
  hz: number;
}

export class Stats {
  readonly syscalls = new Map<string, number>();
  readonly entries = new Map<string, number>();
  readonly returns = new Map<string, number>();
  readonly iretReasons = new Map<string, number>();
  /** Restartable sequences restarted: kernel ranges and user rseq aborts, by kind and cause. */
  readonly restarts = new Map<string, number>();
  /** By entry kind, then by return instruction (nested so that recording allocates nothing). */
  readonly entryCosts = new Map<string, Map<string, EntryCost>>();
  static bump(m: Map<string, number>, key: string, by = 1): void {
    m.set(key, (m.get(key) ?? 0) + by);
  }

  /** Record one entry from user mode, from its first cycle to the retirement of its return. */
  entryCost(kind: string, how: string, cycles: number): void {
    let byHow = this.entryCosts.get(kind);
    if (byHow === undefined) { byHow = new Map(); this.entryCosts.set(kind, byHow); }
    let c = byHow.get(how);
    if (c === undefined) { c = { kind, how, count: 0, cycles: 0 }; byHow.set(how, c); }
    c.count++;
    c.cycles += cycles;
  }

  /** One row per (entry kind, return path). */
  entryCostRows(): EntryCost[] {
    const rows: EntryCost[] = [];
    for (const byHow of this.entryCosts.values()) for (const c of byHow.values()) rows.push(c);
    return rows.sort((a, b) => b.count - a.count || (a.kind + a.how < b.kind + b.how ? -1 : 1));
  }

  /** The summary printed at exit, one table after another. */
  format(extra: { userInsns: number; kernelInsns: number; cycles: number; clock?: StatsClock }): string {
    const lines: string[] = [];
    const table = (title: string, m: Map<string, number>) => {
      if (m.size === 0) return;
      lines.push(title);
      const rows = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const w = Math.max(...rows.map((r) => r[0].length));
      for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${String(v).padStart(10)}`);
    };
    table('system calls:', this.syscalls);
    table('kernel entries:', this.entries);
    table('returns to user mode:', this.returns);
    table('SYSRET refused because:', this.iretReasons);
    table('restartable sequences restarted:', this.restarts);
    const clock = extra.clock;
    const ns = (cycles: number) => (clock ? (cycles * 1e9) / clock.hz : NaN);
    const costs = this.entryCostRows();
    if (costs.length > 0) {
      lines.push(clock
        ? `entry to return, modeled (${clock.name} at ${(clock.hz / 1e9).toFixed(2)} GHz):`
        : 'entry to return, modeled:');
      const head = ['entry', 'return', 'count', 'total cycles', 'mean cycles', 'mean ns'];
      const body = costs.map((c) => [
        c.kind, c.how, String(c.count), String(c.cycles), (c.cycles / c.count).toFixed(1),
        clock ? ns(c.cycles / c.count).toFixed(1) : '-',
      ]);
      const w = head.map((h, k) => Math.max(h.length, ...body.map((r) => r[k].length)));
      const fmt = (r: string[]) => '  ' + r.map((v, k) => (k < 2 ? v.padEnd(w[k]) : v.padStart(w[k]))).join('  ');
      lines.push(fmt(head));
      for (const r of body) lines.push(fmt(r));
    }
    lines.push('instructions:');
    lines.push(`  user    ${String(extra.userInsns).padStart(14)}`);
    lines.push(`  kernel  ${String(extra.kernelInsns).padStart(14)}`);
    lines.push(`  cycles (modeled) ${String(extra.cycles).padStart(10)}` +
      (clock ? `  (${(ns(extra.cycles) / 1e6).toFixed(3)} ms at ${(clock.hz / 1e9).toFixed(2)} GHz)` : ''));
    return lines.join('\n');
  }
}
