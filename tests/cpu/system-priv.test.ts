// Privileged and privilege-sensitive instructions: SWAPGS, RDMSR/WRMSR, RDTSC/RDTSCP, CPUID,
// MOV to/from control registers with the TLB flush, INVLPG, LGDT/LIDT/SGDT/SIDT, LTR, CLI/STI,
// POPF, HLT and far transfers. One test per rule, each naming the SDM section it checks (Vol. 2
// under the instruction's name unless stated).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SysMachine, CODE, DATA, KCODE, KBASE, GDT, IDT, TSS, USTACK_TOP, RAX, RCX, RDX, RBX, RDI, RSI, R8, R9, le32, le64, u64,
} from './system-machine.js';
import type { Vendor } from '../../src/cpu/cpu.js';
import { cpuid as cpuidModel } from '../../src/cpu/cpuid.js';
import { GP, UD, NP, GS, IF, IOPL, CF, MSR_LSTAR, MSR_TSC, MSR_TSC_AUX, MSR_KERNEL_GS_BASE } from '../../src/cpu/regs.js';
import { flatDescriptor } from '../../src/kernel/arch/descriptors.js';
import { GDT_ENTRIES, __TSS_SEL } from '../../src/kernel/arch/layout.js';
import { PAGE } from '../../src/kernel/mm/pagetable.js';

const movEcx = (v: number) => [0xb9, ...le32(v)];
const movEax = (v: number) => [0xb8, ...le32(v)];
const movEdx = (v: number) => [0xba, ...le32(v)];
const movRaxImm = (v: bigint) => [0x48, 0xb8, ...le64(v)];
const movRdxImm = (v: bigint) => [0x48, 0xba, ...le64(v)];
const RDMSR = [0x0f, 0x32];
const WRMSR = [0x0f, 0x30];
const RDTSC = [0x0f, 0x31];
const RDTSCP = [0x0f, 0x01, 0xf9];
const SWAPGS = [0x0f, 0x01, 0xf8];
const CPUID = [0x0f, 0xa2];
const GARBAGE = 0xdeadbeefdeadbeefn;

// --- SWAPGS

test('SWAPGS: exchanges GS.base with IA32_KERNEL_GS_BASE at CPL 0 (SDM Vol. 2B SWAPGS, Operation)', () => {
  const s = new SysMachine();
  s.put64(DATA, 0x1111n);
  s.put64(DATA + 0x100, 0x2222n);
  s.prepare({ cpl: 0 });
  s.cpu.segBaseLo[GS] = DATA;
  s.cpu.kernelGsBaseLo = DATA + 0x100;
  // swapgs; mov rax, gs:[0]; swapgs; mov rbx, gs:[0]
  const gsLoad = (modrmReg: number) => [0x65, 0x48, 0x8b, 0x04 | (modrmReg << 3), 0x25, 0, 0, 0, 0];
  const ev = s.go(KCODE, [...SWAPGS, ...gsLoad(RAX), ...SWAPGS, ...gsLoad(RBX)]);
  assert.ok(ev.end);
  assert.equal(s.cpu.getReg(RAX), 0x2222n);
  assert.equal(s.cpu.getReg(RBX), 0x1111n);
  assert.equal(s.cpu.segBaseLo[GS], DATA);
});

test('SWAPGS: #GP(0) at CPL ≠ 0 (SDM Vol. 2B SWAPGS: "IF CPL ≠ 0 THEN #GP(0)")', () => {
  const s = new SysMachine();
  s.cpu.kernelGsBaseLo = DATA;
  const ev = s.run(SWAPGS);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
  assert.equal(s.cpu.kernelGsBaseLo, DATA);
});

test('SWAPGS: #UD outside 64-bit mode (SDM Vol. 2B SWAPGS: "IF CS.L ≠ 1 THEN #UD")', () => {
  const s = new SysMachine();
  s.prepare({ cpl: 0, mode: 32 });
  s.cpu.setRegNum(4, USTACK_TOP);
  const ev = s.go(CODE, SWAPGS);
  assert.deepEqual([ev.vector, ev.frame.rip], [UD, CODE]);
});

// --- RDMSR / WRMSR

test('RDMSR/WRMSR: #GP(0) at CPL ≠ 0 (SDM Vol. 2B RDMSR, WRMSR: "IF CPL ≠ 0 THEN #GP(0)")', () => {
  const s = new SysMachine();
  for (const insn of [RDMSR, WRMSR]) {
    const ev = s.run([...movEcx(MSR_LSTAR), ...insn]);
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE + 5]);
  }
});

test('RDMSR/WRMSR of an MSR this CPU does not implement: #GP(0) (SDM Vol. 2B RDMSR: "If the value in ECX specifies a reserved or unimplemented MSR address")', () => {
  const s = new SysMachine();
  for (const msr of [0x12345678, 0xc0000fff, 0x1f]) {
    for (const insn of [RDMSR, WRMSR]) {
      const ev = s.run([...movEcx(msr), ...insn], { cpl: 0 });
      assert.deepEqual([ev.vector, ev.errorCode], [GP, 0], `msr ${msr.toString(16)}`);
    }
  }
});

test('WRMSR of a non-canonical address to IA32_LSTAR is #GP(0) and leaves the MSR; RDMSR reads back EDX:EAX with RAX/RDX[63:32] cleared (SDM Vol. 2B WRMSR; SYSCALL: "WRMSR ensures that IA32_LSTAR always contains a canonical address")', () => {
  const s = new SysMachine();
  s.cpu.lstar = KCODE;
  let ev = s.run([...movEcx(MSR_LSTAR), ...movEdx(0x00008000), ...movEax(0), ...WRMSR], { cpl: 0 });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
  assert.equal(s.cpu.lstar, KCODE);
  ev = s.run([...movEcx(MSR_LSTAR), ...movEdx(0xffffffff), ...movEax(0x81000000), ...WRMSR,
    ...movRaxImm(GARBAGE), ...movRdxImm(GARBAGE), ...RDMSR], { cpl: 0 });
  assert.ok(ev.end);
  assert.equal(s.cpu.getReg(RAX), 0x81000000n);
  assert.equal(s.cpu.getReg(RDX), 0xffffffffn);
  assert.equal(u64(s.cpu.lstar), 0xffffffff81000000n);
});

test('WRMSR to IA32_KERNEL_GS_BASE: a non-canonical base is #GP(0) (SDM Vol. 2B WRMSR: "#GP(0) ... If the source register contains a non-canonical address and ECX specifies one of ... IA32_KERNEL_GS_BASE")', () => {
  const s = new SysMachine();
  const ev = s.run([...movEcx(MSR_KERNEL_GS_BASE), ...movEdx(0x12345678), ...movEax(0), ...WRMSR], { cpl: 0 });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
});

// --- RDTSC / RDTSCP

test('RDTSC: allowed at CPL 3 with CR4.TSD = 0, EDX:EAX = TSC with RAX/RDX[63:32] cleared, never decreasing (SDM Vol. 2B RDTSC)', () => {
  const s = new SysMachine();
  const start = 0x123456789;
  s.cpu.tsc = start;
  // rdtsc; mov r8, rax; mov r9, rdx; rdtsc
  const ev = s.run([...RDTSC, 0x49, 0x89, 0xc0, 0x49, 0x89, 0xd1, ...RDTSC], { regs: { [RAX]: GARBAGE, [RDX]: GARBAGE } });
  assert.ok(ev.end);
  const r = (n: number) => s.cpu.getReg(n);
  for (const n of [RAX, RDX, R8, R9]) assert.ok(r(n) <= 0xffffffffn, 'upper half cleared');
  const t1 = (r(R9) << 32n) | r(R8), t2 = (r(RDX) << 32n) | r(RAX);
  assert.ok(t1 >= BigInt(start) && t1 < BigInt(start) + 1000n, `t1 ${t1}`);
  assert.ok(t2 >= t1);
});

test('RDTSC/RDTSCP: #GP(0) at CPL 3 when CR4.TSD = 1, allowed at CPL 0 (SDM Vol. 2B RDTSC: "IF (CR4.TSD = 0) or (CPL = 0) ... ELSE #GP(0)")', () => {
  const s = new SysMachine();
  s.cpu.cr4 |= 1 << 2;
  for (const insn of [RDTSC, RDTSCP]) {
    const ev = s.run(insn);
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
    assert.ok(s.run(insn, { cpl: 0 }).end);
  }
});

test('WRMSR to IA32_TIME_STAMP_COUNTER sets the counter RDTSC reads (SDM Vol. 3 §18.17 "Time-Stamp Counter")', () => {
  const s = new SysMachine();
  const ev = s.run([...movEcx(MSR_TSC), ...movEdx(5), ...movEax(0), ...WRMSR, ...RDTSC], { cpl: 0 });
  assert.ok(ev.end);
  const t = (s.cpu.getReg(RDX) << 32n) | s.cpu.getReg(RAX);
  assert.ok(t >= 5n << 32n && t < (5n << 32n) + 1000n, `tsc ${t}`);
});

test('RDTSCP: EDX:EAX = TSC and ECX = IA32_TSC_AUX[31:0], RCX[63:32] cleared (SDM Vol. 2B RDTSCP)', () => {
  const s = new SysMachine();
  const ev = s.run([...movEcx(MSR_TSC_AUX), ...movEdx(0), ...movEax(0x1234), ...WRMSR, 0x48, 0xb9, ...le64(GARBAGE), ...RDTSCP], { cpl: 0 });
  assert.ok(ev.end);
  assert.equal(s.cpu.getReg(RCX), 0x1234n);
});

// --- CPUID

function cpuidOf(s: SysMachine, leaf: number, sub = 0): bigint[] {
  const ev = s.run(CPUID, { regs: { [RAX]: BigInt(leaf) | (GARBAGE & ~0xffffffffn), [RCX]: BigInt(sub), [RBX]: GARBAGE, [RDX]: GARBAGE } });
  assert.ok(ev.end, `cpuid ${leaf.toString(16)}`);
  return [RAX, RBX, RCX, RDX].map((r) => s.cpu.getReg(r));
}
const ascii = (regs: bigint[]) => regs.map((v) => String.fromCharCode(...le32(Number(v)))).join('');

for (const [vendor, name] of [['intel', 'GenuineIntel'], ['amd', 'AuthenticAMD']] as const) {
  test(`CPUID leaf 0 (${vendor}): EAX = highest basic leaf, EBX:EDX:ECX = "${name}" per the vendor setting; every leaf up to the maxima answers with RAX..RDX[63:32] cleared (SDM Vol. 2A CPUID)`, () => {
    const s = new SysMachine(vendor as Vendor);
    const [max, b, c, d] = cpuidOf(s, 0);
    assert.equal(ascii([b, d, c]), name);
    assert.ok(max >= 7n);
    const [maxExt] = cpuidOf(s, 0x80000000);
    assert.ok(maxExt >= 0x80000008n);
    const leaves = [...Array(Number(max) + 1).keys(), ...Array.from({ length: Number(maxExt - 0x80000000n) + 1 }, (_, k) => 0x80000000 + k)];
    for (const leaf of leaves) {
      const regs = cpuidOf(s, leaf);
      for (const v of regs) assert.ok(v <= 0xffffffffn, `leaf ${leaf.toString(16)}`);
      assert.deepEqual(regs.map(Number), cpuidModel(vendor, leaf, 0).map((v) => v >>> 0));
    }
  });
}

test('CPUID agrees with what executes: SYSCALL, LM and RDTSCP advertised and working; 48-bit linear addresses and the canonical boundary at bit 47; a NUL-terminated brand string (SDM Vol. 2A CPUID, leaves 80000001H-80000008H)', () => {
  const s = new SysMachine();
  const [, , , ext1Edx] = cpuidOf(s, 0x80000001);
  for (const bit of [11, 27, 29]) assert.ok((ext1Edx >> BigInt(bit)) & 1n, `80000001h EDX[${bit}]`);
  const [, , , leaf1Edx] = cpuidOf(s, 1);
  for (const bit of [4, 5]) assert.ok((leaf1Edx >> BigInt(bit)) & 1n, `01h EDX[${bit}] (TSC, MSR)`);
  assert.ok(s.run(RDTSCP).end, 'RDTSCP executes at CPL 3');
  const [addr] = cpuidOf(s, 0x80000008);
  const linear = Number((addr >> 8n) & 0xffn);
  assert.equal(linear, 48);
  const top = 1n << BigInt(linear - 1);
  // mov rax, [rbx]: just below 2^47 is an (unmapped) address, 2^47 is not canonical.
  assert.equal(s.run([0x48, 0x8b, 0x03], { regs: { [RBX]: top - 8n } }).vector, 14);
  assert.equal(s.run([0x48, 0x8b, 0x03], { regs: { [RBX]: top } }).vector, GP);
  const brand = [0x80000002, 0x80000003, 0x80000004].map((l) => ascii(cpuidOf(s, l))).join('');
  assert.equal(brand.length, 48);
  assert.ok(brand.endsWith('\0') && brand.indexOf('\0') > 0);
});

// --- Control registers and the TLB

test('MOV to/from CRn: #GP(0) at CPL ≠ 0 (SDM Vol. 2B MOV—Move to/from Control Registers: "#GP(0) If the current privilege level is not 0")', () => {
  const s = new SysMachine();
  for (const code of [[0x0f, 0x20, 0xd8], [0x0f, 0x22, 0xd8], [0x0f, 0x20, 0xc0], [0x0f, 0x22, 0xe0]]) {
    const ev = s.run(code);
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE], code.join(' '));
  }
});

test('MOV CRn: CR1, CR5-CR7 and CR9-CR15 are #UD (SDM Vol. 2B MOV CR: "#UD If an attempt is made to access CR1, CR5, CR6, or CR7"); CR3 reads back (SDM Vol. 3 §2.5)', () => {
  const s = new SysMachine();
  for (const code of [[0x0f, 0x20, 0xc8], [0x0f, 0x20, 0xe8], [0x0f, 0x22, 0xf8], [0x44, 0x0f, 0x20, 0xc8]]) {
    const ev = s.run(code, { cpl: 0 });
    assert.deepEqual([ev.vector, ev.frame.rip], [UD, KCODE], code.join(' '));
  }
  assert.ok(s.run([0x0f, 0x20, 0xd8], { cpl: 0 }).end);
  assert.equal(s.cpu.getReg(RAX), BigInt(s.cpu.cr3));
});

/**
 * Remap DATA's page to a new frame by writing its PTE through a kernel window, inside the code
 * under test: `mov rax,[rbx]` (fills the TLB); `mov [rdi],rdx` (new PTE); `mov rcx,[rbx]`
 * (stale); then `flush`; `mov rsi,[rbx]`.
 */
function remap(flush: number[]): SysMachine {
  const s = new SysMachine();
  const m = s.m;
  const pteAddr = m.pt.pteAddr(DATA, false);
  const window = KBASE + 0x60000;
  m.pt.map(window, pteAddr - (pteAddr % PAGE), { write: true, user: false, exec: false });
  s.cpu.mem.flushTlb();
  const [lo, hi] = m.pt.entry(DATA)!;
  const other = m.frames.alloc();
  s.put64(DATA, 0x1111n);
  m.phys.dv.setBigUint64(other, 0x2222n, true);
  const newPte = (BigInt(hi >>> 0) << 32n) | BigInt(((other & 0xfffff000) | (lo & 0xfff)) >>> 0);
  const code = [0x48, 0x8b, 0x03, 0x48, 0x89, 0x17, 0x48, 0x8b, 0x0b, ...flush, 0x48, 0x8b, 0x33];
  const ev = s.run(code, { cpl: 0, regs: { [RBX]: BigInt(DATA), [RDI]: u64(window + (pteAddr % PAGE)), [RDX]: newPte } });
  assert.ok(ev.end);
  return s;
}

test('MOV to CR3 flushes the TLB: a remapped page is seen only after the CR3 write (SDM Vol. 3 §4.10.4.1 "Operations that Invalidate TLBs")', () => {
  const s = remap([0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8]); // mov rax, cr3; mov cr3, rax
  assert.equal(s.cpu.getReg(RCX), 0x1111n, 'stale translation before the flush');
  assert.equal(s.cpu.getReg(RSI), 0x2222n, 'new translation after MOV CR3');
});

test('INVLPG drops the page\'s translation: the remapped page is seen after it (SDM Vol. 2A INVLPG; Vol. 3 §4.10.4.1)', () => {
  const s = remap([0x0f, 0x01, 0x3b]); // invlpg [rbx]
  assert.equal(s.cpu.getReg(RCX), 0x1111n);
  assert.equal(s.cpu.getReg(RSI), 0x2222n);
});

test('INVLPG: #GP(0) at CPL ≠ 0 (SDM Vol. 2A INVLPG)', () => {
  const s = new SysMachine();
  const ev = s.run([0x0f, 0x01, 0x3b], { regs: { [RBX]: BigInt(DATA) } });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
});

// --- Descriptor tables

test('LGDT/LIDT: #GP(0) at CPL ≠ 0; SGDT/SIDT work at CPL 3 while CR4.UMIP = 0 (SDM Vol. 2A LGDT/LIDT; Vol. 2B SGDT, SIDT)', () => {
  const s = new SysMachine();
  for (const modrm of [0x13, 0x1b]) {
    const ev = s.run([0x0f, 0x01, modrm], { regs: { [RBX]: BigInt(DATA) } });
    assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
  }
  // sgdt [rbx]; sidt [rbx+16]
  assert.ok(s.run([0x0f, 0x01, 0x03, 0x0f, 0x01, 0x4b, 0x10], { regs: { [RBX]: BigInt(DATA) } }).end);
  const b = s.m.readBytes(DATA, 26);
  const dv = new DataView(b.buffer);
  assert.equal(dv.getUint16(0, true), GDT_ENTRIES * 8 - 1);
  assert.equal(dv.getBigUint64(2, true), u64(GDT));
  assert.equal(dv.getUint16(16, true), 256 * 16 - 1);
  assert.equal(dv.getBigUint64(18, true), u64(IDT));
});

test('LIDT at CPL 0 loads the 10-byte limit and 64-bit base that SIDT stores (SDM Vol. 2A LGDT/LIDT, 64-bit operand size)', () => {
  const s = new SysMachine();
  // A copy of the IDT elsewhere, so that the run can still end through it.
  const base = KBASE + 0x7000;
  s.m.map(base, PAGE, { write: true, user: false, exec: false });
  s.m.writeBytes(base, s.m.readBytes(IDT, PAGE));
  s.m.writeBytes(DATA, [0xff, 0x07, ...le64(u64(base))]);
  // lidt [rbx]; sidt [rbx+16]
  assert.ok(s.run([0x0f, 0x01, 0x1b, 0x0f, 0x01, 0x4b, 0x10], { cpl: 0, regs: { [RBX]: BigInt(DATA) } }).end);
  assert.deepEqual([s.cpu.idtBase, s.cpu.idtLimit], [base, 0x7ff]);
  assert.deepEqual([...s.m.readBytes(DATA + 16, 10)], [0xff, 0x07, ...le64(u64(base))]);
});

const LTR_AX = [0x0f, 0x00, 0xd8];
test('LTR: #GP(0) at CPL ≠ 0 (SDM Vol. 2A LTR)', () => {
  const s = new SysMachine();
  const ev = s.run(LTR_AX, { regs: { [RAX]: BigInt(__TSS_SEL) } });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
});

test('LTR: a null selector is #GP(0); a selector naming anything but an available TSS is #GP(selector) (SDM Vol. 2A LTR, Operation)', () => {
  const s = new SysMachine();
  let ev = s.run(LTR_AX, { cpl: 0, regs: { [RAX]: 0n } });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0]);
  for (const sel of [0x10, 0x2b]) {
    ev = s.run(LTR_AX, { cpl: 0, regs: { [RAX]: BigInt(sel) } });
    assert.deepEqual([ev.vector, ev.errorCode], [GP, sel & 0xfffc]);
  }
});

test('LTR marks the TSS descriptor busy, so a second LTR of it is #GP(selector) (SDM Vol. 2A LTR: "TSSsegmentDescriptor(busy) ← 1")', () => {
  const s = new SysMachine();
  s.cpu.trSel = 0;
  s.cpu.trBase = 0;
  assert.ok(s.run(LTR_AX, { cpl: 0, regs: { [RAX]: BigInt(__TSS_SEL) } }).end);
  assert.equal(s.m.read8(GDT + __TSS_SEL + 5) & 0x0f, 0xb, 'type 11: busy 64-bit TSS');
  assert.deepEqual([s.cpu.trSel, s.cpu.trBase, s.cpu.trLimit], [__TSS_SEL, TSS, 0x67]);
  const ev = s.run(LTR_AX, { cpl: 0, regs: { [RAX]: BigInt(__TSS_SEL) } });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, __TSS_SEL]);
});

// --- CLI, STI, POPF, HLT

test('CLI/STI: #GP(0) at CPL 3 with IOPL < 3; allowed with IOPL = 3 (SDM Vol. 2A CLI, Vol. 2B STI, protected-mode Operation; CR4.PVI = 0)', () => {
  const s = new SysMachine();
  for (const insn of [0xfa, 0xfb]) {
    const ev = s.run([insn], { flags: IF });
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
  }
  let ev = s.run([0xfa], { flags: IF | IOPL });
  assert.ok(ev.end);
  assert.equal(ev.at.flags & IF, 0);
  ev = s.run([0xfb], { flags: IOPL });
  assert.equal(ev.at.flags & IF, IF);
});

const popf = (v: number) => [0x68, ...le32(v), 0x9d]; // push imm32; popfq

test('POPF at CPL 3 with IOPL < CPL leaves IF unchanged, without a fault (SDM Vol. 2B POPF, Operation: protected-mode, CPL > IOPL)', () => {
  const s = new SysMachine();
  let ev = s.run(popf(CF | 2), { flags: IF });
  assert.ok(ev.end);
  assert.equal(ev.at.flags & (IF | CF), IF | CF, 'IF kept, CF loaded');
  ev = s.run(popf(IF | 2), { flags: 0 });
  assert.equal(ev.at.flags & IF, 0);
});

test('POPF: IOPL changes only at CPL 0, IF when CPL ≤ IOPL (SDM Vol. 2B POPF, Operation)', () => {
  const s = new SysMachine();
  // CPL 3, IOPL 3: IF may change, IOPL may not.
  let ev = s.run(popf(2), { flags: IF | IOPL });
  assert.equal(ev.at.flags & (IF | IOPL), IOPL);
  // CPL 0: both.
  ev = s.run(popf(IOPL | 2), { cpl: 0, flags: IF });
  assert.equal(ev.at.flags & (IF | IOPL), IOPL);
});

test('HLT: #GP(0) at CPL ≠ 0 (SDM Vol. 2A HLT: "#GP(0) If the current privilege level is not 0")', () => {
  const s = new SysMachine();
  const ev = s.run([0xf4]);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
  assert.equal(s.cpu.halted, false);
});

// --- Far transfers (exec/far.ts)

test('Far JMP to a not-present code segment is #NP(selector) (SDM Vol. 2A JMP, protected mode: "IF segment not present THEN #NP(segment selector)")', () => {
  const s = new SysMachine();
  // GDT slot 10: a 64-bit DPL-3 code segment with P = 0 (access 0x7b).
  const [lo, hi] = flatDescriptor(0x7b, true, false);
  s.m.write32(GDT + 10 * 8, lo);
  s.m.write32(GDT + 10 * 8 + 4, hi);
  s.m.writeBytes(DATA, [...le32(CODE + 0x100), 0x53, 0]);
  const ev = s.run([0xff, 0x2b], { regs: { [RBX]: BigInt(DATA) } }); // ljmp [rbx] (m16:32)
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [NP, 0x50, CODE]);
});

test('Far RET to a more privileged level (RPL < CPL) is #GP(selector), RSP unchanged (SDM Vol. 2B RET: "IF return code segment selector RPL < CPL THEN #GP(selector)")', () => {
  const s = new SysMachine();
  const sp = USTACK_TOP - 0x20;
  s.put64(sp, u64(KCODE));
  s.put64(sp + 8, 0x10n);
  const ev = s.run([0x48, 0xcb], { regs: { 4: BigInt(sp) } }); // retfq
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0x10, CODE]);
  assert.equal(ev.frame.rsp, BigInt(sp));
});
