// System instructions: the privilege transitions (SYSCALL, SYSRET, SYSENTER, SYSEXIT, INT n,
// INT3, INT1, INTO, IRET), HLT, CLI/STI, SWAPGS, RDMSR/WRMSR, RDTSC/RDTSCP, CPUID, MOV CRn,
// descriptor-table loads, INVLPG, segment-register moves, UD2. Each checks its privilege rule
// (SDM Vol. 2 per instruction; Vol. 3 §5.9 for the CPL-0-only list) before acting.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { raise, raiseNoCode, ea, readRm, writeRm, setReg, pushSized, popSized, setR32 } from '../operands.js';
import { getFlags, setFlags } from '../flags.js';
import { GP, UD, IF, IOPL, DB, BP, OFV, FS, GS, SS, CS, CR0_PG, CR0_PE, CR4_PAE, CR0_WP, OF } from '../regs.js';
import { syscall, sysret, sysenter, sysexit } from '../system/fast.js';
import { deliverEvent, iret, EV_SOFTWARE, EV_ICEBP } from '../system/interrupts.js';
import { readMsr, writeMsr } from '../system/msr.js';
import { cpuid } from '../cpuid.js';
import { loadDataSeg, readDescriptor, Descriptor, asSupervisor } from '../system/segments.js';

const TWO32 = 4294967296;

function term(h: Handler): (i: Insn) => Handler {
  return (i) => { i.term = true; return h; };
}
/** A block-ending instruction whose single-step trap follows TF after it (Insn.tfAfter). */
function termTfAfter(h: Handler): (i: Insn) => Handler {
  return (i) => { i.term = true; i.tfAfter = true; return h; };
}
function needCpl0(cpu: Cpu): void {
  if (cpu.cpl !== 0) raise(cpu, GP, 0);
}

// --- Fast system calls.
def(MAP_0F | 0x05, termTfAfter((cpu) => syscall(cpu)));
def(MAP_0F | 0x07, termTfAfter((cpu, i) => sysret(cpu, i.osz === 8 ? 8 : 4)));
def(MAP_0F | 0x34, term((cpu) => sysenter(cpu)));
def(MAP_0F | 0x35, term((cpu, i) => sysexit(cpu, i.osz === 8 ? 8 : 4)));

// --- Software interrupts. RIP already points past the instruction: the frame returns there.
def(0xcd, termTfAfter((cpu, i) => deliverEvent(cpu, i.imm & 0xff, EV_SOFTWARE, 0, false)));
def(0xcc, termTfAfter((cpu) => deliverEvent(cpu, BP, EV_SOFTWARE, 0, false)));
def(0xf1, term((cpu) => deliverEvent(cpu, DB, EV_ICEBP, 0, false)));
def(0xce, termTfAfter((cpu) => { if (getFlags(cpu) & OF) deliverEvent(cpu, OFV, EV_SOFTWARE, 0, false); }));
def(0xcf, term((cpu, i) => { const from = cpu.rip; iret(cpu, i.osz); cpu.hooks.onTransition?.(cpu, 'iret', from); }));

// --- HLT, CLI, STI.
def(0xf4, term((cpu) => { needCpl0(cpu); cpu.halted = true; }));
function iopl(cpu: Cpu): number { return (cpu.flags & IOPL) >> 12; }
def(0xfa, term((cpu) => {
  if (cpu.cpl > iopl(cpu)) raise(cpu, GP, 0);
  setFlags(cpu, getFlags(cpu) & ~IF);
}));
// STI: if IF was clear, interrupts stay inhibited until the next instruction completes
// (SDM Vol. 2 STI): the loop runs exactly one more instruction before looking at INTR.
def(0xfb, term((cpu) => {
  if (cpu.cpl > iopl(cpu)) raise(cpu, GP, 0);
  const f = getFlags(cpu);
  if ((f & IF) === 0) cpu.shadowUntil = -2;
  setFlags(cpu, f | IF);
}));

// --- MSRs, TSC, CPUID.
def(MAP_0F | 0x32, term((cpu) => {
  needCpl0(cpu);
  const [lo, hi] = readMsr(cpu, cpu.lo[1]);
  setR32(cpu, 0, lo);
  setR32(cpu, 2, hi);
}));
def(MAP_0F | 0x30, term((cpu) => {
  needCpl0(cpu);
  writeMsr(cpu, cpu.lo[1], cpu.lo[0], cpu.lo[2]);
}));
// RDTSC/RDTSCP return the modeled cycle count; with CR4.TSD set only CPL 0 may read it (SDM
// Vol. 2B RDTSC: "IF (CR4.TSD = 0) or (CPL = 0) ... ELSE #GP(0)"). They end their block: cycles
// are charged per block, before it runs (cpu/cycles.ts), so only the last instruction of a block
// reads the count at its own retirement.
const CR4_TSD = 1 << 2;
function rdtsc(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) raise(cpu, GP, 0);
  const t = cpu.tsc;
  setR32(cpu, 0, t | 0);
  setR32(cpu, 2, Math.floor(t / TWO32) | 0);
}
def(MAP_0F | 0x31, term(rdtsc));
def(MAP_0F | 0xa2, () => (cpu) => {
  const [a, b, c, d] = cpuid(cpu.vendor, cpu.lo[0], cpu.lo[1]);
  setR32(cpu, 0, a); setR32(cpu, 3, b); setR32(cpu, 1, c); setR32(cpu, 2, d);
});

// --- Group 7 (0F 01): SGDT, SIDT, LGDT, LIDT, INVLPG and the register forms SWAPGS, RDTSCP.
function storeTable(cpu: Cpu, i: Insn, base: number, limit: number): void {
  const a = ea(cpu, i);
  cpu.mem.write16(a, limit);
  cpu.mem.write64(a + 2, base | 0, Math.floor(base / TWO32) | 0);
}
function loadTable(cpu: Cpu, i: Insn): [number, number] {
  needCpl0(cpu);
  const a = ea(cpu, i);
  const limit = cpu.mem.read16(a);
  const lo = cpu.mem.read64(a + 2);
  const hi = cpu.codeSize === 8 ? cpu.mem.hi : 0;
  if (((hi << 16) >> 16) !== hi) raise(cpu, GP, 0);
  return [hi * TWO32 + (lo >>> 0), limit];
}
defGroup(MAP_0F | 0x01, 0, (i) => (i.mod === 3 ? null : (cpu, i) => storeTable(cpu, i, cpu.gdtBase, cpu.gdtLimit)));
defGroup(MAP_0F | 0x01, 1, (i) => (i.mod === 3 ? null : (cpu, i) => storeTable(cpu, i, cpu.idtBase, cpu.idtLimit)));
defGroup(MAP_0F | 0x01, 2, (i) => (i.mod === 3 ? null : term((cpu, i) => { [cpu.gdtBase, cpu.gdtLimit] = loadTable(cpu, i); })(i)));
defGroup(MAP_0F | 0x01, 3, (i) => (i.mod === 3 ? null : term((cpu, i) => { [cpu.idtBase, cpu.idtLimit] = loadTable(cpu, i); })(i)));
defGroup(MAP_0F | 0x01, 7, (i) => {
  if (i.mod !== 3) return term((cpu, i) => { needCpl0(cpu); cpu.mem.flushPage(ea(cpu, i)); })(i);
  if ((i.rm & 7) === 0) return term(swapgs)(i);
  if ((i.rm & 7) === 1) return term((cpu) => { rdtsc(cpu); setR32(cpu, 1, cpu.tscAux); })(i);
  return null;
});
// SWAPGS: 64-bit mode only (#UD elsewhere), CPL 0 only. Exchanges GS.base and KERNEL_GS_BASE.
function swapgs(cpu: Cpu): void {
  if (cpu.codeSize !== 8) raiseNoCode(cpu, UD);
  needCpl0(cpu);
  const lo = cpu.segBaseLo[GS], hi = cpu.segBaseHi[GS];
  cpu.segBaseLo[GS] = cpu.kernelGsBaseLo;
  cpu.segBaseHi[GS] = cpu.kernelGsBaseHi;
  cpu.kernelGsBaseLo = lo;
  cpu.kernelGsBaseHi = hi;
}

// --- Group 6 (0F 00): SLDT, STR, LLDT (only a null LDT), LTR.
defGroup(MAP_0F | 0x00, 0, () => (cpu, i) => writeRm(cpu, i, i.mod === 3 ? i.osz : 2, cpu.ldtSel, 0));
defGroup(MAP_0F | 0x00, 1, () => (cpu, i) => writeRm(cpu, i, i.mod === 3 ? i.osz : 2, cpu.trSel, 0));
defGroup(MAP_0F | 0x00, 2, term((cpu, i) => {
  needCpl0(cpu);
  const sel = readRm(cpu, i, 2);
  if ((sel & 0xfffc) !== 0) raise(cpu, GP, sel & 0xfffc);
  cpu.ldtSel = 0;
}));
// LTR: a 16-byte available 64-bit TSS descriptor (type 9); marks it busy (type 11).
defGroup(MAP_0F | 0x00, 3, term((cpu, i) => {
  needCpl0(cpu);
  const sel = readRm(cpu, i, 2);
  if ((sel & 0xfffc) === 0) raise(cpu, GP, 0);
  const d = readDescriptor(cpu, sel, new Descriptor());
  if (((d.hi >>> 8) & 0x1f) !== 0x09) raise(cpu, GP, sel & 0xfffc);
  let upper = 0;
  asSupervisor(cpu, () => {
    upper = cpu.mem.read32(cpu.gdtBase + (sel & 0xfff8) + 8);
    cpu.mem.write32(cpu.gdtBase + (sel & 0xfff8) + 4, d.hi | 0x200);
  });
  cpu.trSel = sel;
  cpu.trBase = upper * TWO32 + d.base;
  cpu.trLimit = d.limit;
}));

// --- MOV to/from control registers (0F 20 / 0F 22). CPL 0 only; CR8 is the TPR (kept as 0).
defMovCr();
function defMovCr(): void {
  const readCr = (cpu: Cpu, n: number): number => {
    switch (n) {
      case 0: return cpu.cr0;
      case 2: return cpu.cr2;
      case 3: return cpu.cr3;
      case 4: return cpu.cr4;
      case 8: return 0;
      default: return raiseNoCode(cpu, UD);
    }
  };
  def(MAP_0F | 0x20, () => (cpu, i) => {
    needCpl0(cpu);
    const v = readCr(cpu, i.reg);
    setReg(cpu, i.rm, cpu.codeSize === 8 ? 8 : 4, v | 0, cpu.codeSize === 8 ? Math.floor(v / TWO32) | 0 : 0);
  });
  def(MAP_0F | 0x22, term((cpu, i) => {
    needCpl0(cpu);
    const lo = cpu.lo[i.rm], hi = cpu.codeSize === 8 ? cpu.hi[i.rm] : 0;
    const v = hi * TWO32 + (lo >>> 0);
    switch (i.reg) {
      case 0:
        // Leaving long mode or turning paging off is not modelled: the kernel never does it.
        if ((lo & (CR0_PG | CR0_PE)) !== (CR0_PG | CR0_PE) || hi !== 0) raise(cpu, GP, 0);
        cpu.cr0 = lo >>> 0 | 0;
        cpu.mem.wp = (lo & CR0_WP) !== 0;
        cpu.mem.flushTlb();
        return;
      case 2: cpu.cr2 = v; return;
      case 3: cpu.setCr3(v); return;
      case 4:
        if ((lo & CR4_PAE) === 0 || hi !== 0) raise(cpu, GP, 0);
        cpu.cr4 = lo;
        cpu.mem.flushTlb();
        return;
      case 8: return;
      default: raiseNoCode(cpu, UD);
    }
  }));
}

// --- Segment registers: MOV Sreg (8C, 8E), PUSH/POP FS/GS (0F A0/A1/A8/A9).
def(0x8c, () => (cpu, i) => {
  const s = i.reg & 7;
  if (s > 5) raiseNoCode(cpu, UD);
  // A register destination takes the operand size (zero-extended); memory gets 16 bits.
  writeRm(cpu, i, i.mod === 3 ? i.osz : 2, cpu.sel[s], 0);
});
// MOV SS inhibits interrupts and debug traps until the next instruction completes (SDM Vol. 3
// §6.8.3): shadow marker -3, where STI's -2 holds back interrupts only (interp.ts).
def(0x8e, (i) => {
  const s = i.reg & 7;
  if (s === CS || s > 5) return null;
  i.term = true;
  return (cpu, i) => {
    loadDataSeg(cpu, s, readRm(cpu, i, 2));
    if (s === SS) cpu.shadowUntil = -3;
  };
});
def(MAP_0F | 0xa0, () => (cpu, i) => pushSized(cpu, i.osz, cpu.sel[FS], 0));
def(MAP_0F | 0xa8, () => (cpu, i) => pushSized(cpu, i.osz, cpu.sel[GS], 0));
def(MAP_0F | 0xa1, term((cpu, i) => loadDataSeg(cpu, FS, popSized(cpu, i.osz) & 0xffff)));
def(MAP_0F | 0xa9, term((cpu, i) => loadDataSeg(cpu, GS, popSized(cpu, i.osz) & 0xffff)));

// --- Miscellany.
def(MAP_0F | 0x0b, () => (cpu) => raiseNoCode(cpu, UD)); // UD2
def(MAP_0F | 0xb9, () => (cpu) => raiseNoCode(cpu, UD)); // UD1
def(MAP_0F | 0xff, () => (cpu) => raiseNoCode(cpu, UD)); // UD0
def(MAP_0F | 0x06, () => (cpu) => { needCpl0(cpu); cpu.cr0 &= ~8; }); // CLTS
def(MAP_0F | 0x08, () => (cpu) => needCpl0(cpu)); // INVD
def(MAP_0F | 0x09, () => (cpu) => needCpl0(cpu)); // WBINVD
// LFENCE, MFENCE, SFENCE (0F AE /5 /6 /7, register forms): ordering is trivially kept by an
// in-order interpreter.
for (const r of [5, 6, 7]) defGroup(MAP_0F | 0xae, r, (i) => (i.mod === 3 ? () => {} : r === 7 ? () => {} /* CLFLUSH */ : null));
