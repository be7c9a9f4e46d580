// The SSE fixture's cases: for each instruction form, a deterministic list of inputs (register
// and memory contents, MXCSR, flags) built from edge values and a seeded generator. The fixture
// generator (scripts/gen-sse-fixture.ts) runs them on the host CPU and stores the outcomes; the
// test (tests/cpu/sse-fixture.test.ts) rebuilds the same inputs here, runs them in ringside and
// compares. Changing anything in this file changes the inputs: regenerate the fixture.

export const CODE_ADDR = 0x10000000;
export const DATA_ADDR = 0x20000000;

export interface SseCase {
  code: number[];
  mxcsr: number;
  rflags: number;
  rax: bigint;
  rcx: bigint;
  rdx: bigint;
  /** xmm0..xmm3, 16 bytes each. */
  xmm: Uint8Array;
  /** The first 64 bytes of the data page (rdx often points into it). */
  mem: Uint8Array;
}

export interface OpCases {
  name: string;
  /** Which CPUID feature the form needs: the test skips nothing, but reports by feature. */
  feature: 'sse' | 'sse2' | 'sse3' | 'ssse3' | 'sse4.1' | 'sse4.2';
  cases: SseCase[];
}

// --- A small deterministic generator (xorshift128+ on BigInt: tests only).
class Rng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn | 1n;
    this.s1 = (BigInt(seed) + 0x1234567n) * 0xbf58476d1ce4e5b9n & 0xffffffffffffffffn | 2n;
    for (let k = 0; k < 8; k++) this.u64();
  }
  u64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= (x << 23n) & 0xffffffffffffffffn;
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (this.s1 + y) & 0xffffffffffffffffn;
  }
  u32(): number { return Number(this.u64() >> 32n); }
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

const M64 = 0xffffffffffffffffn;
const f64b = (v: number): bigint => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v, true); return b.getBigUint64(0, true); };
const f32b = (v: number): number => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, v, true); return b.getUint32(0, true); };

// --- Edge values.
const D_SPECIAL: bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, // ±0
  0x0000000000000001n, 0x8000000000000001n, // ±min subnormal
  0x000fffffffffffffn, 0x800fffffffffffffn, // ±max subnormal
  0x0008000000000000n, 0x0000000012345678n,
  0x0010000000000000n, 0x8010000000000000n, // ±min normal
  0x0010000000000001n, 0x001fffffffffffffn,
  0x3ff0000000000000n, 0xbff0000000000000n, // ±1
  0x3ff8000000000000n, 0x4000000000000000n, 0x3fe0000000000000n, 0xbfe0000000000000n, // 1.5 2 .5 -.5
  0x4004000000000000n, 0xc004000000000000n, 0x3fd5555555555555n, // ±2.5, 1/3
  0x7fefffffffffffffn, 0xffefffffffffffffn, // ±max
  0x7fe0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, // 2^1023, ±inf
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000123n, 0xfffc00000000abcdn, // QNaNs
  0x7ff0000000000001n, 0xfff4000000000000n, 0x7ff00000deadbeefn, // SNaNs
  f64b(2147483647.5), f64b(-2147483648.5), f64b(2147483648), f64b(-2147483648), f64b(-2147483649),
  f64b(2 ** 63), f64b(-(2 ** 63)), f64b(2 ** 63 - 1024), f64b(-(2 ** 63) - 2048), f64b(4503599627370497),
  f64b(1e300), f64b(1e-300), f64b(-3.75), f64b(0.1),
];
const F_SPECIAL: number[] = [
  0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000,
  0x00800000, 0x80800000, 0x00800001, 0x00ffffff,
  0x3f800000, 0xbf800000, 0x3fc00000, 0x40000000, 0x3f000000, 0xbf000000, 0x40200000, 0xc0200000, 0x3eaaaaab,
  0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7f800000, 0xff800000,
  0x7fc00000, 0xffc00000, 0x7fc00123, 0xffe0abcd, 0x7f800001, 0xffa00000, 0x7f80dead,
  f32b(2147483648), f32b(-2147483648), f32b(2147483520), f32b(-2147483904), f32b(2 ** 63), f32b(-(2 ** 63)),
  f32b(9.223371e18), f32b(16777217), f32b(1e30), f32b(1e-30), f32b(-3.75), f32b(0.1),
];
const INT_SPECIAL32: number[] = [
  0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff, 0x7f7f7f7f, 0x80808080,
  0x00ff00ff, 0xff00ff00, 0x12345678, 0x8000ffff, 0x7fff8000,
];

function randF64(r: Rng): bigint {
  switch (r.int(8)) {
    case 0: return r.pick(D_SPECIAL);
    case 1: return r.u64(); // any bit pattern
    case 2: { // moderate magnitude
      const e = BigInt(1023 - 30 + r.int(60));
      return (r.chance(0.5) ? 1n << 63n : 0n) | (e << 52n) | (r.u64() & 0xfffffffffffffn);
    }
    case 3: return (r.chance(0.5) ? 1n << 63n : 0n) | (BigInt(r.int(3)) << 52n) | (r.u64() & 0xfffffffffffffn); // tiny
    case 4: return (r.chance(0.5) ? 1n << 63n : 0n) | (BigInt(2045 - r.int(3)) << 52n) | (r.u64() & 0xfffffffffffffn); // huge
    case 5: return f64b(Math.round((r.u32() / 4294967296 - 0.5) * 64) / 4); // small multiples of 1/4
    case 6: return f64b((r.u32() / 4294967296 - 0.5) * 2 ** (r.int(70)));
    default: return (r.chance(0.5) ? 1n << 63n : 0n) | (BigInt(1023 - 3 + r.int(6)) << 52n) | (r.u64() & 0xfffffffffffffn);
  }
}
function randF32(r: Rng): number {
  const sign = r.chance(0.5) ? 0x80000000 : 0;
  switch (r.int(8)) {
    case 0: return r.pick(F_SPECIAL);
    case 1: return r.u32();
    case 2: return (sign | ((127 - 20 + r.int(40)) << 23) | (r.u32() & 0x7fffff)) >>> 0;
    case 3: return (sign | (r.int(3) << 23) | (r.u32() & 0x7fffff)) >>> 0;
    case 4: return (sign | ((253 - r.int(3)) << 23) | (r.u32() & 0x7fffff)) >>> 0;
    case 5: return f32b(Math.round((r.u32() / 4294967296 - 0.5) * 64) / 4);
    case 6: return f32b((r.u32() / 4294967296 - 0.5) * 2 ** (r.int(40)));
    default: return (sign | ((127 - 3 + r.int(6)) << 23) | (r.u32() & 0x7fffff)) >>> 0;
  }
}
// Dense sets of the values where the rules differ, so that every pair (and rounding mode) occurs.
const D_DENSE: bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, 0x0000000000000001n, 0x800fffffffffffffn, 0x0010000000000000n,
  0x3ff0000000000000n, 0xbff0000000000000n, 0x7fefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0xfff800000000beefn, 0x7ff4000000000000n,
];
const F_DENSE: number[] = [
  0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x7f7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc0beef, 0x7fa00000,
];

function randI32(r: Rng): number {
  return r.chance(0.3) ? r.pick(INT_SPECIAL32) : r.chance(0.2) ? (r.u32() & 0x00ff00ff) ^ (r.chance(0.5) ? 0xff00ff00 : 0) : r.u32();
}

/** Pairs that land on the edges of overflow and underflow: b ≈ boundary / a, a few ulps off. */
function edgePair64(r: Rng, op: 'mul' | 'div'): [bigint, bigint] {
  const a = 1 + r.u32() / 4294967296;
  const target = r.pick([2.2250738585072014e-308, 1.7976931348623157e308, 2.2250738585072014e-308 * (1 - 2 ** -53), 4.9406564584124654e-324 * 3]);
  let b = op === 'mul' ? target / a : target * a;
  if (!Number.isFinite(b) || b === 0) b = target;
  const bits = (f64b(b) + BigInt(r.int(9) - 4)) & M64;
  return [f64b(a * (r.chance(0.5) ? -1 : 1)), bits];
}
function edgePair32(r: Rng, op: 'mul' | 'div'): [number, number] {
  const a = Math.fround(1 + r.u32() / 4294967296);
  const target = r.pick([1.1754943508222875e-38, 3.4028234663852886e38, 1.1754943508222875e-38 * (1 - 2 ** -24), 1.401298464324817e-45 * 3]);
  let b = op === 'mul' ? target / a : target * a;
  b = Math.fround(b);
  if (!Number.isFinite(b) || b === 0) b = target;
  const bits = (f32b(b) + r.int(9) - 4) >>> 0;
  return [f32b(a * (r.chance(0.5) ? -1 : 1)), bits];
}

function mxcsrFor(r: Rng): number {
  let m = 0x1f80;
  const rc = r.chance(0.5) ? 0 : 1 + r.int(3);
  m |= rc << 13;
  if (r.chance(0.15)) m |= 0x40; // DAZ
  if (r.chance(0.15)) m |= 0x8000; // FTZ
  if (r.chance(0.35)) m |= 0x20; // PE already set (the handlers' fast path)
  if (r.chance(0.1)) m |= r.int(64);
  if (r.chance(0.15)) m &= ~(0x80 << r.int(6)); // one exception unmasked
  if (r.chance(0.05)) m &= ~0x1f80 | (r.u32() & 0x1f80);
  return m;
}

function setLane64(x: Uint8Array, reg: number, lane: number, v: bigint): void {
  const dv = new DataView(x.buffer, x.byteOffset);
  dv.setBigUint64(reg * 16 + lane * 8, v & M64, true);
}
function setLane32(x: Uint8Array, reg: number, lane: number, v: number): void {
  const dv = new DataView(x.buffer, x.byteOffset);
  dv.setUint32(reg * 16 + lane * 4, v >>> 0, true);
}

type Kind = 'f32' | 'f64' | 'f32z' | 'f64z' | 'int' | 'edge-mul32' | 'edge-div32' | 'edge-mul64' | 'edge-div64';

function baseCase(r: Rng, code: number[]): SseCase {
  const xmm = new Uint8Array(64);
  const mem = new Uint8Array(64);
  for (let k = 0; k < 64; k++) { xmm[k] = r.u32() & 0xff; mem[k] = r.u32() & 0xff; }
  return {
    code, mxcsr: 0x1f80, rflags: 0x202 | (r.u32() & 0x8d5),
    rax: r.u64(), rcx: r.u64(), rdx: BigInt(DATA_ADDR),
    xmm, mem,
  };
}

function fill(r: Rng, c: SseCase, kind: Kind): void {
  const x = c.xmm;
  for (const reg of [0, 1, 2]) {
    for (let l = 0; l < 4; l++) {
      if (kind === 'f32') setLane32(x, reg, l, randF32(r));
      else if (kind === 'f32z') setLane32(x, reg, l, r.pick(F_DENSE));
      else if (kind === 'int') setLane32(x, reg, l, randI32(r));
    }
    if (kind === 'f64') for (let l = 0; l < 2; l++) setLane64(x, reg, l, randF64(r));
    if (kind === 'f64z') for (let l = 0; l < 2; l++) setLane64(x, reg, l, r.pick(D_DENSE));
  }
  for (let l = 0; l < 2; l++) {
    if (kind === 'edge-mul64' || kind === 'edge-div64') {
      const [a, b] = edgePair64(r, kind === 'edge-mul64' ? 'mul' : 'div');
      setLane64(x, 0, l, kind === 'edge-div64' ? b : a);
      setLane64(x, 1, l, kind === 'edge-div64' ? a : b);
    }
  }
  for (let l = 0; l < 4; l++) {
    if (kind === 'edge-mul32' || kind === 'edge-div32') {
      const [a, b] = edgePair32(r, kind === 'edge-mul32' ? 'mul' : 'div');
      setLane32(x, 0, l, kind === 'edge-div32' ? b : a);
      setLane32(x, 1, l, kind === 'edge-div32' ? a : b);
    }
  }
  // Memory operands get values of the same kind.
  const dv = new DataView(c.mem.buffer);
  for (let k = 0; k < 64; k += 8) {
    if (kind === 'f64') dv.setBigUint64(k, randF64(r), true);
    else if (kind === 'f32') { dv.setUint32(k, randF32(r), true); dv.setUint32(k + 4, randF32(r), true); }
  }
}

interface Spec {
  name: string;
  feature: OpCases['feature'];
  /** Instruction bytes; a function when an immediate varies per case. */
  code: number[] | ((r: Rng) => number[]);
  kind: Kind | Kind[];
  n?: number;
  /** Adjust the case (GPR inputs, rdx offsets …). */
  tweak?: (r: Rng, c: SseCase) => void;
}

const SPECS: Spec[] = [];
function add(s: Spec): void { SPECS.push(s); }

// FP arithmetic: none=PS, 66=PD, F3=SS, F2=SD; xmm0 op= xmm1.
const FP_ARITH: [string, number][] = [['add', 0x58], ['mul', 0x59], ['sub', 0x5c], ['min', 0x5d], ['div', 0x5e], ['max', 0x5f], ['sqrt', 0x51]];
for (const [n, op] of FP_ARITH) {
  const feat = (s: string) => (s === 'ps' || s === 'ss' ? 'sse' : 'sse2') as OpCases['feature'];
  for (const [suf, pfx] of [['ps', []], ['pd', [0x66]], ['ss', [0xf3]], ['sd', [0xf2]]] as [string, number[]][]) {
    const single = suf === 'ps' || suf === 'ss';
    const kinds: Kind[] = [single ? 'f32' : 'f64', single ? 'f32z' : 'f64z'];
    if (n === 'mul' || n === 'div') kinds.push(`edge-${n}${single ? 32 : 64}` as Kind);
    add({ name: `${n}${suf}`, feature: feat(suf), code: [...pfx, 0x0f, op, 0xc1], kind: kinds, n: 400 });
  }
}
// Memory forms (rdx → data page): alignment and scalar widths.
add({ name: 'addps-m128', feature: 'sse', code: [0x0f, 0x58, 0x02], kind: 'f32', n: 40, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 8, 4, 1])); } });
add({ name: 'addss-m32', feature: 'sse', code: [0xf3, 0x0f, 0x58, 0x02], kind: 'f32', n: 40, tweak: (r, c) => { c.rdx += BigInt(r.int(8)); } });
add({ name: 'mulsd-m64', feature: 'sse2', code: [0xf2, 0x0f, 0x59, 0x02], kind: 'f64', n: 40, tweak: (r, c) => { c.rdx += BigInt(r.int(8)); } });
// Logic.
for (const [n, op] of [['and', 0x54], ['andn', 0x55], ['or', 0x56], ['xor', 0x57]] as [string, number][]) {
  add({ name: `${n}ps`, feature: 'sse', code: [0x0f, op, 0xc1], kind: 'int', n: 20 });
  add({ name: `${n}pd`, feature: 'sse2', code: [0x66, 0x0f, op, 0xc1], kind: 'int', n: 20 });
}
// Compares: all eight predicates, plus an immediate with high bits set.
for (const [suf, pfx] of [['ps', []], ['pd', [0x66]], ['ss', [0xf3]], ['sd', [0xf2]]] as [string, number[]][]) {
  const single = suf === 'ps' || suf === 'ss';
  add({
    name: `cmp${suf}`, feature: single ? 'sse' : 'sse2', code: (r) => [...pfx, 0x0f, 0xc2, 0xc1, r.chance(0.9) ? r.int(8) : r.int(256)],
    kind: single ? ['f32', 'f32z'] : ['f64', 'f64z'], n: 500,
  });
}
// COMIS/UCOMIS: flags out.
add({ name: 'ucomiss', feature: 'sse', code: [0x0f, 0x2e, 0xc1], kind: ['f32', 'f32z'], n: 300 });
add({ name: 'comiss', feature: 'sse', code: [0x0f, 0x2f, 0xc1], kind: ['f32', 'f32z'], n: 300 });
add({ name: 'ucomisd', feature: 'sse2', code: [0x66, 0x0f, 0x2e, 0xc1], kind: ['f64', 'f64z'], n: 300 });
add({ name: 'comisd', feature: 'sse2', code: [0x66, 0x0f, 0x2f, 0xc1], kind: ['f64', 'f64z'], n: 300 });
// Conversions between FP formats and to/from integers.
add({ name: 'cvtps2pd', feature: 'sse2', code: [0x0f, 0x5a, 0xc1], kind: ['f32', 'f32z'], n: 300 });
add({ name: 'cvtpd2ps', feature: 'sse2', code: [0x66, 0x0f, 0x5a, 0xc1], kind: ['f64', 'f64z'], n: 400 });
add({ name: 'cvtss2sd', feature: 'sse2', code: [0xf3, 0x0f, 0x5a, 0xc1], kind: 'f32', n: 300 });
add({ name: 'cvtsd2ss', feature: 'sse2', code: [0xf2, 0x0f, 0x5a, 0xc1], kind: 'f64', n: 400 });
add({ name: 'cvtdq2ps', feature: 'sse2', code: [0x0f, 0x5b, 0xc1], kind: 'int', n: 300 });
add({ name: 'cvtps2dq', feature: 'sse2', code: [0x66, 0x0f, 0x5b, 0xc1], kind: 'f32', n: 300 });
add({ name: 'cvttps2dq', feature: 'sse2', code: [0xf3, 0x0f, 0x5b, 0xc1], kind: 'f32', n: 300 });
add({ name: 'cvttpd2dq', feature: 'sse2', code: [0x66, 0x0f, 0xe6, 0xc1], kind: 'f64', n: 300 });
add({ name: 'cvtdq2pd', feature: 'sse2', code: [0xf3, 0x0f, 0xe6, 0xc1], kind: 'int', n: 100 });
add({ name: 'cvtpd2dq', feature: 'sse2', code: [0xf2, 0x0f, 0xe6, 0xc1], kind: 'f64', n: 300 });
const gprIn = (r: Rng, c: SseCase) => {
  const v = r.int(4);
  c.rax = v === 0 ? BigInt.asUintN(64, BigInt(randI32(r) | 0)) : v === 1 ? BigInt(r.int(1 << 20)) : r.u64() >> BigInt(r.int(64));
  if (r.chance(0.3)) c.rax = BigInt.asUintN(64, -c.rax);
};
for (const w of [false, true]) {
  const rex = w ? [0x48] : [];
  const sz = w ? '64' : '32';
  add({ name: `cvtsi2ss-r${sz}`, feature: 'sse', code: [0xf3, ...rex, 0x0f, 0x2a, 0xc0], kind: 'f32', n: 300, tweak: gprIn });
  add({ name: `cvtsi2sd-r${sz}`, feature: 'sse2', code: [0xf2, ...rex, 0x0f, 0x2a, 0xc0], kind: 'f64', n: w ? 300 : 60, tweak: gprIn });
  add({ name: `cvttss2si-r${sz}`, feature: 'sse', code: [0xf3, ...rex, 0x0f, 0x2c, 0xc1], kind: 'f32', n: 300 });
  add({ name: `cvtss2si-r${sz}`, feature: 'sse', code: [0xf3, ...rex, 0x0f, 0x2d, 0xc1], kind: 'f32', n: 300 });
  add({ name: `cvttsd2si-r${sz}`, feature: 'sse2', code: [0xf2, ...rex, 0x0f, 0x2c, 0xc1], kind: 'f64', n: 300 });
  add({ name: `cvtsd2si-r${sz}`, feature: 'sse2', code: [0xf2, ...rex, 0x0f, 0x2d, 0xc1], kind: 'f64', n: 300 });
}
add({ name: 'cvtsi2sd-m32', feature: 'sse2', code: [0xf2, 0x0f, 0x2a, 0x02], kind: 'f64', n: 20 });
add({ name: 'cvtsd2si-m64', feature: 'sse2', code: [0xf2, 0x48, 0x0f, 0x2d, 0x02], kind: 'f64', n: 20 });

// Moves.
add({ name: 'movss-rr', feature: 'sse', code: [0xf3, 0x0f, 0x10, 0xc1], kind: 'int', n: 5 });
add({ name: 'movsd-rr', feature: 'sse2', code: [0xf2, 0x0f, 0x10, 0xc1], kind: 'int', n: 5 });
add({ name: 'movss-load', feature: 'sse', code: [0xf3, 0x0f, 0x10, 0x02], kind: 'int', n: 5 });
add({ name: 'movsd-load', feature: 'sse2', code: [0xf2, 0x0f, 0x10, 0x02], kind: 'int', n: 5 });
add({ name: 'movss-store', feature: 'sse', code: [0xf3, 0x0f, 0x11, 0x0a], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += 3n; } });
add({ name: 'movsd-store', feature: 'sse2', code: [0xf2, 0x0f, 0x11, 0x0a], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += 5n; } });
add({ name: 'movups-load', feature: 'sse', code: [0x0f, 0x10, 0x02], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += BigInt(r.int(32)); } });
add({ name: 'movupd-store', feature: 'sse2', code: [0x66, 0x0f, 0x11, 0x0a], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += BigInt(r.int(32)); } });
add({ name: 'movaps-load', feature: 'sse', code: [0x0f, 0x28, 0x02], kind: 'int', n: 10, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 8])); } });
add({ name: 'movapd-store', feature: 'sse2', code: [0x66, 0x0f, 0x29, 0x0a], kind: 'int', n: 10, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 4])); } });
add({ name: 'movaps-rr', feature: 'sse', code: [0x0f, 0x28, 0xc1], kind: 'int', n: 3 });
add({ name: 'movhlps', feature: 'sse', code: [0x0f, 0x12, 0xc1], kind: 'int', n: 3 });
add({ name: 'movlhps', feature: 'sse', code: [0x0f, 0x16, 0xc1], kind: 'int', n: 3 });
add({ name: 'movlps-load', feature: 'sse', code: [0x0f, 0x12, 0x02], kind: 'int', n: 3 });
add({ name: 'movhps-load', feature: 'sse', code: [0x0f, 0x16, 0x02], kind: 'int', n: 3 });
add({ name: 'movlps-store', feature: 'sse', code: [0x0f, 0x13, 0x0a], kind: 'int', n: 3 });
add({ name: 'movhps-store', feature: 'sse', code: [0x0f, 0x17, 0x0a], kind: 'int', n: 3 });
add({ name: 'movlpd-load', feature: 'sse2', code: [0x66, 0x0f, 0x12, 0x02], kind: 'int', n: 3 });
add({ name: 'movhpd-load', feature: 'sse2', code: [0x66, 0x0f, 0x16, 0x02], kind: 'int', n: 3 });
add({ name: 'movlpd-store', feature: 'sse2', code: [0x66, 0x0f, 0x13, 0x0a], kind: 'int', n: 3 });
add({ name: 'movhpd-store', feature: 'sse2', code: [0x66, 0x0f, 0x17, 0x0a], kind: 'int', n: 3 });
add({ name: 'movd-to-xmm', feature: 'sse2', code: [0x66, 0x0f, 0x6e, 0xc0], kind: 'int', n: 5 });
add({ name: 'movq-to-xmm', feature: 'sse2', code: [0x66, 0x48, 0x0f, 0x6e, 0xc0], kind: 'int', n: 5 });
add({ name: 'movd-from-xmm', feature: 'sse2', code: [0x66, 0x0f, 0x7e, 0xc8], kind: 'int', n: 5 });
add({ name: 'movq-from-xmm', feature: 'sse2', code: [0x66, 0x48, 0x0f, 0x7e, 0xc8], kind: 'int', n: 5 });
add({ name: 'movd-load', feature: 'sse2', code: [0x66, 0x0f, 0x6e, 0x02], kind: 'int', n: 3 });
add({ name: 'movq-f3-7e', feature: 'sse2', code: [0xf3, 0x0f, 0x7e, 0xc1], kind: 'int', n: 3 });
add({ name: 'movq-f3-7e-load', feature: 'sse2', code: [0xf3, 0x0f, 0x7e, 0x02], kind: 'int', n: 3 });
add({ name: 'movq-d6', feature: 'sse2', code: [0x66, 0x0f, 0xd6, 0xc8], kind: 'int', n: 3 });
add({ name: 'movq-d6-store', feature: 'sse2', code: [0x66, 0x0f, 0xd6, 0x0a], kind: 'int', n: 3 });
add({ name: 'movdqa-load', feature: 'sse2', code: [0x66, 0x0f, 0x6f, 0x02], kind: 'int', n: 6, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 1])); } });
add({ name: 'movdqu-load', feature: 'sse2', code: [0xf3, 0x0f, 0x6f, 0x02], kind: 'int', n: 6, tweak: (r, c) => { c.rdx += BigInt(r.int(32)); } });
add({ name: 'movdqa-store', feature: 'sse2', code: [0x66, 0x0f, 0x7f, 0x0a], kind: 'int', n: 6, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 2])); } });
add({ name: 'movdqu-store', feature: 'sse2', code: [0xf3, 0x0f, 0x7f, 0x0a], kind: 'int', n: 6, tweak: (r, c) => { c.rdx += BigInt(r.int(32)); } });
add({ name: 'movntdq', feature: 'sse2', code: [0x66, 0x0f, 0xe7, 0x0a], kind: 'int', n: 4, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 8])); } });
add({ name: 'movntps', feature: 'sse', code: [0x0f, 0x2b, 0x0a], kind: 'int', n: 4, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 8])); } });
add({ name: 'movnti', feature: 'sse2', code: [0x48, 0x0f, 0xc3, 0x02], kind: 'int', n: 3 });
add({ name: 'movmskps', feature: 'sse', code: [0x0f, 0x50, 0xc1], kind: 'int', n: 10 });
add({ name: 'movmskpd', feature: 'sse2', code: [0x66, 0x0f, 0x50, 0xc1], kind: 'int', n: 10 });
add({ name: 'pmovmskb', feature: 'sse2', code: [0x66, 0x0f, 0xd7, 0xc1], kind: 'int', n: 10 });
add({ name: 'ldmxcsr', feature: 'sse', code: [0x0f, 0xae, 0x12], kind: 'int', n: 30, tweak: (r, c) => {
  const v = r.chance(0.7) ? r.u32() & 0xffff : r.u32();
  new DataView(c.mem.buffer).setUint32(0, v, true);
} });
add({ name: 'stmxcsr', feature: 'sse', code: [0x0f, 0xae, 0x1a], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += 4n; } });

// Packed integer: 66 0F xx /r.
const INT_OPS: [string, number][] = [
  ['punpcklbw', 0x60], ['punpcklwd', 0x61], ['punpckldq', 0x62], ['packsswb', 0x63], ['pcmpgtb', 0x64], ['pcmpgtw', 0x65],
  ['pcmpgtd', 0x66], ['packuswb', 0x67], ['punpckhbw', 0x68], ['punpckhwd', 0x69], ['punpckhdq', 0x6a], ['packssdw', 0x6b],
  ['punpcklqdq', 0x6c], ['punpckhqdq', 0x6d], ['pcmpeqb', 0x74], ['pcmpeqw', 0x75], ['pcmpeqd', 0x76],
  ['psrlw', 0xd1], ['psrld', 0xd2], ['psrlq', 0xd3], ['paddq', 0xd4], ['pmullw', 0xd5], ['psubusb', 0xd8], ['psubusw', 0xd9],
  ['pminub', 0xda], ['pand', 0xdb], ['paddusb', 0xdc], ['paddusw', 0xdd], ['pmaxub', 0xde], ['pandn', 0xdf],
  ['pavgb', 0xe0], ['psraw', 0xe1], ['psrad', 0xe2], ['pavgw', 0xe3], ['pmulhuw', 0xe4], ['pmulhw', 0xe5],
  ['psubsb', 0xe8], ['psubsw', 0xe9], ['pminsw', 0xea], ['por', 0xeb], ['paddsb', 0xec], ['paddsw', 0xed], ['pmaxsw', 0xee],
  ['pxor', 0xef], ['psllw', 0xf1], ['pslld', 0xf2], ['psllq', 0xf3], ['pmuludq', 0xf4], ['pmaddwd', 0xf5], ['psadbw', 0xf6],
  ['psubb', 0xf8], ['psubw', 0xf9], ['psubd', 0xfa], ['psubq', 0xfb], ['paddb', 0xfc], ['paddw', 0xfd], ['paddd', 0xfe],
];
const shiftCount = (r: Rng, c: SseCase) => {
  // Shift-by-xmm forms: mostly small counts in xmm1's low quadword, sometimes huge ones.
  const dv = new DataView(c.xmm.buffer);
  if (r.chance(0.8)) dv.setBigUint64(16, BigInt(r.int(70)), true);
  else if (r.chance(0.5)) dv.setBigUint64(16, 1n << BigInt(32 + r.int(31)), true);
};
for (const [n, op] of INT_OPS) {
  const isShift = /^ps[rl][la][wdq]$/.test(n);
  add({ name: n, feature: 'sse2', code: [0x66, 0x0f, op, 0xc1], kind: 'int', n: isShift ? 60 : 40, tweak: isShift ? shiftCount : undefined });
}
add({ name: 'paddb-m128-misaligned', feature: 'sse2', code: [0x66, 0x0f, 0xfc, 0x02], kind: 'int', n: 6, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 1, 8])); } });
// Shifts by immediate: 66 0F 71/72/73 /n ib on xmm0.
for (const [n, op, ext] of [['psrlw', 0x71, 2], ['psraw', 0x71, 4], ['psllw', 0x71, 6], ['psrld', 0x72, 2], ['psrad', 0x72, 4],
  ['pslld', 0x72, 6], ['psrlq', 0x73, 2], ['psrldq', 0x73, 3], ['psllq', 0x73, 6], ['pslldq', 0x73, 7]] as [string, number, number][]) {
  add({ name: `${n}-imm`, feature: 'sse2', code: (r) => [0x66, 0x0f, op, 0xc0 | (ext << 3), r.chance(0.8) ? r.int(20) : r.int(256)], kind: 'int', n: 30 });
}
add({ name: 'pshufd', feature: 'sse2', code: (r) => [0x66, 0x0f, 0x70, 0xc1, r.int(256)], kind: 'int', n: 20 });
add({ name: 'pshufhw', feature: 'sse2', code: (r) => [0xf3, 0x0f, 0x70, 0xc1, r.int(256)], kind: 'int', n: 20 });
add({ name: 'pshuflw', feature: 'sse2', code: (r) => [0xf2, 0x0f, 0x70, 0xc1, r.int(256)], kind: 'int', n: 20 });
add({ name: 'shufps', feature: 'sse', code: (r) => [0x0f, 0xc6, 0xc1, r.int(256)], kind: 'int', n: 20 });
add({ name: 'shufpd', feature: 'sse2', code: (r) => [0x66, 0x0f, 0xc6, 0xc1, r.int(256)], kind: 'int', n: 10 });
add({ name: 'unpcklps', feature: 'sse', code: [0x0f, 0x14, 0xc1], kind: 'int', n: 3 });
add({ name: 'unpckhps', feature: 'sse', code: [0x0f, 0x15, 0xc1], kind: 'int', n: 3 });
add({ name: 'unpcklpd', feature: 'sse2', code: [0x66, 0x0f, 0x14, 0xc1], kind: 'int', n: 3 });
add({ name: 'unpckhpd', feature: 'sse2', code: [0x66, 0x0f, 0x15, 0xc1], kind: 'int', n: 3 });
add({ name: 'pinsrw', feature: 'sse2', code: (r) => [0x66, 0x0f, 0xc4, 0xc0, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pinsrw-m16', feature: 'sse2', code: (r) => [0x66, 0x0f, 0xc4, 0x02, r.int(256)], kind: 'int', n: 5 });
add({ name: 'pextrw', feature: 'sse2', code: (r) => [0x66, 0x0f, 0xc5, 0xc1, r.int(256)], kind: 'int', n: 10 });

// SSE3.
add({ name: 'addsubps', feature: 'sse3', code: [0xf2, 0x0f, 0xd0, 0xc1], kind: ['f32', 'f32z'], n: 200 });
add({ name: 'addsubpd', feature: 'sse3', code: [0x66, 0x0f, 0xd0, 0xc1], kind: ['f64', 'f64z'], n: 200 });
add({ name: 'haddps', feature: 'sse3', code: [0xf2, 0x0f, 0x7c, 0xc1], kind: ['f32', 'f32z'], n: 200 });
add({ name: 'haddpd', feature: 'sse3', code: [0x66, 0x0f, 0x7c, 0xc1], kind: ['f64', 'f64z'], n: 200 });
add({ name: 'hsubps', feature: 'sse3', code: [0xf2, 0x0f, 0x7d, 0xc1], kind: ['f32', 'f32z'], n: 200 });
add({ name: 'hsubpd', feature: 'sse3', code: [0x66, 0x0f, 0x7d, 0xc1], kind: ['f64', 'f64z'], n: 200 });
add({ name: 'movddup', feature: 'sse3', code: [0xf2, 0x0f, 0x12, 0xc1], kind: 'int', n: 3 });
add({ name: 'movsldup', feature: 'sse3', code: [0xf3, 0x0f, 0x12, 0xc1], kind: 'int', n: 3 });
add({ name: 'movshdup', feature: 'sse3', code: [0xf3, 0x0f, 0x16, 0xc1], kind: 'int', n: 3 });
add({ name: 'lddqu', feature: 'sse3', code: [0xf2, 0x0f, 0xf0, 0x02], kind: 'int', n: 5, tweak: (r, c) => { c.rdx += BigInt(r.int(32)); } });

// SSSE3: 66 0F 38 xx.
for (const [n, op] of [['pshufb', 0x00], ['phaddw', 0x01], ['phaddd', 0x02], ['phaddsw', 0x03], ['pmaddubsw', 0x04], ['phsubw', 0x05],
  ['phsubd', 0x06], ['phsubsw', 0x07], ['psignb', 0x08], ['psignw', 0x09], ['psignd', 0x0a], ['pmulhrsw', 0x0b],
  ['pabsb', 0x1c], ['pabsw', 0x1d], ['pabsd', 0x1e]] as [string, number][]) {
  add({ name: n, feature: 'ssse3', code: [0x66, 0x0f, 0x38, op, 0xc1], kind: 'int', n: 30 });
}
add({ name: 'palignr', feature: 'ssse3', code: (r) => [0x66, 0x0f, 0x3a, 0x0f, 0xc1, r.chance(0.8) ? r.int(33) : r.int(256)], kind: 'int', n: 30 });

// SSE4.1.
for (const [n, op] of [['pmovsxbw', 0x20], ['pmovsxbd', 0x21], ['pmovsxbq', 0x22], ['pmovsxwd', 0x23], ['pmovsxwq', 0x24], ['pmovsxdq', 0x25],
  ['pmuldq', 0x28], ['pcmpeqq', 0x29], ['packusdw', 0x2b], ['pmovzxbw', 0x30], ['pmovzxbd', 0x31], ['pmovzxbq', 0x32], ['pmovzxwd', 0x33],
  ['pmovzxwq', 0x34], ['pmovzxdq', 0x35], ['pminsb', 0x38], ['pminsd', 0x39], ['pminuw', 0x3a], ['pminud', 0x3b],
  ['pmaxsb', 0x3c], ['pmaxsd', 0x3d], ['pmaxuw', 0x3e], ['pmaxud', 0x3f], ['pmulld', 0x40], ['phminposuw', 0x41],
  ['pblendvb', 0x10], ['blendvps', 0x14], ['blendvpd', 0x15]] as [string, number][]) {
  add({ name: n, feature: 'sse4.1', code: [0x66, 0x0f, 0x38, op, 0xc1], kind: 'int', n: 25 });
}
add({ name: 'ptest', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x17, 0xc1], kind: 'int', n: 40, tweak: (r, c) => {
  if (r.chance(0.5)) for (let k = 16; k < 32; k++) c.xmm[k] &= r.chance(0.5) ? 0 : ~c.xmm[k];
} });
add({ name: 'pmovzxbw-m64', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x30, 0x02], kind: 'int', n: 3, tweak: (r, c) => { c.rdx += 3n; } });
add({ name: 'movntdqa', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x2a, 0x02], kind: 'int', n: 4, tweak: (r, c) => { c.rdx += BigInt(r.pick([0, 16, 8])); } });
for (const [n, op, kind] of [['roundps', 0x08, 'f32'], ['roundpd', 0x09, 'f64'], ['roundss', 0x0a, 'f32'], ['roundsd', 0x0b, 'f64']] as [string, number, Kind][]) {
  add({ name: n, feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, op, 0xc1, r.int(16)], kind, n: 300 });
}
for (const [n, op, kind] of [['blendps', 0x0c, 'int'], ['blendpd', 0x0d, 'int'], ['pblendw', 0x0e, 'int'], ['mpsadbw', 0x42, 'int']] as [string, number, Kind][]) {
  add({ name: n, feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, op, 0xc1, r.int(256)], kind, n: 20 });
}
add({ name: 'dpps', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x40, 0xc1, r.int(256)], kind: ['f32', 'f32z'], n: 300 });
add({ name: 'dppd', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x41, 0xc1, r.int(256)], kind: ['f64', 'f64z'], n: 300 });
add({ name: 'insertps', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x21, 0xc1, r.int(256)], kind: 'int', n: 20 });
add({ name: 'insertps-m32', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x21, 0x02, r.int(256)], kind: 'int', n: 10 });
add({ name: 'extractps', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x17, 0xc8, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pextrb', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x14, 0xc8, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pextrw-3a', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x15, 0xc8, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pextrd', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x16, 0xc8, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pextrq', feature: 'sse4.1', code: (r) => [0x66, 0x48, 0x0f, 0x3a, 0x16, 0xc8, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pextrb-m8', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x14, 0x0a, r.int(256)], kind: 'int', n: 5 });
add({ name: 'pinsrb', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x20, 0xc0, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pinsrd', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x22, 0xc0, r.int(256)], kind: 'int', n: 10 });
add({ name: 'pinsrq', feature: 'sse4.1', code: (r) => [0x66, 0x48, 0x0f, 0x3a, 0x22, 0xc0, r.int(256)], kind: 'int', n: 10 });

// SSE4.2.
add({ name: 'pcmpgtq', feature: 'sse4.2', code: [0x66, 0x0f, 0x38, 0x37, 0xc1], kind: 'int', n: 30 });
add({ name: 'crc32-r8', feature: 'sse4.2', code: [0xf2, 0x0f, 0x38, 0xf0, 0xc1], kind: 'int', n: 20 });
add({ name: 'crc32-r16', feature: 'sse4.2', code: [0x66, 0xf2, 0x0f, 0x38, 0xf1, 0xc1], kind: 'int', n: 20 });
add({ name: 'crc32-r32', feature: 'sse4.2', code: [0xf2, 0x0f, 0x38, 0xf1, 0xc1], kind: 'int', n: 20 });
add({ name: 'crc32-r64', feature: 'sse4.2', code: [0xf2, 0x48, 0x0f, 0x38, 0xf1, 0xc1], kind: 'int', n: 20 });
add({ name: 'crc32-m64', feature: 'sse4.2', code: [0xf2, 0x48, 0x0f, 0x38, 0xf1, 0x02], kind: 'int', n: 5 });
const strInputs = (r: Rng, c: SseCase) => {
  // Strings over a small alphabet (so that matches happen), with zero bytes and lengths in
  // rax/rdx for the explicit-length forms (rdx is then not a pointer).
  const alpha = [0x41, 0x42, 0x43, 0x61, 0x00, 0x5a, 0x30, 0x39, 0xff, 0x80];
  for (let k = 0; k < 32; k++) c.xmm[k] = r.chance(0.9) ? r.pick(alpha) : r.u32() & 0xff;
  const len = () => BigInt.asUintN(64, BigInt(r.chance(0.8) ? r.int(20) : r.chance(0.5) ? -r.int(20) : r.u32() | 0));
  c.rax = len();
  c.rdx = len();
};
for (const [n, op] of [['pcmpestrm', 0x60], ['pcmpestri', 0x61], ['pcmpistrm', 0x62], ['pcmpistri', 0x63]] as [string, number][]) {
  add({ name: n, feature: 'sse4.2', code: (r) => [0x66, 0x0f, 0x3a, op, 0xc1, r.int(128)], kind: 'int', n: 400, tweak: strInputs });
}

// More memory forms: widths, alignment rules (legacy SSE m128 needs 16-byte alignment, except
// the unaligned moves and the SSE4.2 string compares).
const mis = (r: Rng, c: SseCase) => { c.rdx += BigInt(r.pick([0, 16, 1, 4, 8, 12])); };
add({ name: 'cmpps-m128', feature: 'sse', code: (r) => [0x0f, 0xc2, 0x02, r.int(8)], kind: 'f32', n: 20, tweak: mis });
add({ name: 'comiss-m32', feature: 'sse', code: [0x0f, 0x2f, 0x02], kind: 'f32', n: 10, tweak: mis });
add({ name: 'ucomisd-m64', feature: 'sse2', code: [0x66, 0x0f, 0x2e, 0x02], kind: 'f64', n: 10, tweak: mis });
add({ name: 'sqrtss-m32', feature: 'sse', code: [0xf3, 0x0f, 0x51, 0x02], kind: 'f32', n: 10, tweak: mis });
add({ name: 'minpd-m128', feature: 'sse2', code: [0x66, 0x0f, 0x5d, 0x02], kind: 'f64', n: 10, tweak: mis });
add({ name: 'cvtps2pd-m64', feature: 'sse2', code: [0x0f, 0x5a, 0x02], kind: 'f32', n: 10, tweak: mis });
add({ name: 'cvtdq2pd-m64', feature: 'sse2', code: [0xf3, 0x0f, 0xe6, 0x02], kind: 'int', n: 5, tweak: mis });
add({ name: 'cvtss2sd-m32', feature: 'sse2', code: [0xf3, 0x0f, 0x5a, 0x02], kind: 'f32', n: 10, tweak: mis });
add({ name: 'cvttss2si-m32', feature: 'sse', code: [0xf3, 0x0f, 0x2c, 0x02], kind: 'f32', n: 10, tweak: mis });
add({ name: 'pshufd-m128', feature: 'sse2', code: (r) => [0x66, 0x0f, 0x70, 0x02, r.int(256)], kind: 'int', n: 6, tweak: mis });
add({ name: 'psllw-m128', feature: 'sse2', code: [0x66, 0x0f, 0xf1, 0x02], kind: 'int', n: 6, tweak: mis });
add({ name: 'pshufb-m128', feature: 'ssse3', code: [0x66, 0x0f, 0x38, 0x00, 0x02], kind: 'int', n: 6, tweak: mis });
add({ name: 'palignr-m128', feature: 'ssse3', code: (r) => [0x66, 0x0f, 0x3a, 0x0f, 0x02, r.int(32)], kind: 'int', n: 6, tweak: mis });
add({ name: 'ptest-m128', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x17, 0x02], kind: 'int', n: 6, tweak: mis });
add({ name: 'pmovsxbq-m16', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x22, 0x02], kind: 'int', n: 4, tweak: mis });
add({ name: 'pmovzxwd-m64', feature: 'sse4.1', code: [0x66, 0x0f, 0x38, 0x33, 0x02], kind: 'int', n: 4, tweak: mis });
add({ name: 'roundsd-m64', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x0b, 0x02, r.int(16)], kind: 'f64', n: 10, tweak: mis });
add({ name: 'pextrq-m64', feature: 'sse4.1', code: (r) => [0x66, 0x48, 0x0f, 0x3a, 0x16, 0x0a, r.int(4)], kind: 'int', n: 4, tweak: mis });
add({ name: 'pinsrb-m8', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x20, 0x02, r.int(32)], kind: 'int', n: 4, tweak: mis });
add({ name: 'extractps-m32', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x17, 0x0a, r.int(8)], kind: 'int', n: 4, tweak: mis });
add({ name: 'dpps-m128', feature: 'sse4.1', code: (r) => [0x66, 0x0f, 0x3a, 0x40, 0x02, r.int(256)], kind: 'f32', n: 6, tweak: mis });
add({ name: 'pcmpistri-m128', feature: 'sse4.2', code: (r) => [0x66, 0x0f, 0x3a, 0x63, 0x02, r.int(128)], kind: 'int', n: 20, tweak: (r, c) => {
  strInputs(r, c);
  for (let k = 0; k < 64; k++) c.mem[k] = c.xmm[16 + (k & 15)];
  c.rdx = BigInt(DATA_ADDR + r.int(40));
} });
add({ name: 'pcmpestri-w', feature: 'sse4.2', code: (r) => [0x66, 0x48, 0x0f, 0x3a, 0x61, 0xc1, r.int(128)], kind: 'int', n: 100, tweak: (r, c) => {
  strInputs(r, c);
  if (r.chance(0.3)) c.rax |= 0x100000000n;
  if (r.chance(0.3)) c.rdx = BigInt.asUintN(64, -(1n << BigInt(32 + r.int(31))));
} });
add({ name: 'pcmpestrm-w', feature: 'sse4.2', code: (r) => [0x66, 0x48, 0x0f, 0x3a, 0x60, 0xc1, r.int(128)], kind: 'int', n: 60, tweak: (r, c) => {
  strInputs(r, c);
  if (r.chance(0.3)) c.rax |= 0x100000000n;
} });
add({ name: 'crc32-r8-rex', feature: 'sse4.2', code: [0xf2, 0x48, 0x0f, 0x38, 0xf0, 0xc1], kind: 'int', n: 10 });
add({ name: 'crc32-ah', feature: 'sse4.2', code: [0xf2, 0x0f, 0x38, 0xf0, 0xc4], kind: 'int', n: 10 });

// Destination and source the same register (ModRM C0): results must not read what they wrote.
for (const [n, code, kind, feature] of [
  ['cvtpd2ps', [0x66, 0x0f, 0x5a], 'f64', 'sse2'], ['cvtps2pd', [0x0f, 0x5a], 'f32', 'sse2'], ['cvtdq2pd', [0xf3, 0x0f, 0xe6], 'int', 'sse2'],
  ['cvtpd2dq', [0xf2, 0x0f, 0xe6], 'f64', 'sse2'], ['unpcklps', [0x0f, 0x14], 'int', 'sse'], ['unpckhpd', [0x66, 0x0f, 0x15], 'int', 'sse2'],
  ['punpcklbw', [0x66, 0x0f, 0x60], 'int', 'sse2'], ['packsswb', [0x66, 0x0f, 0x63], 'int', 'sse2'], ['psadbw', [0x66, 0x0f, 0xf6], 'int', 'sse2'],
  ['pmaddwd', [0x66, 0x0f, 0xf5], 'int', 'sse2'], ['pmuludq', [0x66, 0x0f, 0xf4], 'int', 'sse2'], ['psllq', [0x66, 0x0f, 0xf3], 'int', 'sse2'],
  ['haddps', [0xf2, 0x0f, 0x7c], 'f32', 'sse3'], ['hsubpd', [0x66, 0x0f, 0x7d], 'f64', 'sse3'], ['movddup', [0xf2, 0x0f, 0x12], 'int', 'sse3'],
  ['pshufb', [0x66, 0x0f, 0x38, 0x00], 'int', 'ssse3'], ['phaddw', [0x66, 0x0f, 0x38, 0x01], 'int', 'ssse3'], ['pmovzxbw', [0x66, 0x0f, 0x38, 0x30], 'int', 'sse4.1'],
  ['pmovsxdq', [0x66, 0x0f, 0x38, 0x25], 'int', 'sse4.1'], ['phminposuw', [0x66, 0x0f, 0x38, 0x41], 'int', 'sse4.1'], ['pmuldq', [0x66, 0x0f, 0x38, 0x28], 'int', 'sse4.1'],
] as [string, number[], Kind, OpCases['feature']][]) {
  add({ name: `${n}-same`, feature, code: [...code, 0xc0], kind, n: 8 });
}
for (const [n, code, kind, feature] of [
  ['shufps', [0x0f, 0xc6], 'int', 'sse'], ['pshufd', [0x66, 0x0f, 0x70], 'int', 'sse2'], ['palignr', [0x66, 0x0f, 0x3a, 0x0f], 'int', 'ssse3'],
  ['dpps', [0x66, 0x0f, 0x3a, 0x40], 'f32', 'sse4.1'], ['mpsadbw', [0x66, 0x0f, 0x3a, 0x42], 'int', 'sse4.1'], ['insertps', [0x66, 0x0f, 0x3a, 0x21], 'int', 'sse4.1'],
  ['pcmpistrm', [0x66, 0x0f, 0x3a, 0x62], 'int', 'sse4.2'],
] as [string, number[], Kind, OpCases['feature']][]) {
  add({ name: `${n}-same`, feature, code: (r) => [...code, 0xc0, r.int(256)], kind, n: 8 });
}

/** Every form's cases, in a fixed order. */
export function allCases(): OpCases[] {
  const out: OpCases[] = [];
  let seed = 1;
  for (const s of SPECS) {
    const r = new Rng(seed++);
    const kinds = Array.isArray(s.kind) ? s.kind : [s.kind];
    const cases: SseCase[] = [];
    const n = s.n ?? 50;
    for (let k = 0; k < n; k++) {
      const code = typeof s.code === 'function' ? s.code(r) : s.code;
      const c = baseCase(r, code);
      fill(r, c, kinds[k % kinds.length]);
      c.mxcsr = mxcsrFor(r);
      s.tweak?.(r, c);
      cases.push(c);
    }
    out.push({ name: s.name, feature: s.feature, cases });
  }
  return out;
}

// --- The record formats of sse-host.c.
export const IN_SIZE = 16 + 4 + 4 + 8 * 4 + 64 + 64;
export const OUT_SIZE = 4 + 4 + 8 * 4 + 64 + 64;

export function encodeCase(c: SseCase, buf: Buffer, off: number): void {
  buf.fill(0, off, off + IN_SIZE);
  for (let k = 0; k < c.code.length; k++) buf[off + k] = c.code[k];
  buf.writeUInt32LE(c.code.length, off + 16);
  buf.writeUInt32LE(c.mxcsr >>> 0, off + 20);
  buf.writeBigUInt64LE(BigInt(c.rflags), off + 24);
  buf.writeBigUInt64LE(c.rax, off + 32);
  buf.writeBigUInt64LE(c.rcx, off + 40);
  buf.writeBigUInt64LE(c.rdx, off + 48);
  buf.set(c.xmm, off + 56);
  buf.set(c.mem, off + 120);
}

/** An outcome, comparable as a string: fields equal to the input are left empty. */
export interface Outcome {
  signo: number;
  mxcsr: number;
  rflags: number;
  rax: bigint;
  rcx: bigint;
  rdx: bigint;
  xmm: Uint8Array;
  mem: Uint8Array;
}

export function decodeOutcome(buf: Buffer, off: number): Outcome {
  return {
    signo: buf.readInt32LE(off),
    mxcsr: buf.readUInt32LE(off + 4),
    rflags: Number(buf.readBigUInt64LE(off + 8)),
    rax: buf.readBigUInt64LE(off + 16),
    rcx: buf.readBigUInt64LE(off + 24),
    rdx: buf.readBigUInt64LE(off + 32),
    xmm: new Uint8Array(buf.subarray(off + 40, off + 104)),
    mem: new Uint8Array(buf.subarray(off + 104, off + 168)),
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** Only the arithmetic flags are compared (the runner cannot see the rest as ringside sets them). */
export const FLAG_MASK = 0x8d5;

export function outcomeString(c: SseCase, o: Outcome): string {
  const f: string[] = [];
  f.push(o.signo !== 0 ? `sig${o.signo}` : '');
  f.push(o.mxcsr !== c.mxcsr ? o.mxcsr.toString(16) : '');
  f.push((o.rflags & FLAG_MASK) !== (c.rflags & FLAG_MASK) ? (o.rflags & FLAG_MASK).toString(16) : '');
  f.push(o.rax !== c.rax ? o.rax.toString(16) : '');
  f.push(o.rcx !== c.rcx ? o.rcx.toString(16) : '');
  f.push(o.rdx !== c.rdx ? o.rdx.toString(16) : '');
  for (let r = 0; r < 4; r++) {
    const a = o.xmm.subarray(r * 16, r * 16 + 16), b = c.xmm.subarray(r * 16, r * 16 + 16);
    f.push(hex(a) !== hex(b) ? hex(a) : '');
  }
  f.push(hex(o.mem) !== hex(c.mem) ? hex(o.mem) : '');
  return f.join('|').replace(/\|+$/, '');
}
