// Opcode properties the decoder needs to find an instruction's length and operand sizes:
// whether a ModRM byte follows, what immediate follows, default operand size in 64-bit mode,
// and which opcodes do not exist in 64-bit mode (SDM Vol. 2 Appendix A, opcode maps).
// Data, not code: one entry per opcode, built from the compact rows below.

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
MAP1[0x62] = M | INV64;           // BOUND (EVEX in 64-bit mode)
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
MAP1[0x8c] = M; MAP1[0x8d] = M; MAP1[0x8e] = M; MAP1[0x8f] = M | D64;
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
MAP1[0xc4] = M | INV64; MAP1[0xc5] = M | INV64; // LES/LDS; VEX in 64-bit mode (decoder handles)
MAP1[0xc6] = M | I8 | BYTE; MAP1[0xc7] = M | IZ;
MAP1[0xc8] = ENTER | D64; MAP1[0xc9] = D64;
MAP1[0xca] = I16; MAP1[0xcb] = 0;
MAP1[0xcc] = 0; MAP1[0xcd] = I8; MAP1[0xce] = INV64; MAP1[0xcf] = 0;
MAP1[0xd0] = M | BYTE; MAP1[0xd1] = M; MAP1[0xd2] = M | BYTE; MAP1[0xd3] = M;
MAP1[0xd4] = I8 | INV64; MAP1[0xd5] = I8 | INV64; MAP1[0xd6] = INV64; MAP1[0xd7] = BYTE;
set(MAP1, 0xd8, 0xdf, M);
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
MAP1[0xfe] = M | BYTE; MAP1[0xff] = M;

// ---- Two-byte map (0F xx).
set(MAP0F, 0x00, 0xff, M); // most of the map takes a ModRM byte; the exceptions follow
MAP0F[0x04] = INV; MAP0F[0x0a] = INV; MAP0F[0x0c] = INV;
for (const op of [0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e]) MAP0F[op] = 0;
MAP0F[0x0f] = M | I8;             // 3DNow! (suffix byte as an immediate)
set(MAP0F, 0x20, 0x23, M | NOMEM);
set(MAP0F, 0x24, 0x27, INV);
set(MAP0F, 0x30, 0x37, 0);
MAP0F[0x36] = INV;
MAP0F[0x38] = 0; MAP0F[0x3a] = 0; // escapes
set(MAP0F, 0x39, 0x39, INV); set(MAP0F, 0x3b, 0x3f, INV);
set(MAP0F, 0x70, 0x73, M | I8);
MAP0F[0x77] = 0;
MAP0F[0x7a] = INV; MAP0F[0x7b] = INV;
set(MAP0F, 0x80, 0x8f, IZ | REL | F64);
MAP0F[0xa0] = D64; MAP0F[0xa1] = D64; MAP0F[0xa2] = 0;
MAP0F[0xa4] = M | I8; MAP0F[0xac] = M | I8;
MAP0F[0xa6] = INV; MAP0F[0xa7] = INV;
MAP0F[0xa8] = D64; MAP0F[0xa9] = D64; MAP0F[0xaa] = 0;
MAP0F[0xb0] = M | BYTE; MAP0F[0xc0] = M | BYTE;
MAP0F[0xba] = M | I8;
MAP0F[0xc2] = M | I8; MAP0F[0xc4] = M | I8; MAP0F[0xc5] = M | I8; MAP0F[0xc6] = M | I8;
set(MAP0F, 0xc8, 0xcf, 0);

// ---- Three-byte maps: every opcode takes ModRM; 0F 3A forms add an imm8. Which of them exist
// (and with which mandatory prefix) is decided by the handlers' table: unknown ones are #UD.
set(MAP0F38, 0x00, 0xff, M);
set(MAP0F3A, 0x00, 0xff, M | I8);
