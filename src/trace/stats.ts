// Counters for --stats: system calls by name, kernel entries by kind, returns by instruction,
// and the reasons the opportunistic SYSRET was refused.

export class Stats {
  readonly syscalls = new Map<string, number>();
  readonly entries = new Map<string, number>();
  readonly returns = new Map<string, number>();
  readonly iretReasons = new Map<string, number>();
  static bump(m: Map<string, number>, key: string, by = 1): void {
    m.set(key, (m.get(key) ?? 0) + by);
  }

  /** The summary printed at exit, one table after another. */
  format(extra: { userInsns: number; kernelInsns: number; cycles: number }): string {
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
    lines.push('instructions:');
    lines.push(`  user    ${String(extra.userInsns).padStart(14)}`);
    lines.push(`  kernel  ${String(extra.kernelInsns).padStart(14)}`);
    lines.push(`  cycles (modeled) ${String(extra.cycles).padStart(10)}`);
    return lines.join('\n');
  }
}
