// SYSCALL, SYSRET (Q and L), SYSENTER and SYSEXIT: one test per rule of their Operation sections
// (SDM Vol. 2B; AMD APM Vol. 3 where the vendors differ). Expected values come from the rule
// named in each test's title, with Linux's MSR values (STAR = __USER32_CS << 48 | __KERNEL_CS << 32).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SysMachine, CODE, KCODE, USTACK_TOP, KSTACK_TOP, RCX, RDX, R11, u64 } from './system-machine.js';
import type { Vendor } from '../../src/cpu/cpu.js';
import { GP, UD, SS, IF, CF, DF, ZF, OF, TF, NT, AC, RF, VM, IOPL, EFER_SCE } from '../../src/cpu/regs.js';
import { flatDataAttr } from '../../src/cpu/system/segments.js';
import { setSeg } from '../../src/cpu/system/segments.js';

const SYSCALL = [0x0f, 0x05];
const SYSRETQ = [0x48, 0x0f, 0x07];
const SYSRETL = [0x0f, 0x07];
const SYSENTER = [0x0f, 0x34];
const SYSEXIT = [0x0f, 0x35];
const SYSEXITQ = [0x48, 0x0f, 0x35];

const LSTAR = KCODE + 0x100;
const CSTAR = KCODE + 0x200;
const SYSENTER_EIP = KCODE + 0x300;
const SYSENTER_ESP = KSTACK_TOP - 0x200;
/** Where SYSRET/SYSEXIT return to: a UD2 in the user code page. */
const UTARGET = CODE + 0x800;
/** Linux's IA32_FMASK: TF, DF, IF, IOPL, AC, NT. */
const LINUX_FMASK = 0x47700;
const NONCANONICAL = 0x0000800000000000n;

function machine(vendor: Vendor = 'intel'): SysMachine {
  const s = new SysMachine(vendor);
  const cpu = s.cpu;
  cpu.starHi = (0x23 << 16) | 0x10;
  cpu.lstar = LSTAR;
  cpu.cstar = CSTAR;
  cpu.fmask = LINUX_FMASK;
  cpu.sysenterCs = 0x10;
  cpu.sysenterEsp = SYSENTER_ESP;
  cpu.sysenterEip = SYSENTER_EIP;
  for (const a of [LSTAR, CSTAR, SYSENTER_EIP, UTARGET]) s.ud2(a);
  return s;
}

// --- SYSCALL

test('SYSCALL: #UD when IA32_EFER.SCE = 0 (SDM Vol. 2B SYSCALL, Operation: "IA32_EFER.SCE ≠ 1 THEN #UD")', () => {
  const s = machine();
  s.cpu.efer &= ~EFER_SCE;
  const ev = s.run(SYSCALL, { regs: { [RCX]: 0x1234n } });
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, CODE);
  assert.equal(ev.at.cpl, 3);
  assert.equal(s.cpu.getReg(RCX), 0x1234n, 'RCX untouched');
  // The same instruction with SCE set reaches LSTAR.
  s.cpu.efer |= EFER_SCE;
  assert.equal(s.run(SYSCALL).frame.rip, LSTAR);
});

test('SYSCALL (Intel): #UD in compatibility mode (SDM Vol. 2B SYSCALL: "CS.L ≠ 1 THEN #UD"; opcode table: Compat/Leg Mode Invalid)', () => {
  const s = machine('intel');
  const ev = s.run(SYSCALL, { mode: 32 });
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, CODE);
  assert.equal(ev.at.cpl, 3);
});

test('SYSCALL (AMD): from compatibility mode enters 64-bit mode at IA32_CSTAR with RCX = next EIP (AMD APM Vol. 3 SYSCALL, long-mode Operation)', () => {
  const s = machine('amd');
  const ev = s.run(SYSCALL, { mode: 32, regs: { [RCX]: 0xffffffffffffffffn } });
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, CSTAR);
  assert.equal(ev.at.cpl, 0);
  assert.equal(ev.at.codeSize, 8);
  assert.equal(ev.at.cs, 0x10);
  assert.equal(s.cpu.getReg(RCX), BigInt(CODE + 2));
});

for (const vendor of ['intel', 'amd'] as const) {
  test(`SYSCALL (${vendor}): RCX ← RIP of the next instruction, R11 ← RFLAGS (SDM Vol. 2B SYSCALL, Operation)`, () => {
    const s = machine(vendor);
    const flags = IF | CF | DF | OF | ZF | 2;
    // nop; syscall: the return address is CODE + 3.
    s.run([0x90, ...SYSCALL], { flags, regs: { [RCX]: 0xdeadbeefdeadbeefn, [R11]: 0xdeadbeefdeadbeefn } });
    assert.equal(s.cpu.getReg(RCX), BigInt(CODE + 3));
    assert.equal(s.cpu.getReg(R11), BigInt(flags));
  });
}

test('SYSCALL: RFLAGS ← RFLAGS AND NOT IA32_FMASK, and RF is cleared (SDM Vol. 2B SYSCALL: "None of the bits in RFLAGS are automatically cleared (except for RF)")', () => {
  const s = machine();
  const before = IF | DF | AC | NT | IOPL | CF | ZF | RF | 2;
  let ev = s.run(SYSCALL, { flags: before });
  assert.equal(ev.frame.rip, LSTAR);
  assert.equal(ev.at.flags, (before & ~LINUX_FMASK & ~RF) | 2);
  // An empty mask leaves everything but RF.
  s.cpu.fmask = 0;
  ev = s.run(SYSCALL, { flags: before });
  assert.equal(ev.at.flags, before & ~RF);
});

test('SYSCALL: CS ← IA32_STAR[47:32] AND FFFCH, SS ← IA32_STAR[47:32] + 8, CPL 0, 64-bit code (SDM Vol. 2B SYSCALL, Operation)', () => {
  const s = machine();
  let ev = s.run(SYSCALL);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x10, 0x18, 0, 8]);
  assert.equal(ev.at.ssAttr, flatDataAttr(0), 'SS descriptor cache: flat, DPL 0');
  // The RPL bits of STAR[47:32] are dropped for CS only.
  s.cpu.starHi = (0x23 << 16) | 0x13;
  ev = s.run(SYSCALL);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl], [0x10, 0x1b, 0]);
});

// --- SYSRET

test('SYSRET: #UD when IA32_EFER.SCE = 0 (SDM Vol. 2B SYSRET, Operation)', () => {
  const s = machine();
  s.cpu.efer &= ~EFER_SCE;
  const ev = s.run(SYSRETQ, { cpl: 0, regs: { [RCX]: BigInt(UTARGET) } });
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, KCODE);
  assert.equal(ev.at.cpl, 0);
});

test('SYSRET: #UD outside 64-bit mode (SDM Vol. 2B SYSRET: "CS.L ≠ 1 ... THEN #UD")', () => {
  const s = machine();
  // A 32-bit kernel code segment, on a stack below 4 GiB.
  s.prepare({ cpl: 0, mode: 32, regs: { [RCX]: BigInt(UTARGET) } });
  s.cpu.setRegNum(4, USTACK_TOP);
  const ev = s.go(CODE, SYSRETL);
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, CODE);
});

test('SYSRET: #GP(0) at CPL ≠ 0 (SDM Vol. 2B SYSRET, Operation: "IF (CPL ≠ 0) THEN #GP(0)")', () => {
  const s = machine();
  const ev = s.run(SYSRETQ, { regs: { [RCX]: BigInt(UTARGET) } });
  assert.equal(ev.vector, GP);
  assert.equal(ev.errorCode, 0);
  assert.equal(ev.frame.rip, CODE);
  assert.equal(ev.frame.cs, 0x33);
});

test('SYSRET (Intel): non-canonical RCX is #GP(0) at CPL 0, nothing loaded, frame pushed on the current (user) RSP (SDM Vol. 2B SYSRET: "IF RCX is not canonical THEN #GP(0)"; Linux CVE-2012-0217)', () => {
  const s = machine('intel');
  // The kernel has already put the user's RSP back, as the SYSRET path of entry_64.S does.
  const userRsp = USTACK_TOP - 0x108;
  s.prepare({ cpl: 0, flags: 0, regs: { [RCX]: NONCANONICAL, [R11]: 0x202n } });
  s.cpu.setRegNum(4, userRsp);
  const ev = s.go(KCODE, SYSRETQ);
  assert.equal(ev.vector, GP);
  assert.equal(ev.errorCode, 0);
  assert.equal(ev.frame.rip, KCODE, 'the fault is the SYSRET');
  assert.equal(ev.frame.cs, 0x10);
  assert.deepEqual([ev.at.cpl, ev.at.cs, ev.at.ss, ev.at.flags], [0, 0x10, 0x18, 2], 'no state loaded');
  // No privilege change and no IST: the handler runs on the user-controlled stack.
  assert.equal(ev.handler.rsp, (userRsp & ~15) - 48);
  assert.equal(ev.frame.rsp, BigInt(userRsp));
});

test('SYSRET (AMD): non-canonical RCX is loaded and the #GP(0) comes at CPL 3 on the next fetch (AMD APM Vol. 3 SYSRET; Linux entry_64.S "SYSRET ... AMD")', () => {
  const s = machine('amd');
  const userRsp = USTACK_TOP - 0x108;
  s.prepare({ cpl: 0, flags: 0, regs: { [RCX]: NONCANONICAL, [R11]: 0x202n } });
  s.cpu.setRegNum(4, userRsp);
  const ev = s.go(KCODE, SYSRETQ);
  assert.equal(ev.vector, GP);
  assert.equal(ev.errorCode, 0);
  assert.equal(ev.at.cpl, 3);
  assert.equal(ev.frame.cs, 0x33);
  assert.equal(u64(ev.frame.rip), NONCANONICAL);
  // A privilege change: the handler is on TSS.RSP0, not on the user's stack.
  assert.equal(ev.handler.rsp, KSTACK_TOP - 48);
  assert.equal(ev.frame.rsp, BigInt(userRsp));
});

test('SYSRET: RFLAGS ← (R11 & 3C7FD7H) | 2, so RF, VM and the reserved bits are cleared (SDM Vol. 2B SYSRET, Operation)', () => {
  const s = machine();
  // Every bit but TF (a trap after SYSRET is another rule): IF, IOPL, NT, AC, ID, RF, VM, reserved.
  const r11 = 0xffffffffffffffffn & ~BigInt(TF);
  const ev = s.run(SYSRETQ, { cpl: 0, flags: 0, regs: { [RCX]: BigInt(UTARGET), [R11]: r11 } });
  assert.equal(ev.frame.rip, UTARGET);
  assert.equal(ev.at.flags, 0x3c7fd7 & ~TF);
  assert.equal(ev.at.flags & (RF | VM), 0);
});

test('SYSRETQ: CS ← IA32_STAR[63:48] + 16 | 3, SS ← IA32_STAR[63:48] + 8 | 3, RIP ← RCX, CPL 3, 64-bit mode (SDM Vol. 2B SYSRET, Operation)', () => {
  for (const base of [0x23, 0x20]) {
    const s = machine();
    s.cpu.starHi = (base << 16) | 0x10;
    const ev = s.run(SYSRETQ, { cpl: 0, flags: 0, regs: { [RCX]: BigInt(UTARGET), [R11]: 0x202n } });
    assert.equal(ev.vector, UD);
    assert.equal(ev.frame.rip, UTARGET);
    assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x33, 0x2b, 3, 8], `STAR[63:48] = ${base.toString(16)}`);
  }
});

test('SYSRETL: CS ← IA32_STAR[63:48] | 3, SS ← +8 | 3, RIP ← ECX zero-extended (no canonical check), compatibility mode (SDM Vol. 2B SYSRET, Operation)', () => {
  const s = machine();
  // RCX[63:32] garbage, non-canonical as a 64-bit value: only ECX is used.
  const ev = s.run(SYSRETL, { cpl: 0, flags: 0, regs: { [RCX]: 0xdead000000000000n | BigInt(UTARGET), [R11]: 0x202n } });
  assert.equal(ev.vector, UD);
  assert.equal(ev.frame.rip, UTARGET);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x23, 0x2b, 3, 4]);
});

test('SYSRET (AMD): only the SS selector is written, the hidden SS attributes are kept; Intel loads fixed ones (AMD APM Vol. 3 SYSRET; Linux X86_BUG_SYSRET_SS_ATTRS)', () => {
  for (const vendor of ['amd', 'intel'] as const) {
    const s = machine(vendor);
    s.prepare({ cpl: 0, flags: 0, regs: { [RCX]: BigInt(UTARGET), [R11]: 0x202n } });
    // SS as an interrupt from CPL 3 leaves it: null, unusable.
    setSeg(s.cpu, SS, 0, 0);
    const ev = s.go(KCODE, SYSRETQ);
    assert.equal(ev.at.ss, 0x2b, vendor);
    assert.equal(ev.at.ssAttr, vendor === 'amd' ? 0 : flatDataAttr(3), vendor);
  }
});

// --- SYSENTER / SYSEXIT

test('SYSENTER: #GP(0) when IA32_SYSENTER_CS[15:2] = 0 (SDM Vol. 2B SYSENTER, Operation)', () => {
  for (const cs of [0, 3]) {
    const s = machine('intel');
    s.cpu.sysenterCs = cs;
    const ev = s.run(SYSENTER, { mode: 32 });
    assert.equal(ev.vector, GP, `SYSENTER_CS = ${cs}`);
    assert.equal(ev.errorCode, 0);
    assert.equal(ev.frame.rip, CODE);
  }
});

test('SYSENTER (AMD): #UD in long mode (AMD APM Vol. 3 SYSENTER: "invalid in long mode")', () => {
  for (const mode of [32, 64] as const) {
    const s = machine('amd');
    const ev = s.run(SYSENTER, { mode });
    assert.equal(ev.vector, UD);
    assert.equal(ev.frame.rip, CODE);
  }
});

test('SYSENTER (Intel): CS ← SYSENTER_CS AND FFFCH, SS ← CS + 8, RSP/RIP from the MSRs, IF/VM/RF cleared, 64-bit code in IA-32e mode (SDM Vol. 2B SYSENTER, Operation)', () => {
  const s = machine('intel');
  s.cpu.sysenterCs = 0x13;
  const ev = s.run(SYSENTER, { mode: 32, flags: IF | CF | DF | RF });
  assert.equal(ev.frame.rip, SYSENTER_EIP);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x10, 0x18, 0, 8]);
  assert.equal(ev.at.rsp, u64(SYSENTER_ESP));
  assert.equal(ev.at.flags, CF | DF | 2);
});

test('SYSEXIT: #GP(0) at CPL ≠ 0, and when IA32_SYSENTER_CS[15:2] = 0 (SDM Vol. 2B SYSEXIT, Operation)', () => {
  const s = machine('intel');
  let ev = s.run(SYSEXITQ, { regs: { [RDX]: BigInt(UTARGET), [RCX]: BigInt(USTACK_TOP) } });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
  s.cpu.sysenterCs = 0;
  ev = s.run(SYSEXITQ, { cpl: 0, regs: { [RDX]: BigInt(UTARGET), [RCX]: BigInt(USTACK_TOP) } });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, KCODE]);
});

test('SYSEXIT (AMD): #UD in long mode (AMD APM Vol. 3 SYSEXIT)', () => {
  const s = machine('amd');
  const ev = s.run(SYSEXITQ, { cpl: 0, regs: { [RDX]: BigInt(UTARGET), [RCX]: BigInt(USTACK_TOP) } });
  assert.deepEqual([ev.vector, ev.frame.rip], [UD, KCODE]);
});

test('SYSEXIT with REX.W: to 64-bit mode, CS ← SYSENTER_CS + 32 | 3, SS ← CS + 8, RIP ← RDX, RSP ← RCX; non-canonical RDX or RCX is #GP(0) (SDM Vol. 2B SYSEXIT, Operation)', () => {
  const s = machine('intel');
  const ursp = USTACK_TOP - 0x40;
  let ev = s.run(SYSEXITQ, { cpl: 0, flags: 0, regs: { [RDX]: BigInt(UTARGET), [RCX]: BigInt(ursp) } });
  assert.equal(ev.frame.rip, UTARGET);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x33, 0x3b, 3, 8]);
  assert.equal(ev.at.rsp, BigInt(ursp));
  for (const regs of [{ [RDX]: NONCANONICAL, [RCX]: BigInt(ursp) }, { [RDX]: BigInt(UTARGET), [RCX]: NONCANONICAL }]) {
    ev = s.run(SYSEXITQ, { cpl: 0, flags: 0, regs });
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip, ev.at.cpl], [GP, 0, KCODE, 0]);
  }
});

test('SYSEXIT (32-bit): to compatibility mode, CS ← SYSENTER_CS + 16 | 3, SS ← CS + 8, EIP ← EDX, ESP ← ECX (SDM Vol. 2B SYSEXIT, Operation)', () => {
  const s = machine('intel');
  const ursp = USTACK_TOP - 0x40;
  const ev = s.run(SYSEXIT, { cpl: 0, flags: 0, regs: { [RDX]: 0xffffffff00000000n | BigInt(UTARGET), [RCX]: 0xffffffff00000000n | BigInt(ursp) } });
  assert.equal(ev.frame.rip, UTARGET);
  assert.deepEqual([ev.at.cs, ev.at.ss, ev.at.cpl, ev.at.codeSize], [0x23, 0x2b, 3, 4]);
  assert.equal(ev.at.rsp & 0xffffffffn, BigInt(ursp));
});
