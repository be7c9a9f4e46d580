// Event delivery through the 64-bit IDT (INT n, INT3, INTO, INT1, exceptions, external
// interrupts, NMI), IRET, the STI and MOV SS shadows and single-stepping: one test per rule, each
// naming the SDM section it checks (Vol. 2A INT n/IRET; Vol. 3 chapter 6 and §17.3.1.4).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SysMachine, CODE, RO, KCODE, KSTACK_TOP, KSTACK_CUR, IST1_TOP, USTACK_TOP, GDT, TSS, RAX, RBX, le32, u64,
} from './system-machine.js';
import { GP, NP, UD, DB, BP, OFV, PF_, SS_, DS, ES, IF, TF, NT, RF, CF, OF, PFEC_P, PFEC_W, PFEC_U } from '../../src/cpu/regs.js';
import { setSeg, flatDataAttr } from '../../src/cpu/system/segments.js';
import { flatDescriptor } from '../../src/kernel/arch/descriptors.js';
import { TSS_sp0 } from '../../src/kernel/arch/layout.js';

const INT = (n: number) => [0xcd, n];
const IRETQ = [0x48, 0xcf];
const NOP = 0x90;

// --- The gate checks

test('INT n: #GP(n*8+2) when the gate DPL < CPL (SDM Vol. 2A INT n, Operation: "IF software interrupt AND DPL < CPL THEN #GP(vector*8+2)")', () => {
  const s = new SysMachine();
  let ev = s.run(INT(0x80));
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0x80 * 8 + 2]);
  assert.equal(ev.frame.rip, CODE, 'a fault of the INT instruction');
  // The same INT through a DPL-3 gate is delivered, returning after the instruction.
  s.gate(0x80, { dpl: 3 });
  ev = s.run(INT(0x80));
  assert.deepEqual([ev.vector, ev.kind, ev.frame.rip], [0x80, 'software', CODE + 2]);
});

test('INT n: a not-present gate is #NP(n*8+2), with EXT set for an external interrupt (SDM Vol. 2A INT n: "IF gate not present THEN #NP(vector*8+2+EXT)"; Vol. 3 §6.13)', () => {
  const s = new SysMachine();
  s.gate(0x40, { present: false });
  let ev = s.run(INT(0x40), { cpl: 0 });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [NP, 0x40 * 8 + 2, KCODE]);
  // An external interrupt through the same gate: EXT = 1; the first event is benign, so the #NP
  // is delivered as such, not as #DF (SDM Vol. 3 §6.15, Table 6-5).
  s.cpu.irqVector = 0x40;
  ev = s.run([NOP], { cpl: 0, flags: IF });
  assert.deepEqual([ev.vector, ev.errorCode], [NP, 0x40 * 8 + 3]);
});

test('INT n: a vector beyond the IDT limit is #GP(n*8+2), each gate being 16 bytes (SDM Vol. 2A INT n: "IF ((vector_number « 4) + 15) is not within IDT limits THEN #GP")', () => {
  const s = new SysMachine();
  s.cpu.idtLimit = 0x40 * 16 + 14; // one byte short of gate 0x40's end
  let ev = s.run(INT(0x40), { cpl: 0 });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0x40 * 8 + 2]);
  s.cpu.idtLimit = 0x40 * 16 + 15;
  ev = s.run(INT(0x40), { cpl: 0 });
  assert.deepEqual([ev.vector, ev.frame.rip], [0x40, KCODE + 2]);
});

test('INT n: a gate that is neither a 64-bit interrupt nor trap gate is #GP(n*8+2) (SDM Vol. 2A INT n: "IF descriptor type is not a 64-bit interrupt or trap gate THEN #GP")', () => {
  const s = new SysMachine();
  s.gate(0x40, { type: 0x5 }); // a task gate: none in IA-32e mode
  const ev = s.run(INT(0x40), { cpl: 0 });
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 0x40 * 8 + 2]);
});

test('INT3: the gate DPL is checked as for INT n; through a DPL-3 gate #BP is a trap, RIP after the INT3 (SDM Vol. 2A INT n/INTO/INT3/INT1; Vol. 3 §6.12.1.1)', () => {
  const s = new SysMachine();
  let ev = s.run([0xcc]);
  assert.deepEqual([ev.vector, ev.frame.rip, ev.frame.cs], [BP, CODE + 1, 0x33]);
  s.gate(BP, { dpl: 0 });
  ev = s.run([0xcc]);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, BP * 8 + 2, CODE]);
});

test('INTO: #OF only when OF = 1, through the gate DPL check; #UD in 64-bit mode (SDM Vol. 2A INT n/INTO/INT3/INT1, Operation and 64-bit mode exceptions)', () => {
  const s = new SysMachine();
  assert.ok(s.run([0xce], { mode: 32, flags: IF }).end, 'OF = 0: no event');
  let ev = s.run([0xce], { mode: 32, flags: IF | OF });
  assert.deepEqual([ev.vector, ev.frame.rip, ev.frame.cs], [OFV, CODE + 1, 0x23]);
  s.gate(OFV, { dpl: 0 });
  ev = s.run([0xce], { mode: 32, flags: IF | OF });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, OFV * 8 + 2, CODE]);
  ev = s.run([0xce], { flags: IF | OF });
  assert.deepEqual([ev.vector, ev.frame.rip], [UD, CODE]);
});

test('INT1 (ICEBP, F1): #DB without the gate DPL check, where INT 1 (CD 01) is #GP (SDM Vol. 2A INT n/INTO/INT3/INT1: INT1 is not a software interrupt for the DPL check)', () => {
  const s = new SysMachine(); // gate 1 has DPL 0
  let ev = s.run([0xf1]);
  assert.deepEqual([ev.vector, ev.frame.rip, ev.at.cpl], [DB, CODE + 1, 3]);
  ev = s.run(INT(1));
  assert.deepEqual([ev.vector, ev.errorCode], [GP, 1 * 8 + 2]);
});

// --- The frame

test('Error codes: #GP, #PF and #NP push one below RIP; INT n to such a vector pushes none (SDM Vol. 3 §6.13 "Error Code", Table 6-1)', () => {
  const s = new SysMachine();
  // #GP(0) from HLT at CPL 3: six slots on RSP0.
  let ev = s.run([0xf4]);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip, ev.frame.cs, ev.frame.ss], [GP, 0, CODE, 0x33, 0x2b]);
  assert.equal(ev.handler.rsp, KSTACK_TOP - 48);
  // #PF: not present, read, user; CR2 = the address.
  ev = s.run([0x48, 0x8b, 0x03], { regs: { [RBX]: 0x800000n } });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [PF_, PFEC_U, CODE]);
  assert.equal(s.cpu.cr2, 0x800000);
  // #PF: write to a present read-only page.
  ev = s.run([0x48, 0x89, 0x03], { regs: { [RBX]: BigInt(RO) } });
  assert.deepEqual([ev.vector, ev.errorCode], [PF_, PFEC_P | PFEC_W | PFEC_U]);
  // INT 0x0d at CPL 0 (gate DPL 0): five slots, no error code.
  ev = s.run(INT(GP), { cpl: 0 });
  assert.deepEqual([ev.vector, ev.kind, ev.frame.rip, ev.frame.cs], [GP, 'software', KCODE + 2, 0x10]);
  assert.equal(ev.handler.rsp, KSTACK_CUR - 40);
});

test('Privilege change: RSP ← TSS.RSP0, SS ← NULL (RPL = new CPL), and the frame holds the old SS:RSP (SDM Vol. 3 §6.14.4 "Stack Switching in IA-32e Mode")', () => {
  const s = new SysMachine();
  s.gate(0x80, { dpl: 3 });
  const ev = s.run(INT(0x80), { regs: { 4: BigInt(USTACK_TOP - 0x18) } });
  assert.equal(ev.handler.cpl, 0);
  assert.equal(ev.handler.rsp, KSTACK_TOP - 40);
  assert.equal(ev.handler.ss, 0);
  assert.deepEqual([ev.frame.cs, ev.frame.ss, ev.frame.rsp], [0x33, 0x2b, BigInt(USTACK_TOP - 0x18)]);
});

test('IST: a gate with IST ≠ 0 loads RSP from TSS.ISTn even without a privilege change (SDM Vol. 3 §6.14.5 "Interrupt Stack Table")', () => {
  const s = new SysMachine();
  s.gate(0x40, { ist: 1 });
  const ev = s.run(INT(0x40), { cpl: 0 });
  assert.equal(ev.handler.rsp, IST1_TOP - 40);
  assert.equal(ev.handler.ss, 0x18, 'no privilege change: SS is kept');
  assert.equal(ev.frame.rsp, u64(KSTACK_CUR));
});

test('RSP is aligned down to 16 bytes before the frame is pushed, with or without a stack switch (SDM Vol. 3 §6.14.2 "64-Bit Mode Stack Frame")', () => {
  const s = new SysMachine();
  s.prepare({ cpl: 0 });
  s.cpu.setRegNum(4, KSTACK_CUR - 8);
  let ev = s.go(KCODE, INT(0x40));
  assert.equal(ev.handler.rsp, KSTACK_CUR - 16 - 40);
  assert.equal(ev.frame.rsp, u64(KSTACK_CUR - 8), 'the frame holds the unaligned RSP');
  // TSS.RSP0 not aligned either.
  s.m.write64(TSS + TSS_sp0, KSTACK_TOP - 8);
  ev = s.run([0xf4]);
  assert.equal(ev.handler.rsp, KSTACK_TOP - 16 - 48);
});

test('An interrupt gate clears IF, a trap gate keeps it (SDM Vol. 3 §6.12.1.3 "Flag Usage By Exception- or Interrupt-Handler Procedure")', () => {
  const s = new SysMachine();
  let ev = s.run(INT(0x40), { cpl: 0, flags: IF });
  assert.equal(ev.handler.flags & IF, 0);
  assert.equal(ev.frame.rflags & IF, IF);
  s.gate(0x40, { type: 0xf });
  ev = s.run(INT(0x40), { cpl: 0, flags: IF });
  assert.equal(ev.handler.flags & IF, IF);
});

test('Delivery clears NT and RF in RFLAGS and the frame keeps NT (SDM Vol. 3 §6.12.1.3: "clears the TF, VM, RF, and NT flags")', () => {
  const s = new SysMachine();
  const ev = s.run(INT(0x40), { cpl: 0, flags: NT | RF | CF | IF });
  assert.equal(ev.handler.flags & (NT | RF | TF), 0);
  assert.equal(ev.handler.flags & CF, CF);
  assert.equal(ev.frame.rflags & (NT | CF), NT | CF);
});

// --- IRET

/** Put an IRETQ frame at the CPL-0 stack and return the options to run IRETQ on it. */
function iretFrame(s: SysMachine, rip: bigint, cs: number, rflags: number, rsp: bigint, ss: number): number {
  const sp = KSTACK_CUR - 0x100;
  const words = [rip, BigInt(cs), BigInt(rflags), rsp, BigInt(ss)];
  words.forEach((w, k) => s.put64(sp + k * 8, w));
  return sp;
}
function runIret(s: SysMachine, sp: number, flags = 0): ReturnType<SysMachine['go']> {
  s.prepare({ cpl: 0, flags });
  s.cpu.setRegNum(4, sp);
  return s.go(KCODE, IRETQ);
}
const UTARGET = CODE + 0x800;

test('IRETQ to CPL 3 pops RIP, CS, RFLAGS, RSP and SS (SDM Vol. 2A IRET, IA-32e mode: RETURN-TO-OUTER-PRIVILEGE-LEVEL)', () => {
  const s = new SysMachine();
  s.ud2(UTARGET);
  const sp = iretFrame(s, BigInt(UTARGET), 0x33, IF | CF | 2, BigInt(USTACK_TOP - 0x50), 0x2b);
  const ev = runIret(s, sp);
  assert.equal(ev.frame.rip, UTARGET);
  assert.deepEqual([ev.at.cpl, ev.at.cs, ev.at.ss, ev.at.codeSize, ev.at.flags], [3, 0x33, 0x2b, 8, IF | CF | 2]);
  assert.equal(ev.at.rsp, BigInt(USTACK_TOP - 0x50));
});

test('IRETQ: a non-canonical return RIP is #GP(0) at the IRET, nothing loaded (SDM Vol. 2A IRET: "IF tempRIP is non-canonical THEN #GP(0)")', () => {
  const s = new SysMachine();
  const sp = iretFrame(s, 0x0000800000000000n, 0x33, IF | 2, BigInt(USTACK_TOP), 0x2b);
  const ev = runIret(s, sp);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip, ev.at.cpl, ev.frame.cs], [GP, 0, KCODE, 0, 0x10]);
  assert.equal(ev.frame.rsp, u64(sp), 'RSP unchanged');
});

test('IRET: a return CS with RPL < CPL is #GP(selector) (SDM Vol. 2A IRET, PROTECTED-MODE-RETURN: "IF return code segment selector RPL < CPL THEN #GP(selector)")', () => {
  const s = new SysMachine();
  const frame = [KCODE, 0x10, 2, USTACK_TOP, 0x18].flatMap((v) => [...le32(v), ...le32(v < 0 ? -1 : 0)]);
  s.m.writeBytes(USTACK_TOP - 0x100, frame);
  const ev = s.run(IRETQ, { regs: { 4: BigInt(USTACK_TOP - 0x100) } });
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip, ev.at.cpl], [GP, 0x10, CODE, 3]);
});

test('IRET: NT = 1 in IA-32e mode is #GP(0) (SDM Vol. 2A IRET: "IF NT = 1 ... IF IA32_EFER.LMA = 1 THEN #GP(0)")', () => {
  const s = new SysMachine();
  s.ud2(UTARGET);
  const sp = iretFrame(s, BigInt(UTARGET), 0x33, IF | 2, BigInt(USTACK_TOP), 0x2b);
  const ev = runIret(s, sp, NT);
  assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, KCODE]);
});

test('IRET to an outer level nulls the data segment registers the new CPL may not use (SDM Vol. 2A IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL: "IF segment DPL < CPL ... THEN SegmentSelector ← 0")', () => {
  const s = new SysMachine();
  s.ud2(UTARGET);
  const sp = iretFrame(s, BigInt(UTARGET), 0x33, IF | 2, BigInt(USTACK_TOP), 0x2b);
  s.prepare({ cpl: 0, flags: 0 });
  setSeg(s.cpu, DS, 0x18, flatDataAttr(0));
  setSeg(s.cpu, ES, 0x2b, flatDataAttr(3));
  s.cpu.setRegNum(4, sp);
  const ev = s.go(KCODE, IRETQ);
  assert.equal(ev.at.cpl, 3);
  assert.equal(ev.at.ds, 0, 'DS held a DPL-0 segment');
  assert.equal(ev.at.es, 0x2b, 'ES held a DPL-3 segment');
});

test('IRET unblocks NMIs: an NMI raised while one is being handled waits for the next IRET (SDM Vol. 3 §6.7.1 "Handling Multiple NMIs")', () => {
  const s = new SysMachine();
  s.cpu.nmiPending = true;
  let ev = s.run([NOP], { cpl: 0 });
  assert.deepEqual([ev.vector, ev.kind, ev.frame.rip], [2, 'nmi', KCODE]);
  assert.ok(s.cpu.nmiBlocked);
  // A second NMI stays pending through ordinary instructions.
  s.cpu.nmiPending = true;
  assert.ok(s.run([NOP, NOP], { cpl: 0 }).end);
  // IRET back to kernel code: the NMI is taken before the first instruction there.
  const back = KCODE + 0x400;
  s.m.writeBytes(back, [NOP]);
  const sp = iretFrame(s, u64(back), 0x10, 2, u64(KSTACK_CUR), 0x18);
  ev = runIret(s, sp);
  assert.deepEqual([ev.vector, ev.kind, ev.frame.rip], [2, 'nmi', back]);
});

test('IRET to a 16-bit stack segment loads only SP: RSP[63:16] keep the kernel\'s value (SDM Vol. 2A IRET; the leak Linux\'s espfix64 hides)', () => {
  const s = new SysMachine();
  // A DPL-3 16-bit data segment (B = 0) in GDT slot 7: selector 0x3b.
  const [lo, hi] = flatDescriptor(0xf3, false, false);
  s.m.write32(GDT + 7 * 8, lo);
  s.m.write32(GDT + 7 * 8 + 4, hi);
  s.ud2(UTARGET);
  const userRsp = 0x8badf00d5aadc0den;
  let sp = iretFrame(s, BigInt(UTARGET), 0x23, IF | 2, userRsp, 0x3b);
  let ev = runIret(s, sp);
  assert.deepEqual([ev.at.cpl, ev.at.codeSize, ev.at.ss], [3, 4, 0x3b]);
  assert.equal(ev.at.rsp, (u64(sp) & ~0xffffn) | 0xc0den, 'bits 63:16 are the kernel stack\'s');
  // With a 32-bit SS the low 32 bits are the user's.
  sp = iretFrame(s, BigInt(UTARGET), 0x23, IF | 2, userRsp, 0x2b);
  ev = runIret(s, sp);
  assert.equal(ev.at.rsp & 0xffffffffn, 0x5aadc0den);
});

// --- Interrupt shadows, HLT, single-step

test('STI: an interrupt pending while IF = 0 is taken only after the instruction following STI (SDM Vol. 2B STI: "interrupts ... recognized ... after the end of the next instruction")', () => {
  const s = new SysMachine();
  s.cpu.irqVector = 0x20;
  let ev = s.run([0xfb, NOP, NOP], { cpl: 0, flags: 0 });
  assert.deepEqual([ev.vector, ev.kind, ev.frame.rip], [0x20, 'interrupt', KCODE + 2]);
  // With IF already set, the interrupt is taken at once.
  s.cpu.irqVector = 0x20;
  ev = s.run([0xfb, NOP, NOP], { cpl: 0, flags: IF });
  assert.deepEqual([ev.vector, ev.frame.rip], [0x20, KCODE]);
});

test('MOV SS: an interrupt arriving after MOV SS waits until the next instruction completes; after MOV DS it does not (SDM Vol. 3 §6.8.3 "Masking Exceptions and Interrupts When Switching Stacks")', () => {
  for (const [modrm, wait] of [[0xd0, true], [0xd8, false]] as const) {
    const s = new SysMachine();
    let raised = false;
    // Assert INTR at the boundary right after the segment load (the kernel-step hook runs at
    // every CPL-0 instruction boundary).
    s.m.interp.kernelStep = (cpu) => {
      if (!raised && cpu.rip === KCODE + 2) { cpu.irqVector = 0x20; raised = true; }
    };
    const ev = s.run([0x8e, modrm, NOP, NOP], { cpl: 0, flags: IF, regs: { [RAX]: 0x18n } });
    assert.equal(ev.vector, 0x20);
    assert.equal(ev.frame.rip, wait ? KCODE + 3 : KCODE + 2, modrm === 0xd0 ? 'mov ss' : 'mov ds');
  }
});

test('HLT at CPL 0 waits for an interrupt, which returns to the instruction after HLT (SDM Vol. 2A HLT)', () => {
  const s = new SysMachine();
  const interp = s.m.interp;
  interp.eventAt = s.cpu.tsc + 1000;
  interp.onEvent = (cpu) => { cpu.irqVector = 0x20; interp.eventAt = Infinity; };
  const ev = s.run([0xf4, NOP], { cpl: 0, flags: IF });
  assert.deepEqual([ev.vector, ev.frame.rip], [0x20, KCODE + 1]);
  assert.ok(s.cpu.tsc >= 1000, 'time passed while halted');
});

test('TF: a #DB trap after each instruction, reporting the next RIP; TF is clear in the handler (SDM Vol. 3 §17.3.1.4 "Single-Step Exception Condition")', () => {
  const s = new SysMachine();
  const ev = s.run([NOP, NOP, NOP], { flags: IF | TF });
  assert.deepEqual([ev.vector, ev.frame.rip], [DB, CODE + 1]);
  assert.equal(ev.frame.rflags & TF, TF);
  assert.equal(ev.handler.flags & TF, 0);
});

test('TF set by POPF: no trap after the POPF, one after the next instruction (SDM Vol. 3 §17.3.1.4: "a single-step trap does not occur until after the instruction that follows the POPF")', () => {
  const s = new SysMachine();
  // push TF|IF|2; popfq; nop; nop
  const ev = s.run([0x68, ...le32(TF | IF | 2), 0x9d, NOP, NOP]);
  assert.deepEqual([ev.vector, ev.frame.rip], [DB, CODE + 5 + 1 + 1]);
});

test('TF: an instruction that faults is not single-stepped: the fault is delivered, not #DB (SDM Vol. 3 §6.9, §17.3.1.4: a trap follows only a completed instruction)', () => {
  const s = new SysMachine();
  const ev = s.run([0xf4], { flags: IF | TF });
  assert.deepEqual([ev.vector, ev.frame.rip], [GP, CODE]);
});

test('MOV SS: the single-step trap is held until after the next instruction (SDM Vol. 3 §6.8.3: MOV SS inhibits "debug exceptions" until the next instruction completes)', () => {
  const s = new SysMachine();
  const ev = s.run([0x8e, 0xd0, NOP, NOP], { flags: IF | TF, regs: { [RAX]: 0x2bn } });
  assert.deepEqual([ev.vector, ev.frame.rip], [DB, CODE + 3]);
});

// --- Canonical addresses

test('A non-canonical memory operand is #GP(0); the same through RSP or RBP is #SS(0) (SDM Vol. 1 §3.3.7.1 "Canonical Addressing")', () => {
  const s = new SysMachine();
  for (const bad of [0x0000800000000000n, 0xffff7ffffffffff8n]) {
    let ev = s.run([0x48, 0x8b, 0x03], { regs: { [RBX]: bad } }); // mov rax, [rbx]
    assert.deepEqual([ev.vector, ev.errorCode, ev.frame.rip], [GP, 0, CODE]);
    ev = s.run([0x48, 0x8b, 0x45, 0x00], { regs: { 5: bad } }); // mov rax, [rbp]
    assert.deepEqual([ev.vector, ev.errorCode], [SS_, 0]);
    ev = s.run([0x48, 0x8b, 0x04, 0x24], { regs: { 4: bad } }); // mov rax, [rsp]
    assert.deepEqual([ev.vector, ev.errorCode], [SS_, 0]);
    ev = s.run([0x50], { regs: { 4: bad + 8n } }); // push rax: writes at RSP - 8
    assert.deepEqual([ev.vector, ev.errorCode], [SS_, 0]);
  }
  // The last canonical user page is an ordinary (here unmapped) address: #PF, not #GP.
  const ev = s.run([0x48, 0x8b, 0x03], { regs: { [RBX]: 0x00007ffffffff000n } });
  assert.equal(ev.vector, PF_);
});
