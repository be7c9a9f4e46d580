// Opcode properties the decoder needs to find an instruction's length and operand sizes:
// whether a ModRM byte follows, what immediate follows, default operand size in 64-bit mode,
// and which opcodes do not exist in 64-bit mode (SDM Vol. 2 Appendix A, opcode maps).
// Data, not code: one entry per opcode, built from the compact rows below.
//
// The second half says which encodings exist at all (VALID_64 / VALID_32): per opcode,
// mandatory prefix, ModRM.reg, register or memory form and, for register forms, ModRM.rm.
// It is written from the opcode maps (SDM Vol. 2 Tables with the group tables A-6,
// and AMD APM Vol. 3 Appendix A for the AMD-only instructions both vendors' decoders know).

export const M = 1 << 0;        // ModRM follows
export const I8 = 1 << 1;       // imm8
export const I16 = 1 << 2;      // imm16
export const IZ = 1 << 3;       // imm16 or imm32 (by operand size; imm32 sign-extended for 64-bit)
export const IV = 1 << 4;       // imm16/32/64 (MOV r, imm with REX.W)
export const IA = 1 << 5;       // moffs: an address-size immediate (MOV AL/rAX, moffs)
export const D64 = 1 << 6;      // operand size defaults to 64 in 64-bit mode (66h makes it 16)
export const F64 = 1 << 7;      // operand size is 64 in 64-bit mode whatever the prefixes (near branches, Intel)
export const BYTE = 1 << 8;     // byte operands
export const INV64 = 1 << 9;    // #UD in 64-bit mode
export const PREFIX = 1 << 10;  // a legacy prefix (handled by the decoder's prefix loop)
export const REL = 1 << 11;     // the immediate is a branch displacement
export const FAR = 1 << 12;     // far pointer immediate (ptr16:16/32), 32-bit mode only
export const ENTER = 1 << 13;   // imm16 + imm8
export const GRP3 = 1 << 14;    // F6/F7: the immediate exists only for /0 and /1 (TEST)
export const INV = 1 << 15;     // no instruction here (#UD)
export const NOMEM = 1 << 16;   // ModRM always names registers whatever mod says (MOV CRn/DRn)
export const VT = 1 << 17;      // one-byte map: which forms exist is in the validity table (groups, x87)
export const SSE4A = 1 << 18;   // 0F 78: with 66 (EXTRQ) or F2 (INSERTQ) two imm8 follow; without, VMREAD has none

export const MAP1 = new Int32Array(256);
export const MAP0F = new Int32Array(256);
export const MAP0F38 = new Int32Array(256);
export const MAP0F3A = new Int32Array(256);

function set(table: Int32Array, from: number, to: number, flags: number): void {
  for (let i = from; i <= to; i++) table[i] = flags;
}

// ---- One-byte map.
// The eight classic ALU rows (ADD OR ADC SBB AND SUB XOR CMP): Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz.
for (let row = 0; row < 8; row++) {
  const b = row * 8;
  MAP1[b + 0] = M | BYTE;
  MAP1[b + 1] = M;
  MAP1[b + 2] = M | BYTE;
  MAP1[b + 3] = M;
  MAP1[b + 4] = I8 | BYTE;
  MAP1[b + 5] = IZ;
}
// Column 6/7 of rows 0-3: PUSH/POP ES, CS, SS, DS; rows 4-7: segment prefixes and DAA/DAS/AAA/AAS.
for (const op of [0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f]) MAP1[op] = INV64;
for (const op of [0x26, 0x2e, 0x36, 0x3e]) MAP1[op] = PREFIX;
MAP1[0x0f] = 0; // escape
set(MAP1, 0x40, 0x4f, 0);         // INC/DEC r (32-bit mode); REX in 64-bit mode
set(MAP1, 0x50, 0x5f, D64);       // PUSH/POP r
MAP1[0x60] = INV64; MAP1[0x61] = INV64;
MAP1[0x62] = M | INV64 | VT;      // BOUND (EVEX in 64-bit mode, and for register forms outside it)
MAP1[0x63] = M;                   // MOVSXD (64) / ARPL (32)
for (const op of [0x64, 0x65, 0x66, 0x67]) MAP1[op] = PREFIX;
MAP1[0x68] = IZ | D64;
MAP1[0x69] = M | IZ;
MAP1[0x6a] = I8 | D64;
MAP1[0x6b] = M | I8;
MAP1[0x6c] = BYTE; MAP1[0x6d] = 0; MAP1[0x6e] = BYTE; MAP1[0x6f] = 0;
set(MAP1, 0x70, 0x7f, I8 | REL | F64);
MAP1[0x80] = M | I8 | BYTE;
MAP1[0x81] = M | IZ;
MAP1[0x82] = M | I8 | BYTE | INV64;
MAP1[0x83] = M | I8;
MAP1[0x84] = M | BYTE; MAP1[0x85] = M; MAP1[0x86] = M | BYTE; MAP1[0x87] = M;
MAP1[0x88] = M | BYTE; MAP1[0x89] = M; MAP1[0x8a] = M | BYTE; MAP1[0x8b] = M;
MAP1[0x8c] = M | VT; MAP1[0x8d] = M | VT; MAP1[0x8e] = M | VT; MAP1[0x8f] = M | D64 | VT;
set(MAP1, 0x90, 0x97, 0);
MAP1[0x98] = 0; MAP1[0x99] = 0;
MAP1[0x9a] = FAR | INV64;
MAP1[0x9b] = 0;
MAP1[0x9c] = D64; MAP1[0x9d] = D64;
MAP1[0x9e] = 0; MAP1[0x9f] = 0;
MAP1[0xa0] = IA | BYTE; MAP1[0xa1] = IA; MAP1[0xa2] = IA | BYTE; MAP1[0xa3] = IA;
MAP1[0xa4] = BYTE; MAP1[0xa5] = 0; MAP1[0xa6] = BYTE; MAP1[0xa7] = 0;
MAP1[0xa8] = I8 | BYTE; MAP1[0xa9] = IZ;
MAP1[0xaa] = BYTE; MAP1[0xab] = 0; MAP1[0xac] = BYTE; MAP1[0xad] = 0; MAP1[0xae] = BYTE; MAP1[0xaf] = 0;
set(MAP1, 0xb0, 0xb7, I8 | BYTE);
set(MAP1, 0xb8, 0xbf, IV);
MAP1[0xc0] = M | I8 | BYTE; MAP1[0xc1] = M | I8;
MAP1[0xc2] = I16 | F64; MAP1[0xc3] = F64;
MAP1[0xc4] = M | INV64 | VT; MAP1[0xc5] = M | INV64 | VT; // LES/LDS; VEX in 64-bit mode (decoder handles)
MAP1[0xc6] = M | I8 | BYTE | VT; MAP1[0xc7] = M | IZ | VT;
MAP1[0xc8] = ENTER | D64; MAP1[0xc9] = D64;
MAP1[0xca] = I16; MAP1[0xcb] = 0;
MAP1[0xcc] = 0; MAP1[0xcd] = I8; MAP1[0xce] = INV64; MAP1[0xcf] = 0;
MAP1[0xd0] = M | BYTE; MAP1[0xd1] = M; MAP1[0xd2] = M | BYTE; MAP1[0xd3] = M;
MAP1[0xd4] = I8 | INV64; MAP1[0xd5] = I8 | INV64; MAP1[0xd6] = INV64; MAP1[0xd7] = BYTE;
set(MAP1, 0xd8, 0xdf, M | VT);
set(MAP1, 0xe0, 0xe3, I8 | REL | F64);
MAP1[0xe4] = I8 | BYTE; MAP1[0xe5] = I8; MAP1[0xe6] = I8 | BYTE; MAP1[0xe7] = I8;
MAP1[0xe8] = IZ | REL | F64; MAP1[0xe9] = IZ | REL | F64;
MAP1[0xea] = FAR | INV64;
MAP1[0xeb] = I8 | REL | F64;
MAP1[0xec] = BYTE; MAP1[0xed] = 0; MAP1[0xee] = BYTE; MAP1[0xef] = 0;
MAP1[0xf0] = PREFIX; MAP1[0xf1] = 0; MAP1[0xf2] = PREFIX; MAP1[0xf3] = PREFIX;
MAP1[0xf4] = 0; MAP1[0xf5] = 0;
MAP1[0xf6] = M | BYTE | GRP3; MAP1[0xf7] = M | GRP3;
set(MAP1, 0xf8, 0xfd, 0);
MAP1[0xfe] = M | BYTE | VT; MAP1[0xff] = M | VT;

// ---- Two-byte map (0F xx). Lengths only: which of these exist is in the validity table.
set(MAP0F, 0x00, 0xff, M); // most of the map takes a ModRM byte; the exceptions follow
for (const op of [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0e]) MAP0F[op] = 0;
MAP0F[0x0f] = M | I8;             // 3DNow! (suffix byte as an immediate)
set(MAP0F, 0x20, 0x23, M | NOMEM);
set(MAP0F, 0x30, 0x37, 0);
MAP0F[0x38] = 0; MAP0F[0x3a] = 0; // escapes
set(MAP0F, 0x39, 0x39, 0); set(MAP0F, 0x3b, 0x3f, 0);
set(MAP0F, 0x70, 0x73, M | I8);
MAP0F[0x77] = 0;
MAP0F[0x78] = M | SSE4A;
set(MAP0F, 0x80, 0x8f, IZ | REL | F64);
MAP0F[0xa0] = D64; MAP0F[0xa1] = D64; MAP0F[0xa2] = 0;
MAP0F[0xa4] = M | I8; MAP0F[0xac] = M | I8;
MAP0F[0xa8] = D64; MAP0F[0xa9] = D64; MAP0F[0xaa] = 0;
MAP0F[0xb0] = M | BYTE; MAP0F[0xc0] = M | BYTE;
MAP0F[0xba] = M | I8;
MAP0F[0xc2] = M | I8; MAP0F[0xc4] = M | I8; MAP0F[0xc5] = M | I8; MAP0F[0xc6] = M | I8;
set(MAP0F, 0xc8, 0xcf, 0);

// ---- Three-byte maps: every opcode takes ModRM; 0F 3A forms add an imm8.
set(MAP0F38, 0x00, 0xff, M);
set(MAP0F3A, 0x00, 0xff, M | I8);

// =============================================================================================
// Which encodings exist.
//
// For the 0F, 0F 38 and 0F 3A maps, and the one-byte opcodes marked VT, an encoding exists when
// its bit is set in one of two tables, chosen by the operating mode:
//   mem[map|op]           bit pfx*8 + reg   for memory forms (mod != 3)
//   reg[(map|op)*8 + reg] bit pfx*8 + rm    for register forms (mod == 3), and for opcodes
//                                           without a ModRM byte (looked up as reg 0, rm 0)
// where pfx is the mandatory-prefix column: 0 none, 1 66, 2 F3, 3 F2 (SDM Vol. 2 §2.1.2): F2/F3
// take precedence over 66, and of F2 and F3 the last one counts (as iced-x86 decodes them).
//
// Rows: `op forms prefixes [mode] ; instructions`
//   op        [map:]byte[-byte] optionally followed by /reg[-reg] (ModRM.reg) or =modrm[-modrm]
//             (a register form named by its whole ModRM byte); map is 0f, 0f38 or 0f3a, none for
//             the one-byte map.
//   forms     m (memory operand), r (register operand), mr (both), - (no ModRM byte)
//   prefixes  * (any), or a comma list of n (none), 66, f3, f2
//   mode      64: 64-bit mode only; 32: outside 64-bit mode only; omitted: both
// =============================================================================================

export const PFX_NONE = 0, PFX_66 = 1, PFX_F3 = 2, PFX_F2 = 3;

export interface ValidityTable {
  readonly mem: Int32Array;
  readonly reg: Int32Array;
}
export const VALID_64: ValidityTable = { mem: new Int32Array(0x400), reg: new Int32Array(0x400 * 8) };
export const VALID_32: ValidityTable = { mem: new Int32Array(0x400), reg: new Int32Array(0x400 * 8) };

// One-byte map: groups and forms that exist only partly (Table ).
const ONE_BYTE = `
62        m   *  32    ; BOUND (register forms are EVEX)
c4-c5     m   *  32    ; LES LDS (register forms are VEX)
8c/0-5    mr  *        ; MOV Ev,Sreg (no Sreg 6, 7)
8d        m   *        ; LEA (a register operand has no address)
8e/0      mr  *        ; MOV Sreg,Ew: ES (CS cannot be loaded)
8e/2-5    mr  *        ; SS DS FS GS
8f/0      mr  *        ; POP Ev (other /reg: XOP on AMD, see decode.ts)
c6/0      mr  *        ; MOV Eb,Ib
c6=f8     r   *        ; XABORT Ib
c7/0      mr  *        ; MOV Ev,Iz
c7=f8     r   *        ; XBEGIN Jz
fe/0-1    mr  *        ; INC DEC Eb
ff/0-2    mr  *        ; INC DEC CALL Ev
ff/3      m   *        ; CALL Mp (far)
ff/4      mr  *        ; JMP Ev
ff/5      m   *        ; JMP Mp (far)
ff/6      mr  *        ; PUSH Ev

; x87 (Table A-7..A-22): every memory form except the holes, then the register forms one by one.
d8        mr  *        ; FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR
d9/0      mr  *        ; FLD m32 / FLD ST(i)
d9/1      r   *        ; FXCH ST(i)
d9/2-3    m   *        ; FST FSTP m32
d9=d0     r   *        ; FNOP
d9/3      r   *        ; FSTPNCE ST(i) (the FSTP alias)
d9/4-7    m   *        ; FLDENV FLDCW FNSTENV FNSTCW
d9=e0-e1  r   *        ; FCHS FABS
d9=e4-e5  r   *        ; FTST FXAM
d9=e8-ee  r   *        ; FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ
d9/6-7    r   *        ; F2XM1 FYL2X FPTAN FPATAN FXTRACT FPREM1 FDECSTP FINCSTP FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS
da        m   *        ; FIADD … FIDIVR m32int
da/0-3    r   *        ; FCMOVB FCMOVE FCMOVBE FCMOVU
da=e9     r   *        ; FUCOMPP
db/0-3    m   *        ; FILD FISTTP FIST FISTP m32int
db/5      m   *        ; FLD m80
db/7      m   *        ; FSTP m80
db/0-3    r   *        ; FCMOVNB FCMOVNE FCMOVNBE FCMOVNU
db=e0-e4  r   *        ; FNENI FNDISI FNCLEX FNINIT FNSETPM
db/5-6    r   *        ; FUCOMI FCOMI
dc        mr  *        ; FADD … FDIVR m64 / ST(i),ST (with the FCOM2 FCOMP3 aliases)
dd/0-4    m   *        ; FLD FISTTP FST FSTP m64, FRSTOR
dd/6-7    m   *        ; FNSAVE FNSTSW
dd/0-5    r   *        ; FFREE FXCH4 FST FSTP FUCOM FUCOMP
de        m   *        ; FIADD … FIDIVR m16int
de/0-2    r   *        ; FADDP FMULP FCOMP5
de=d9     r   *        ; FCOMPP
de/4-7    r   *        ; FSUBRP FSUBP FDIVRP FDIVP
df        m   *        ; FILD FISTTP FIST FISTP m16, FBLD, FILD m64, FBSTP, FISTP m64
df/0-3    r   *        ; FFREEP FXCH7 FSTP8 FSTP9
df=e0     r   *        ; FNSTSW AX
df/5-6    r   *        ; FUCOMIP FCOMIP
`;

// Two-byte map (Table A-3, groups in A-6).
const TWO_BYTE = `
0f:00/0-5      mr  *             ; SLDT STR LLDT LTR VERR VERW
0f:00/6        mr  f2   64       ; LKGS
0f:01/0-3      m   *             ; SGDT SIDT LGDT LIDT
0f:01/4        mr  *             ; SMSW
0f:01/5        m   f3            ; RSTORSSP
0f:01/6        mr  *             ; LMSW
0f:01/7        m   *             ; INVLPG
0f:01=c0-c6    r   n             ; ENCLV VMCALL VMLAUNCH VMRESUME VMXOFF PCONFIG WRMSRNS
0f:01=c6       r   f3,f2  64     ; WRMSRLIST RDMSRLIST
0f:01=c7       r   n    64       ; PBNDKB
0f:01=c8-cb    r   n             ; MONITOR MWAIT CLAC STAC
0f:01=ca       r   f3,f2  64     ; ERETU ERETS (FRED)
0f:01=cc       r   66            ; TDCALL (TDX)
0f:01=cd-cf    r   66   64       ; SEAMRET SEAMOPS SEAMCALL
0f:01=cf       r   n             ; ENCLS
0f:01=d0-d1    r   n             ; XGETBV XSETBV
0f:01=d4-d7    r   n             ; VMFUNC XEND XTEST ENCLU
0f:01=d8-df    r   *             ; VMRUN VMMCALL(F2/F3: VMGEXIT) VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA: AMD ignores the prefixes
0f:01=e8       r   n             ; SERIALIZE
0f:01=e8       r   f3            ; SETSSBSY
0f:01=ea       r   f3            ; SAVEPREVSSP
0f:01=e8-e9    r   f2            ; XSUSLDTRK XRESLDTRK
0f:01=ec-ef    r   f3   64       ; UIRET TESTUI CLUI STUI
0f:01=ee-ef    r   n             ; RDPKRU WRPKRU
0f:01=f8       r   *    64       ; SWAPGS
0f:01=f9       r   *             ; RDTSCP
0f:01=fa-fb    r   n             ; MONITORX MWAITX
0f:01=fa       r   f3            ; MCOMMIT
0f:01=fc       r   *             ; CLZERO
0f:01=fd-ff    r   n             ; RDPRU INVLPGB TLBSYNC
0f:01=fd-ff    r   f3   64       ; RMPQUERY RMPADJUST PSMASH (SEV-SNP)
0f:01=fe       r   f2   64       ; RMPUPDATE
0f:01=ff       r   f2            ; PVALIDATE
0f:02-03       mr  *             ; LAR LSL
0f:05-09       -   *             ; SYSCALL CLTS SYSRET INVD WBINVD (F3: WBNOINVD)
0f:0b          -   *             ; UD2
0f:0d          mr  *             ; PREFETCH PREFETCHW PREFETCHWT1, reserved-NOP forms
0f:0e          -   *             ; FEMMS
0f:10-11       mr  n,66,f3,f2    ; MOVUPS MOVUPD MOVSS MOVSD
0f:12          mr  n,f3,f2       ; MOVLPS/MOVHLPS MOVSLDUP MOVDDUP
0f:12          m   66            ; MOVLPD
0f:13          m   n,66          ; MOVLPS MOVLPD
0f:14-15       mr  n,66          ; UNPCKLPS/PD UNPCKHPS/PD
0f:16          mr  n,f3          ; MOVHPS/MOVLHPS MOVSHDUP
0f:16          m   66            ; MOVHPD
0f:17          m   n,66          ; MOVHPS MOVHPD
0f:18-1f       mr  *             ; PREFETCHh, reserved-NOP hints (MPX, CET forms decode as NOP), NOP Ev
0f:20/0        r   *             ; MOV Rd,CR0 (CR8 with REX.R: see decode.ts)
0f:20/2-4      r   *             ; MOV Rd,CR2 CR3 CR4
0f:21          r   *             ; MOV Rd,DR0-DR7
0f:22/0        r   *             ; MOV CR0,Rd
0f:22/2-4      r   *             ; MOV CR2 CR3 CR4,Rd
0f:23          r   *             ; MOV DR0-DR7,Rd
0f:28-29       mr  n,66          ; MOVAPS MOVAPD
0f:2a          mr  n,66,f3,f2    ; CVTPI2PS CVTPI2PD CVTSI2SS CVTSI2SD
0f:2b          m   n,66,f3,f2    ; MOVNTPS MOVNTPD MOVNTSS MOVNTSD
0f:2c-2d       mr  n,66,f3,f2    ; CVTT/CVT PS2PI PD2PI SS2SI SD2SI
0f:2e-2f       mr  n,66          ; UCOMISS UCOMISD COMISS COMISD
0f:30-35       -   *             ; WRMSR RDTSC RDMSR RDPMC SYSENTER SYSEXIT
0f:37          -   n             ; GETSEC
0f:40-4f       mr  *             ; CMOVcc
0f:50          r   n,66          ; MOVMSKPS MOVMSKPD
0f:51          mr  n,66,f3,f2    ; SQRTPS/PD/SS/SD
0f:52-53       mr  n,f3          ; RSQRTPS/SS RCPPS/SS
0f:54-57       mr  n,66          ; ANDPS ANDNPS ORPS XORPS (and PD)
0f:58-5a       mr  n,66,f3,f2    ; ADD MUL CVTPS2PD/CVTPD2PS/CVTSS2SD/CVTSD2SS
0f:5b          mr  n,66,f3       ; CVTDQ2PS CVTPS2DQ CVTTPS2DQ
0f:5c-5f       mr  n,66,f3,f2    ; SUB MIN DIV MAX
0f:60-6b       mr  n,66          ; PUNPCKL* PACKSSWB PCMPGT* PACKUSWB PUNPCKH* PACKSSDW
0f:6c-6d       mr  66            ; PUNPCKLQDQ PUNPCKHQDQ
0f:6e          mr  n,66          ; MOVD/MOVQ
0f:6f          mr  n,66,f3       ; MOVQ MOVDQA MOVDQU
0f:70          mr  n,66,f3,f2    ; PSHUFW PSHUFD PSHUFHW PSHUFLW
0f:71-72/2     r   n,66          ; PSRLW PSRLD
0f:71-72/4     r   n,66          ; PSRAW PSRAD
0f:71-72/6     r   n,66          ; PSLLW PSLLD
0f:73/2        r   n,66          ; PSRLQ
0f:73/3        r   66            ; PSRLDQ
0f:73/6        r   n,66          ; PSLLQ
0f:73/7        r   66            ; PSLLDQ
0f:74-76       mr  n,66          ; PCMPEQB/W/D
0f:77          -   n             ; EMMS
0f:78-79       mr  n             ; VMREAD VMWRITE
0f:78/0        r   66            ; EXTRQ Uq,Ib,Ib
0f:78          r   f2            ; INSERTQ Vq,Uq,Ib,Ib
0f:79          r   66,f2         ; EXTRQ Vq,Uq  INSERTQ Vq,Uq
0f:7c-7d       mr  66,f2         ; HADDPD HADDPS HSUBPD HSUBPS
0f:7e          mr  n,66,f3       ; MOVD/MOVQ MOVQ
0f:7f          mr  n,66,f3       ; MOVQ MOVDQA MOVDQU
0f:80-8f       -   *             ; Jcc Jz
0f:90-9f       mr  *             ; SETcc
0f:a0-a2       -   *             ; PUSH FS, POP FS, CPUID
0f:a3-a5       mr  *             ; BT SHLD
0f:a6/0        r   f3            ; MONTMUL (VIA PadLock; 32-bit addressing only, see decode.ts)
0f:a6/1-7      r   f3            ; XSHA1 XSHA256 XSHA512_ALT XSHA512 CCS_HASH (Zhaoxin), reserved
0f:a7/0        r   *             ; XSTORE
0f:a7/1-7      r   f3            ; XCRYPTECB XCRYPTCBC XCRYPTCTR XCRYPTCFB XCRYPTOFB CCS_ENCRYPT XSTORE_ALT
0f:a8-aa       -   *             ; PUSH GS, POP GS, RSM
0f:ab-ad       mr  *             ; BTS SHRD
0f:ae/0-5      m   n             ; FXSAVE FXRSTOR LDMXCSR STMXCSR XSAVE XRSTOR
0f:ae/6        m   n,66          ; XSAVEOPT CLWB
0f:ae/7        m   n,66          ; CLFLUSH CLFLUSHOPT
0f:ae/4        mr  f3            ; PTWRITE
0f:ae/6        m   f3            ; CLRSSBSY
0f:ae/0-3      r   f3   64       ; RDFSBASE RDGSBASE WRFSBASE WRGSBASE
0f:ae/5        r   f3            ; INCSSP
0f:ae/5-7      r   n             ; LFENCE MFENCE SFENCE
0f:ae/6        r   66,f3,f2      ; TPAUSE UMONITOR UMWAIT
0f:af          mr  *             ; IMUL Gv,Ev
0f:b0-b1       mr  *             ; CMPXCHG
0f:b2          m   *             ; LSS
0f:b3          mr  *             ; BTR
0f:b4-b5       m   *             ; LFS LGS
0f:b6-b7       mr  *             ; MOVZX
0f:b8          mr  f3            ; POPCNT
0f:b9          mr  *             ; UD1
0f:ba/4-7      mr  *             ; BT BTS BTR BTC Ev,Ib
0f:bb-bf       mr  *             ; BTC BSF/TZCNT BSR/LZCNT MOVSX
0f:c0-c1       mr  *             ; XADD
0f:c2          mr  n,66,f3,f2    ; CMPPS/PD/SS/SD
0f:c3          m   n             ; MOVNTI
0f:c4          mr  n,66          ; PINSRW
0f:c5          r   n,66          ; PEXTRW
0f:c6          mr  n,66          ; SHUFPS SHUFPD
0f:c7/1        m   *             ; CMPXCHG8B CMPXCHG16B
0f:c7/3-5      m   n             ; XRSTORS XSAVEC XSAVES
0f:c7/6-7      m   n             ; VMPTRLD VMPTRST
0f:c7/6        m   66,f3         ; VMCLEAR VMXON
0f:c7/6-7      r   n,66          ; RDRAND RDSEED
0f:c7/7        r   f3            ; RDPID
0f:c7/6        r   f3   64       ; SENDUIPI
0f:c8-cf       -   *             ; BSWAP
0f:d0          mr  66,f2         ; ADDSUBPD ADDSUBPS
0f:d1-d5       mr  n,66          ; PSRLW PSRLD PSRLQ PADDQ PMULLW
0f:d6          mr  66            ; MOVQ Wq,Vq
0f:d6          r   f3,f2         ; MOVQ2DQ MOVDQ2Q
0f:d7          r   n,66          ; PMOVMSKB
0f:d8-df       mr  n,66          ; PSUBUSB … PANDN
0f:e0-e5       mr  n,66          ; PAVGB PSRAW PSRAD PAVGW PMULHUW PMULHW
0f:e6          mr  66,f3,f2      ; CVTTPD2DQ CVTDQ2PD CVTPD2DQ
0f:e7          m   n,66          ; MOVNTQ MOVNTDQ
0f:e8-ef       mr  n,66          ; PSUBSB … PXOR
0f:f0          m   f2            ; LDDQU
0f:f1-f6       mr  n,66          ; PSLLW PSLLD PSLLQ PMULUDQ PMADDWD PSADBW
0f:f7          r   n,66          ; MASKMOVQ MASKMOVDQU
0f:f8-fe       mr  n,66          ; PSUBB … PADDD
0f:ff          mr  *             ; UD0
`;

// Three-byte maps (Tables ): SSSE3 and later, legacy (non-VEX) encodings only.
const THREE_BYTE = `
0f38:00-0b     mr  n,66          ; PSHUFB PHADDW PHADDD PHADDSW PMADDUBSW PHSUBW PHSUBD PHSUBSW PSIGNB/W/D PMULHRSW
0f38:10        mr  66            ; PBLENDVB
0f38:14-15     mr  66            ; BLENDVPS BLENDVPD
0f38:17        mr  66            ; PTEST
0f38:1c-1e     mr  n,66          ; PABSB PABSW PABSD
0f38:20-25     mr  66            ; PMOVSXBW BD BQ WD WQ DQ
0f38:28-29     mr  66            ; PMULDQ PCMPEQQ
0f38:2a        m   66            ; MOVNTDQA
0f38:2b        mr  66            ; PACKUSDW
0f38:30-35     mr  66            ; PMOVZXBW BD BQ WD WQ DQ
0f38:37-41     mr  66            ; PCMPGTQ PMINSB PMINSD PMINUW PMINUD PMAXSB PMAXSD PMAXUW PMAXUD PMULLD PHMINPOSUW
0f38:80-82     m   66            ; INVEPT INVVPID INVPCID
0f38:c8-cd     mr  n             ; SHA1NEXTE SHA1MSG1 SHA1MSG2 SHA256RNDS2 SHA256MSG1 SHA256MSG2
0f38:cf        mr  66            ; GF2P8MULB
0f38:d8/0-3    m   f3            ; AESENCWIDE128KL AESDECWIDE128KL AESENCWIDE256KL AESDECWIDE256KL (Key Locker)
0f38:db-df     mr  66            ; AESIMC AESENC AESENCLAST AESDEC AESDECLAST
0f38:dc-df     m   f3            ; AESENC128KL AESDEC128KL AESENC256KL AESDEC256KL
0f38:dc        r   f3            ; LOADIWKEY
0f38:f0-f1     m   n,66          ; MOVBE
0f38:f0-f1     mr  f2            ; CRC32
0f38:f5        m   66            ; WRUSS
0f38:f6        m   n             ; WRSS
0f38:f6        mr  66,f3         ; ADCX ADOX
0f38:f8        m   66,f3,f2      ; MOVDIR64B ENQCMDS ENQCMD
0f38:f9        m   n             ; MOVDIRI
0f38:fa-fb     r   f3            ; ENCODEKEY128 ENCODEKEY256
0f38:fc        m   *             ; AADD AAND AXOR AOR (RAO-INT)

0f3a:08-0e     mr  66            ; ROUNDPS ROUNDPD ROUNDSS ROUNDSD BLENDPS BLENDPD PBLENDW
0f3a:0f        mr  n,66          ; PALIGNR
0f3a:14-17     mr  66            ; PEXTRB PEXTRW PEXTRD/Q EXTRACTPS
0f3a:20-22     mr  66            ; PINSRB INSERTPS PINSRD/Q
0f3a:40-42     mr  66            ; DPPS DPPD MPSADBW
0f3a:44        mr  66            ; PCLMULQDQ
0f3a:60-63     mr  66            ; PCMPESTRM PCMPESTRI PCMPISTRM PCMPISTRI
0f3a:cc        mr  n             ; SHA1RNDS4
0f3a:ce-cf     mr  66            ; GF2P8AFFINEQB GF2P8AFFINEINVQB
0f3a:df        mr  66            ; AESKEYGENASSIST
0f3a:f0=c0     r   f3            ; HRESET Ib
`;

const MAPS: Record<string, number> = { '': 0x000, '0f': 0x100, '0f38': 0x200, '0f3a': 0x300 };
const PFX_COLUMN: Record<string, number> = { n: PFX_NONE, '66': PFX_66, f3: PFX_F3, f2: PFX_F2 };

function range(text: string): [number, number] {
  const [a, b] = text.split('-');
  const lo = parseInt(a, 16);
  return [lo, b === undefined ? lo : parseInt(b, 16)];
}

/** Set the bits one row describes (the parser is strict: a malformed row is a bug in this file). */
function addRow(line: string): void {
  const fields = line.split(';')[0].trim().split(/\s+/);
  if (fields.length < 3 || fields.length > 4) throw new Error(`opcodes.ts: bad validity row "${line}"`);
  const [opText, forms, pfxText, mode] = fields;
  const m = /^(?:(0f|0f38|0f3a):)?([0-9a-f]{2}(?:-[0-9a-f]{2})?)(?:\/([0-7](?:-[0-7])?)|=([0-9a-f]{2}(?:-[0-9a-f]{2})?))?$/.exec(opText);
  if (m === null || !/^(m|r|mr|-)$/.test(forms) || (mode !== undefined && mode !== '64' && mode !== '32')) {
    throw new Error(`opcodes.ts: bad validity row "${line}"`);
  }
  const map = MAPS[m[1] ?? ''];
  const [op0, op1] = range(m[2]);
  const [reg0, reg1] = m[3] !== undefined ? range(m[3]) : [0, 7];
  const columns = pfxText === '*' ? [0, 1, 2, 3] : pfxText.split(',').map((p) => {
    const c = PFX_COLUMN[p];
    if (c === undefined) throw new Error(`opcodes.ts: bad prefix "${p}" in "${line}"`);
    return c;
  });
  const tables = mode === '64' ? [VALID_64] : mode === '32' ? [VALID_32] : [VALID_64, VALID_32];
  for (const t of tables) {
    for (let op = op0; op <= op1; op++) {
      const mo = map | op;
      for (const c of columns) {
        if (m[4] !== undefined) {
          // A register form named by its ModRM byte.
          const [b0, b1] = range(m[4]);
          for (let b = b0; b <= b1; b++) t.reg[mo * 8 + ((b >> 3) & 7)] |= 1 << (c * 8 + (b & 7));
          continue;
        }
        for (let reg = reg0; reg <= reg1; reg++) {
          if (forms.includes('m')) t.mem[mo] |= 1 << (c * 8 + reg);
          if (forms !== 'm') t.reg[mo * 8 + reg] |= 0xff << (c * 8);
        }
      }
    }
  }
}

for (const block of [ONE_BYTE, TWO_BYTE, THREE_BYTE]) {
  for (const line of block.split('\n')) {
    const l = line.trim();
    if (l !== '' && !l.startsWith(';')) addRow(l);
  }
}
