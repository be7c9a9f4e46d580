// Kernel restartable sequences (src/kernel/entry/krseq.ts): the range table that entry_64.S's
// KRSEQ macro emits is found and sorted at boot, and an interrupt or NMI that arrives inside
// kthread_count_events' per-CPU update restarts it, so the per-CPU event count - which the
// interrupt and NMI handlers also add to - stays exact. --kernel-rseq=off shows it torn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runGuest } from '../harness/run-guest.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { krseqTableFromImage, KrseqTable } from '../../src/kernel/arch/krseq-table.js';
import { perCpuEventCount } from '../../src/kernel/entry/krseq.js';
import { INJECT_VECTOR } from '../../src/kernel/debug/inject.js';
import { Decoder, DecoderOptions, Mnemonic } from 'iced-x86';

const GUEST = 'tests/guest/bin/getpid_loop.asm';

function read64(k: Kernel, va: number): number {
  return k.cpu.mem.kread32(va + 4) * 4294967296 + (k.cpu.mem.kread32(va) >>> 0);
}

test('the __krseq_table of the entry image holds kthread_count_events\' load/add/store, sorted, and find() is exact', () => {
  const img = entryImage();
  const t = krseqTableFromImage(img);
  assert.ok(t.length >= 1);
  const start = img.base + img.symbols['kthread_count_events_seq'];
  const end = img.base + img.symbols['kthread_count_events_seq_end'];
  const i = t.find(start);
  assert.ok(i >= 0);
  assert.equal(t.start[i], start);
  assert.equal(t.end[i], end);
  assert.equal(t.restart[i], start);
  for (let j = 1; j < t.length; j++) assert.ok(t.start[j] >= t.end[j - 1]);
  assert.equal(t.find(start - 1), -1);
  assert.equal(t.find(end), -1, 'the range ends just after the commit store');
  assert.equal(t.find(end - 1), i);
  // The range covers exactly three instructions ending in the commit store (iced decodes them).
  const bytes = img.bytes.subarray(img.symbols['kthread_count_events_seq'], img.symbols['kthread_count_events_seq_end']);
  const d = new Decoder(64, bytes, DecoderOptions.None);
  const m: number[] = [];
  while (d.canDecode) { const ins = d.decode(); m.push(ins.mnemonic); ins.free(); }
  d.free();
  assert.deepEqual(m, [Mnemonic.Mov, Mnemonic.Add, Mnemonic.Mov]);
});

test('the table is sorted at boot and rejects overlapping ranges', () => {
  const t = new KrseqTable([[300, 310, 300], [100, 120, 100], [200, 205, 201]]);
  assert.deepEqual([...t.start], [100, 200, 300]);
  assert.equal(t.find(204), 1);
  assert.equal(t.find(205), -1);
  assert.equal(t.find(99), -1);
  assert.throws(() => new KrseqTable([[100, 120, 100], [110, 130, 110]]), /overlaps/);
  assert.throws(() => new KrseqTable([[100, 100, 100]]), /empty/);
});

/**
 * Run kthread_count_events (`rounds` rounds) beside getpid_loop, raising an interrupt (or NMI)
 * each time the kthread reaches `offset` bytes into its sequence, at most `max` times.
 */
function targeted(kind: 'irq' | 'nmi', offset: number, on: boolean, rounds = 400, max = 100) {
  let k!: Kernel;
  let spinner!: { counter: number; task: { state: string } };
  let raised = 0;
  const r = runGuest(GUEST, ['20000'], { hz: 20000, kernelRseq: on, traceEntries: true }, (kk) => {
    k = kk;
    spinner = kk.spawnKernelSpinner(rounds, false, 'kthread_count_events');
    const at = kk.ks.symbol('kthread_count_events_seq') + offset;
    kk.interp.kernelStep = (cpu) => {
      if (cpu.rip !== at || raised >= max) return;
      raised++;
      if (kind === 'nmi') cpu.nmiPending = true; else cpu.irqVector = INJECT_VECTOR;
    };
  });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  assert.equal(spinner.task.state, 'dead', 'the kernel thread finished');
  assert.equal(read64(k, spinner.counter), rounds);
  return { k, raised, log: r.log, events: perCpuEventCount(k), expected: rounds + k.krseq.handlerEvents };
}

// Offsets into the sequence: 0 = before the load, 9 = before the add, 13 = before the store.
for (const kind of ['irq', 'nmi'] as const) {
  test(`an ${kind === 'irq' ? 'interrupt' : 'NMI'} at each boundary of the sequence: exact with the fix-up, torn without it`, () => {
    for (const offset of [0, 9, 13]) {
      const on = targeted(kind, offset, true);
      assert.ok(on.raised >= 50, `${kind} raised ${on.raised} times`);
      assert.equal(on.events, on.expected, `fix-up on, ${kind} at +${offset}`);
      const restarts = kind === 'irq' ? on.k.krseq.restartsIrq : on.k.krseq.restartsNmi;
      if (offset === 0) assert.equal(restarts, 0, 'interrupted before the first instruction: nothing to restart');
      else {
        assert.ok(restarts >= on.raised, `restarts ${restarts} >= ${on.raised}`);
        // --trace=entry names the restart with both IPs; --stats counts it.
        assert.ok(on.log.some((l) => l.includes(`(restart) kernel rseq (${kind}): ip kthread_count_events_seq+0x${offset.toString(16)} -> kthread_count_events_seq`)));
        assert.ok((on.k.stats.restarts.get(`kernel rseq (${kind})`) ?? 0) >= on.raised);
      }
      const off = targeted(kind, offset, false);
      assert.equal(off.k.krseq.restarts, 0);
      if (offset === 0) assert.equal(off.events, off.expected, 'before the load nothing is lost');
      else assert.equal(off.expected - off.events, off.raised, `fix-up off, ${kind} at +${offset}: each interrupt's own count is overwritten`);
    }
  });
}

test('--inject=irq:every with two counting kernel threads and the timer preempting them: always exact with the fix-up, torn with --kernel-rseq=off', () => {
  const run = (on: boolean) => {
    let k!: Kernel;
    const spinners: { counter: number; task: { state: string } }[] = [];
    const r = runGuest(GUEST, ['20000'], { hz: 20000, inject: 'irq', kernelRseq: on, stats: true }, (kk) => {
      k = kk;
      spinners.push(kk.spawnKernelSpinner(100_000, false, 'kthread_count_events'), kk.spawnKernelSpinner(100_000, false, 'kthread_count_events'));
    });
    assert.equal(r.error, null);
    assert.equal(r.status, 0);
    for (const s of spinners) { assert.equal(s.task.state, 'dead'); assert.equal(read64(k, s.counter), 100_000); }
    assert.ok(k.injectedIrqs > 500, `injected ${k.injectedIrqs}`);
    assert.ok(k.kernelPreemptions >= 2, `kernel preemptions ${k.kernelPreemptions}`);
    return { k, events: perCpuEventCount(k), expected: 200_000 + k.krseq.handlerEvents };
  };
  const on = run(true);
  assert.equal(on.events, on.expected);
  assert.ok(on.k.krseq.restartsIrq > 0);
  const off = run(false);
  assert.ok(off.events < off.expected, `torn: ${off.events} < ${off.expected}`);
});

test('the CLI takes --kernel-rseq=on|off and refuses anything else', () => {
  const cli = 'dist/src/cli/main.js';
  const bad = spawnSync(process.execPath, [cli, '--kernel-rseq=maybe', GUEST, '10'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--kernel-rseq/);
  for (const v of ['on', 'off']) {
    const ok = spawnSync(process.execPath, [cli, `--kernel-rseq=${v}`, GUEST, '10'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'getpid_loop: 10 calls\n');
  }
});
