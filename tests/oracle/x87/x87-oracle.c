/*
 * Host oracle for ringside's x87: runs each x87 instruction form on the host CPU for a table
 * of operands, control words and flags, and prints the results as JSON (the fixture that
 * tests/cpu/x87-*.test.ts compares ringside against, bit for bit).
 *
 * Every test is a stub of machine code built here from bytes, so the fixture carries the exact
 * bytes the host ran and ringside runs the same bytes. A stub takes %rdi = a 384-byte state block:
 *
 *     0  A (m80)  -> ST(0)          16  B (m80) -> ST(1)       32  control word
 *    40  RFLAGS in (arith bits)     48  RFLAGS out             96  memory operand (128 bytes)
 *   256  FNSAVE image (108 bytes, 32-bit protected-mode layout, the one 64-bit mode uses)
 *
 *   fninit; [fldt B; fldt A]; fldcw cw; push flags; popfq; <op>; pushfq; pop flags; fnsave
 *
 * FNSAVE does not wait, so an op that leaves an unmasked exception pending is observed (ES, B,
 * the suppressed result) without #MF; FNSAVE then reinitialises the FPU.
 *
 * Build and run: scripts/gen-x87-fixture.sh (gcc, x86-64 Linux host).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct { uint16_t se; uint64_t m; } f80;

/* ---------------------------------------------------------------- random numbers */
static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { /* splitmix64 */
  uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static int rndn(int n) { return (int)(rnd() % (uint64_t)n); }
static int rndr(int lo, int hi) { return lo + rndn(hi - lo + 1); }

/* ---------------------------------------------------------------- operand pools */
static const f80 SPECIAL[] = {
  {0x0000, 0}, {0x8000, 0},
  {0x0000, 1}, {0x8000, 1},
  {0x0000, 0x7fffffffffffffffull}, {0x8000, 0x0000000123456789ull},
  {0x0000, 0x8000000000000000ull}, {0x8000, 0x8000000000000001ull},
  {0x0001, 0x8000000000000000ull}, {0x8001, 0xc000000000000000ull},
  {0x3fff, 0x8000000000000000ull}, {0xbfff, 0x8000000000000000ull},
  {0x3fff, 0xc000000000000000ull}, {0x4000, 0xc000000000000000ull},
  {0x3ffd, 0xaaaaaaaaaaaaaaabull}, {0x4002, 0xa000000000000000ull},
  {0x3ffb, 0xcccccccccccccccdull}, {0x403e, 0xffffffffffffffffull},
  {0x7ffe, 0xffffffffffffffffull}, {0xfffe, 0xffffffffffffffffull},
  {0x7fff, 0x8000000000000000ull}, {0xffff, 0x8000000000000000ull},
  {0x7fff, 0xc000000000000000ull}, {0xffff, 0xc000000000000001ull},
  {0x7fff, 0xa000000000000000ull}, {0xffff, 0x8000000000000001ull},
  {0xffff, 0xc000000000000000ull},
  {0x3fff, 0x4000000000000000ull}, {0x7fff, 0x0000000000000000ull}, {0x7fff, 0x4000000000000000ull},
};
#define NSPECIAL (int)(sizeof SPECIAL / sizeof SPECIAL[0])

static uint64_t rsig(void) {
  uint64_t m = rnd() | 0x8000000000000000ull;
  switch (rndn(8)) {
    case 0: m &= ~0ull << rndr(1, 63); m |= 0x8000000000000000ull; break;   /* trailing zeros */
    case 1: m |= (1ull << rndr(1, 40)) - 1; break;                           /* trailing ones */
    case 2: m = (m & ~0x7ffull) | 0x400; break;                              /* half-way at 53 bits */
    case 3: m = (m & ~0xffffffffffull) | 0x8000000000ull; break;             /* half-way at 24 bits */
    default: break;
  }
  return m;
}
static f80 rnormal(int e) { f80 v = { (uint16_t)((rndn(2) << 15) | e), rsig() }; return v; }
/* A finite value: mostly ordinary magnitudes, sometimes extreme or denormal. */
static f80 rfinite(void) {
  int k = rndn(16);
  if (k < 10) return rnormal(0x3fff + rndr(-70, 70));
  if (k < 12) return rnormal(rndr(1, 120));
  if (k < 14) return rnormal(0x7ffe - rndr(0, 120));
  f80 v = { (uint16_t)(rndn(2) << 15), rnd() >> rndr(1, 63) };
  return v;
}
static f80 rany(void) { return rndn(5) == 0 ? SPECIAL[rndn(NSPECIAL)] : rfinite(); }
/* A second operand related to the first: near its exponent (cancellation, rounding), or so
 * that products and quotients land near the overflow and underflow thresholds. */
static f80 rpartner(f80 a) {
  int ea = a.se & 0x7fff, k = rndn(10);
  if (ea == 0 || ea == 0x7fff || k < 2) return rany();
  if (k < 6) { int e = ea + rndr(-66, 66); if (e < 1) e = 1; if (e > 0x7ffe) e = 0x7ffe; return rnormal(e); }
  if (k < 8) { int e = 0x3fff + 0x3fff - ea + rndr(-3, 3); if (e < 1) e = 1; if (e > 0x7ffe) e = 0x7ffe; return rnormal(e); }
  { int e = ea - 0x3fff + rndr(-3, 3) + (rndn(2) ? 0x3fff : 1); if (e < 1) e = 1; if (e > 0x7ffe) e = 0x7ffe; return rnormal(e); }
}

static const uint16_t CWS[] = {
  0x037f, 0x037f, 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x067f, 0x0a7f, 0x0e7f, 0x007f, 0x047f, 0x087f, 0x0c7f,
  0x037e, 0x037d, 0x037b, 0x0377, 0x036f, 0x035f, 0x0340, 0x0b40, 0x0040,
};
#define NCWS (int)(sizeof CWS / sizeof CWS[0])
static uint16_t rcw(void) { return CWS[rndn(NCWS)]; }
static const uint16_t CW_RC[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f };

/* ---------------------------------------------------------------- the state block and stubs */
struct state {
  uint8_t a[16], b[16];
  uint16_t cw; uint8_t pad0[6];
  uint64_t flagsIn, flagsOut;
  uint8_t pad1[40];
  uint8_t mem[128];
  uint8_t pad2[32];
  uint8_t save[128];
};
_Static_assert(__builtin_offsetof(struct state, mem) == 96 && __builtin_offsetof(struct state, save) == 256, "state layout");

static uint8_t *codebuf;
static uint8_t stub[256];
static int stubLen;

enum { PRE0, PRE1, PRE2, PRE8 };
static void emit(const uint8_t *b, int n) { memcpy(stub + stubLen, b, n); stubLen += n; }
static void build(int pre, const uint8_t *op, int n) {
  static const uint8_t fninit[] = {0xdb, 0xe3}, fldB[] = {0xdb, 0x6f, 0x10}, fldA[] = {0xdb, 0x2f};
  static const uint8_t fldcw[] = {0xd9, 0x6f, 0x20}, setf[] = {0xff, 0x77, 0x28, 0x9d};
  static const uint8_t getf[] = {0x9c, 0x8f, 0x47, 0x30}, fnsave[] = {0xdd, 0xb7, 0x00, 0x01, 0x00, 0x00};
  stubLen = 0;
  emit(fninit, 2);
  if (pre == PRE8) for (int k = 0; k < 7; k++) emit(fldB, 3);
  if (pre == PRE2) emit(fldB, 3);
  if (pre != PRE0) emit(fldA, 2);
  emit(fldcw, 3);
  emit(setf, 4);
  emit(op, n);
  emit(getf, 4);
  emit(fnsave, 6);
  memcpy(codebuf, stub, stubLen);
  codebuf[stubLen] = 0xc3;
}

static void put80(uint8_t *p, f80 v) { memcpy(p, &v.m, 8); memcpy(p + 8, &v.se, 2); }
static void hex80(const uint8_t *p) { uint16_t se; uint64_t m; memcpy(&m, p, 8); memcpy(&se, p + 8, 2); printf("%04x%016llx", se, (unsigned long long)m); }
static void hexbytes(const uint8_t *p, int n) { for (int k = 0; k < n; k++) printf("%02x", p[k]); }

static int firstStub = 1, firstCase;
static int memLen;
static void begin(const char *name, int pre, const uint8_t *op, int n, int mlen) {
  build(pre, op, n);
  memLen = mlen;
  printf("%s\n{\"name\":\"%s\",\"memLen\":%d,\"code\":\"", firstStub ? "" : ",", name, mlen);
  hexbytes(stub, stubLen);
  printf("\",\"cases\":[");
  firstStub = 0;
  firstCase = 1;
}
static void end(void) { printf("]}"); }

static void run(f80 a, f80 b, uint16_t cw, uint16_t flags, const uint8_t *mem) {
  struct state s;
  memset(&s, 0, sizeof s);
  put80(s.a, a); put80(s.b, b);
  s.cw = cw; s.flagsIn = flags | 0x202;
  if (mem) memcpy(s.mem, mem, memLen > 0 ? memLen : 0);
  ((void (*)(struct state *))codebuf)(&s);
  printf("%s\"", firstCase ? "" : ",");
  firstCase = 0;
  hex80(s.a); printf(" "); hex80(s.b); printf(" %04x %04x ", cw, flags);
  if (mem) hexbytes(mem, memLen);
  printf(":");
  uint16_t sw = s.save[4] | s.save[5] << 8, tw = s.save[8] | s.save[9] << 8;
  printf("%04x %04x", sw, tw);
  int top = (sw >> 11) & 7;
  for (int i = 0; i < 8; i++) {
    int p = (top + i) & 7;
    if (((tw >> (2 * p)) & 3) != 3) { printf(" "); hex80(s.save + 28 + 10 * i); }
  }
  printf(" %04x ", (unsigned)(s.flagsOut & 0x8d5));
  hexbytes(s.mem, memLen);
  printf("\"");
}

/* ---------------------------------------------------------------- memory operand pools */
static uint8_t mbuf[128];
static void mem32(uint32_t v) { memcpy(mbuf, &v, 4); }
static void mem64(uint64_t v) { memcpy(mbuf, &v, 8); }
static void mem16(uint16_t v) { memcpy(mbuf, &v, 2); }
static const uint32_t F32S[] = {0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x3f800000, 0xbfc00000, 0x7f7fffff, 0xff7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7fa00000, 0xff800001, 0x3eaaaaab, 0x4b000001};
static const uint64_t F64S[] = {0, 0x8000000000000000ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
  0x3ff0000000000000ull, 0xbff8000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull,
  0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000001ull, 0x7ff4000000000000ull, 0xfff0000000000001ull,
  0x3fd5555555555555ull, 0x4330000000000001ull};
static uint32_t rf32(void) {
  int k = rndn(8);
  if (k == 0) return F32S[rndn(sizeof F32S / 4)];
  if (k == 1) return (uint32_t)rnd() & 0x807fffff;
  return ((uint32_t)rnd() & 0x807fffff) | ((uint32_t)rndr(1, 254) << 23);
}
static uint64_t rf64(void) {
  int k = rndn(8);
  if (k == 0) return F64S[rndn(sizeof F64S / 8)];
  if (k == 1) return rnd() & 0x800fffffffffffffull;
  return (rnd() & 0x800fffffffffffffull) | ((uint64_t)rndr(1, 2046) << 52);
}
static uint64_t rint64(int bits) {
  static const int64_t S[] = {0, 1, -1, 2, -2, 10, 0x7fff, -0x8000, 0x7fffffff, -0x7fffffff - 1, 0x7fffffffffffffffll, -0x7fffffffffffffffll - 1};
  if (rndn(4) == 0) { int64_t v = S[rndn(12)]; return (uint64_t)v; }
  uint64_t v = rnd() >> rndr(0, 63);
  if (bits < 64) v &= (1ull << bits) - 1;
  return v;
}

/* f80 operand that makes an interesting integer conversion at width `bits`. */
static f80 rforint(int bits) {
  int k = rndn(6);
  if (k == 0) return SPECIAL[rndn(NSPECIAL)];
  if (k == 1) { f80 v = { (uint16_t)((rndn(2) << 15) | (0x3fff + bits - 1 + rndr(-1, 1))), rsig() }; if (rndn(2)) v.m = 0x8000000000000000ull | (rnd() & (rndn(2) ? 0x7fffffffffffffffull : 0)); return v; }
  if (k == 2) { f80 v = { (uint16_t)((rndn(2) << 15) | (0x3fff + rndr(-2, 3))), 0x8000000000000000ull | ((uint64_t)rndr(0, 15) << 59) }; return v; }
  return rnormal(0x3fff + rndr(-3, bits + 1));
}

/* ---------------------------------------------------------------- test groups */
#define OP(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
/* ModRM for a memory operand at 96(%rdi): mod=01, rm=111, disp8=0x60. */
#define M(r) (uint8_t)(0x47 | ((r) << 3)), 0x60

static void binary(const char *name, const uint8_t *op, int n, int nrand, int specials) {
  begin(name, PRE2, op, n, 0);
  if (specials) for (int i = 0; i < NSPECIAL; i++) for (int j = 0; j < NSPECIAL; j++) run(SPECIAL[i], SPECIAL[j], 0x037f, 0, 0);
  for (int k = 0; k < nrand; k++) { f80 a = rany(), b = rpartner(a); if (rndn(2)) { f80 t = a; a = b; b = t; } run(a, b, rcw(), 0, 0); }
  end();
}
static void unary(const char *name, const uint8_t *op, int n, int nrand, int mlen) {
  begin(name, PRE2, op, n, mlen);
  memset(mbuf, 0xcc, sizeof mbuf);
  for (int i = 0; i < NSPECIAL; i++) for (int c = 0; c < 4; c++) run(SPECIAL[i], SPECIAL[10], CW_RC[c], 0, mlen ? mbuf : 0);
  for (int k = 0; k < nrand; k++) run(rany(), rfinite(), rcw(), 0, mlen ? mbuf : 0);
  end();
}
enum { MF32, MF64, MF80, MI16, MI32, MI64 };
static void memop(const char *name, const uint8_t *op, int n, int kind, int nrand) {
  int len = kind == MF32 || kind == MI32 ? 4 : kind == MI16 ? 2 : kind == MF80 ? 10 : 8;
  begin(name, PRE2, op, n, len);
  for (int k = 0; k < nrand; k++) {
    switch (kind) {
      case MF32: mem32(rf32()); break;
      case MF64: mem64(rf64()); break;
      case MF80: { f80 v = rany(); put80(mbuf, v); break; }
      case MI16: mem16((uint16_t)rint64(16)); break;
      case MI32: mem32((uint32_t)rint64(32)); break;
      default: mem64(rint64(64)); break;
    }
    f80 a = rany();
    if (kind >= MI16 && rndn(2)) a = rnormal(0x3fff + rndr(-4, 70));
    run(a, rfinite(), rcw(), 0, mbuf);
  }
  end();
}
static void store(const char *name, const uint8_t *op, int n, int len, int bits, int nrand) {
  begin(name, PRE2, op, n, len);
  for (int k = 0; k < nrand; k++) {
    memset(mbuf, 0xcc, sizeof mbuf);
    f80 a = bits ? rforint(bits) : rany();
    if (!bits && rndn(3) == 0) {
      /* values near the target format's limits and rounding points */
      int e = len == 4 ? 127 : 1023, p = len == 4 ? 24 : 53;
      int ex = 0x3fff + (rndn(2) ? e : -e + 1) + rndr(-p - 2, 2);
      a = rnormal(ex);
    }
    run(a, rfinite(), rcw(), 0, mbuf);
  }
  end();
}
static void withFlags(const char *name, const uint8_t *op, int n, int nrand) {
  static const uint16_t FL[] = {0, 0x01, 0x04, 0x40, 0x41, 0x44, 0x45, 0x8d5, 0x880};
  begin(name, PRE2, op, n, 0);
  for (int k = 0; k < nrand; k++) { f80 a = rany(), b = rndn(3) ? rpartner(a) : a; run(a, b, rcw(), FL[rndn(9)], 0); }
  end();
}
static void compare(const char *name, const uint8_t *op, int n, int nrand, int stride) {
  static const uint16_t FL[] = {0, 0x8d5};
  begin(name, PRE2, op, n, 0);
  for (int i = 0; i < NSPECIAL; i++) for (int j = 0; j < NSPECIAL; j++) if ((i + j) % stride == 0) run(SPECIAL[i], SPECIAL[j], rndn(4) ? 0x037f : 0x037e, FL[rndn(2)], 0);
  for (int k = 0; k < nrand; k++) { f80 a = rany(), b = rndn(3) ? rpartner(a) : a; run(a, b, rcw(), FL[rndn(2)], 0); }
  end();
}
static void nullary(const char *name, int pre, const uint8_t *op, int n, int mlen, int nrand) {
  begin(name, pre, op, n, mlen);
  memset(mbuf, 0xcc, sizeof mbuf);
  for (int c = 0; c < NCWS; c++) run(SPECIAL[10], SPECIAL[13], CWS[c], 0, mlen ? mbuf : 0);
  for (int k = 0; k < nrand; k++) run(rany(), rany(), rcw(), 0, mlen ? mbuf : 0);
  end();
}

/* Domains for the transcendental functions. */
static f80 rtrig(void) {
  if (rndn(8) == 0) return SPECIAL[rndn(NSPECIAL)];
  return rnormal(0x3fff + rndr(-40, 10));
}
static f80 runit(void) {  /* |x| <= 1 for F2XM1 */
  if (rndn(8) == 0) return SPECIAL[rndn(NSPECIAL)];
  return rnormal(0x3fff - rndr(1, 40));
}
static void trans(const char *name, const uint8_t *op, int n, f80 (*ga)(void), f80 (*gb)(void), int nrand) {
  begin(name, PRE2, op, n, 0);
  for (int k = 0; k < nrand; k++) run(ga(), gb(), rndn(3) ? 0x037f : CW_RC[rndn(4)], 0, 0);
  end();
}
static f80 rpos(void) { if (rndn(8) == 0) return SPECIAL[rndn(NSPECIAL)]; f80 v = rnormal(0x3fff + rndr(-60, 60)); v.se &= 0x7fff; return v; }
static f80 rsmall(void) { if (rndn(8) == 0) return SPECIAL[rndn(NSPECIAL)]; return rnormal(0x3fff - rndr(2, 60)); }
static f80 rmid(void) { if (rndn(8) == 0) return SPECIAL[rndn(NSPECIAL)]; return rnormal(0x3fff + rndr(-20, 20)); }

static void prem(const char *name, const uint8_t *op, int n, int nrand) {
  begin(name, PRE2, op, n, 0);
  for (int i = 0; i < NSPECIAL; i++) for (int j = 0; j < NSPECIAL; j++) if ((i * 7 + j) % 3 == 0) run(SPECIAL[i], SPECIAL[j], 0x037f, 0, 0);
  for (int k = 0; k < nrand; k++) {
    f80 b = rnormal(rndn(4) == 0 ? rndr(1, 200) : 0x3fff + rndr(-100, 100));
    int d = rndn(3) == 0 ? rndr(-3, 200) : rndr(-2, 70);
    int e = (b.se & 0x7fff) + d; if (e < 1) e = 1; if (e > 0x7ffe) e = 0x7ffe;
    f80 a = rnormal(e);
    if (rndn(10) == 0) a = rany();
    run(a, b, rcw(), 0, 0);
  }
  end();
}
static void scale(const char *name, const uint8_t *op, int n, int nrand) {
  begin(name, PRE2, op, n, 0);
  for (int i = 0; i < NSPECIAL; i++) for (int j = 0; j < NSPECIAL; j++) if ((i + 3 * j) % 3 == 0) run(SPECIAL[i], SPECIAL[j], 0x037f, 0, 0);
  for (int k = 0; k < nrand; k++) {
    f80 a = rany(), b;
    int m = rndn(4);
    if (m == 0) b = rnormal(0x3fff + rndr(0, 16));          /* up to 2^16: overflow/underflow */
    else if (m == 1) b = rnormal(0x3fff + rndr(-3, 3));
    else if (m == 2) b = rnormal(0x3fff + rndr(17, 70));
    else b = rany();
    run(a, b, rcw(), 0, 0);
  }
  end();
}

/* A glibc-style long double formatter: 1/3 (FLD1, FIDIV 3) then 20 decimal digits, each by
 * FMUL 10, FIST to an integer digit, FISUB it back. The digits land at 96(%rdi), one byte each. */
static void digits(void) {
  static const uint8_t prog[] = {
    0xc7, 0x47, 0x60, 0x03, 0x00, 0x00, 0x00,        /* movl $3, 96(%rdi) */
    0xc7, 0x47, 0x64, 0x0a, 0x00, 0x00, 0x00,        /* movl $10, 100(%rdi) */
    0xd9, 0xe8,                                      /* fld1 */
    0xda, 0x77, 0x60,                                /* fidivl 96(%rdi) */
    0x31, 0xc9,                                      /* xor %ecx, %ecx */
    /* loop: */
    0xda, 0x4f, 0x64,                                /* fimull 100(%rdi) */
    0xd9, 0xc0,                                      /* fld %st(0) */
    0xdb, 0x5f, 0x68,                                /* fistpl 104(%rdi)  (round to nearest may round up) */
    0xda, 0x67, 0x68,                                /* fisubl 104(%rdi) */
    0x8a, 0x47, 0x68,                                /* mov 104(%rdi), %al */
    0x88, 0x44, 0x0f, 0x70,                          /* mov %al, 112(%rdi,%rcx) */
    0xff, 0xc1,                                      /* inc %ecx */
    0x83, 0xf9, 0x14,                                /* cmp $20, %ecx */
    0x75, 0xe7,                                      /* jne loop */
  };
  begin("digits_one_third", PRE0, prog, sizeof prog, 40);
  for (int c = 0; c < 4; c++) for (int pc = 0; pc < 3; pc++) {
    memset(mbuf, 0, sizeof mbuf);
    run(SPECIAL[0], SPECIAL[0], (uint16_t)(0x007f | (CW_RC[c] & 0xc00) | ((pc == 0 ? 0 : pc == 1 ? 2 : 3) << 8)), 0, mbuf);
  }
  end();
}

int main(void) {
  codebuf = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (codebuf == MAP_FAILED) { perror("mmap"); return 1; }
  char model[256] = "unknown";
  FILE *ci = fopen("/proc/cpuinfo", "r");
  if (ci) { char line[512]; while (fgets(line, sizeof line, ci)) if (!strncmp(line, "model name", 10)) { char *c = strchr(line, ':'); if (c) { snprintf(model, sizeof model, "%s", c + 2); model[strcspn(model, "\n")] = 0; } break; } fclose(ci); }
  printf("{\"host\":\"%s\",\"stubs\":[", model);

  /* Two-operand arithmetic, register forms (D8: ST0 op ST(i); DC/DE: ST(i) op ST0). */
  binary("fadd st0,st1", OP(0xd8, 0xc1), 700, 1);
  binary("fmul st0,st1", OP(0xd8, 0xc9), 700, 1);
  binary("fsub st0,st1", OP(0xd8, 0xe1), 700, 1);
  binary("fsubr st0,st1", OP(0xd8, 0xe9), 300, 0);
  binary("fdiv st0,st1", OP(0xd8, 0xf1), 700, 1);
  binary("fdivr st0,st1", OP(0xd8, 0xf9), 300, 0);
  binary("fadd st0,st0", OP(0xd8, 0xc0), 60, 0);
  binary("fadd st0,st2 (empty)", OP(0xd8, 0xc2), 30, 0);
  binary("fadd st1,st0", OP(0xdc, 0xc1), 200, 0);
  binary("fmul st1,st0", OP(0xdc, 0xc9), 200, 0);
  binary("fsubr st1,st0 (dc e0+i)", OP(0xdc, 0xe1), 200, 0);
  binary("fsub st1,st0 (dc e8+i)", OP(0xdc, 0xe9), 200, 0);
  binary("fdivr st1,st0 (dc f0+i)", OP(0xdc, 0xf1), 200, 0);
  binary("fdiv st1,st0 (dc f8+i)", OP(0xdc, 0xf9), 200, 0);
  binary("faddp", OP(0xde, 0xc1), 150, 0);
  binary("fmulp", OP(0xde, 0xc9), 150, 0);
  binary("fsubrp (de e0+i)", OP(0xde, 0xe1), 150, 0);
  binary("fsubp (de e8+i)", OP(0xde, 0xe9), 150, 0);
  binary("fdivrp (de f0+i)", OP(0xde, 0xf1), 150, 0);
  binary("fdivp (de f8+i)", OP(0xde, 0xf9), 150, 0);
  binary("fsqrt", OP(0xd9, 0xfa), 600, 0);
  unary("fsqrt specials", OP(0xd9, 0xfa), 0, 0);
  unary("frndint", OP(0xd9, 0xfc), 500, 0);
  unary("fchs", OP(0xd9, 0xe0), 60, 0);
  unary("fabs", OP(0xd9, 0xe1), 60, 0);
  unary("ftst", OP(0xd9, 0xe4), 100, 0);
  unary("fxam", OP(0xd9, 0xe5), 100, 0);
  unary("fxtract", OP(0xd9, 0xf4), 200, 0);

  /* Memory forms. */
  static const char *ARITH[8] = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
  char nm[64];
  for (int r = 0; r < 8; r++) { snprintf(nm, sizeof nm, "%s m32", ARITH[r]); memop(nm, OP(0xd8, M(r)), MF32, r < 2 || r > 3 ? 300 : 150); }
  for (int r = 0; r < 8; r++) { snprintf(nm, sizeof nm, "%s m64", ARITH[r]); memop(nm, OP(0xdc, M(r)), MF64, r < 2 || r > 3 ? 300 : 150); }
  for (int r = 0; r < 8; r++) { snprintf(nm, sizeof nm, "fi%s m32int", ARITH[r] + 1); memop(nm, OP(0xda, M(r)), MI32, 120); }
  for (int r = 0; r < 8; r++) { snprintf(nm, sizeof nm, "fi%s m16int", ARITH[r] + 1); memop(nm, OP(0xde, M(r)), MI16, 120); }

  /* Loads. */
  memop("fld m32", OP(0xd9, M(0)), MF32, 300);
  memop("fld m64", OP(0xdd, M(0)), MF64, 300);
  memop("fld m80", OP(0xdb, M(5)), MF80, 100);
  memop("fild m16", OP(0xdf, M(0)), MI16, 100);
  memop("fild m32", OP(0xdb, M(0)), MI32, 100);
  memop("fild m64", OP(0xdf, M(5)), MI64, 200);
  {
    begin("fbld", PRE2, OP(0xdf, M(4)), 10);
    for (int k = 0; k < 150; k++) {
      int nd = rndr(0, 18);
      memset(mbuf, 0, 10);
      for (int d = 0; d < nd; d++) { int dig = rndn(10); mbuf[d / 2] |= (uint8_t)(dig << (4 * (d & 1))); }
      mbuf[9] = rndn(2) ? 0x80 : 0;
      run(rfinite(), rfinite(), rcw(), 0, mbuf);
    }
    end();
  }
  static const char *CONSTS[7] = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
  for (int k = 0; k < 7; k++) nullary(CONSTS[k], PRE2, OP(0xd9, (uint8_t)(0xe8 + k)), 0, 4);
  binary("fld st1", OP(0xd9, 0xc1), 40, 0);
  nullary("fld1 (full stack)", PRE8, OP(0xd9, 0xe8), 0, 2);
  nullary("fld1 (empty stack)", PRE0, OP(0xd9, 0xe8), 0, 2);
  nullary("fld st0 (empty stack)", PRE0, OP(0xd9, 0xc0), 0, 2);
  nullary("fadd (empty stack)", PRE0, OP(0xd8, 0xc1), 0, 2);
  nullary("fsin (empty stack)", PRE0, OP(0xd9, 0xfe), 0, 2);
  nullary("fsincos (full stack)", PRE8, OP(0xd9, 0xfb), 0, 2);
  nullary("fptan (full stack)", PRE8, OP(0xd9, 0xf2), 0, 2);
  nullary("fxtract (full stack)", PRE8, OP(0xd9, 0xf4), 0, 2);
  nullary("fst m32 (empty stack)", PRE0, OP(0xd9, M(2)), 4, 2);
  nullary("fistp m32 (empty stack)", PRE0, OP(0xdb, M(3)), 4, 2);
  nullary("fbstp (empty stack)", PRE0, OP(0xdf, M(6)), 10, 2);
  nullary("fstp m80 (empty stack)", PRE0, OP(0xdb, M(7)), 10, 2);
  nullary("fxch (empty stack)", PRE1, OP(0xd9, 0xc9), 0, 2);
  nullary("fcom (empty stack)", PRE1, OP(0xd8, 0xd1), 0, 2);
  nullary("fcomi (empty stack)", PRE1, OP(0xdb, 0xf1), 0, 2);
  nullary("fchs (empty stack)", PRE0, OP(0xd9, 0xe0), 0, 2);
  nullary("fxam (empty stack)", PRE0, OP(0xd9, 0xe5), 0, 0);
  nullary("ftst (empty stack)", PRE0, OP(0xd9, 0xe4), 0, 2);
  nullary("fild m16 (full stack)", PRE8, OP(0xdf, M(0)), 2, 2);

  /* Stores. */
  store("fst m32", OP(0xd9, M(2)), 4, 0, 500);
  store("fstp m32", OP(0xd9, M(3)), 4, 0, 150);
  store("fst m64", OP(0xdd, M(2)), 8, 0, 500);
  store("fstp m64", OP(0xdd, M(3)), 8, 0, 150);
  store("fstp m80", OP(0xdb, M(7)), 10, 0, 60);
  store("fist m16", OP(0xdf, M(2)), 2, 16, 250);
  store("fistp m16", OP(0xdf, M(3)), 2, 16, 100);
  store("fist m32", OP(0xdb, M(2)), 4, 32, 250);
  store("fistp m32", OP(0xdb, M(3)), 4, 32, 100);
  store("fistp m64", OP(0xdf, M(7)), 8, 64, 300);
  store("fisttp m16", OP(0xdf, M(1)), 2, 16, 100);
  store("fisttp m32", OP(0xdb, M(1)), 4, 32, 100);
  store("fisttp m64", OP(0xdd, M(1)), 8, 64, 150);
  store("fbstp", OP(0xdf, M(6)), 10, 62, 300);
  binary("fst st1", OP(0xdd, 0xd1), 60, 0);
  binary("fstp st1", OP(0xdd, 0xd9), 60, 0);
  binary("fstp st0", OP(0xdd, 0xd8), 20, 0);
  binary("fstp1 alias (d9 d8+i)", OP(0xd9, 0xd9), 20, 0);
  binary("fstp8 alias (df d0+i)", OP(0xdf, 0xd1), 20, 0);
  binary("fstp9 alias (df d8+i)", OP(0xdf, 0xd9), 20, 0);

  /* Compares. */
  compare("fcom st1", OP(0xd8, 0xd1), 300, 2);
  compare("fcomp st1", OP(0xd8, 0xd9), 100, 5);
  compare("fcompp", OP(0xde, 0xd9), 100, 5);
  compare("fucom st1", OP(0xdd, 0xe1), 300, 2);
  compare("fucomp st1", OP(0xdd, 0xe9), 100, 5);
  compare("fucompp", OP(0xda, 0xe9), 100, 5);
  compare("fcomi st1", OP(0xdb, 0xf1), 300, 2);
  compare("fucomi st1", OP(0xdb, 0xe9), 300, 2);
  compare("fcomip st1", OP(0xdf, 0xf1), 100, 5);
  compare("fucomip st1", OP(0xdf, 0xe9), 100, 5);
  compare("fcom2 alias (dc d0+i)", OP(0xdc, 0xd1), 40, 5);
  compare("fcomp3 alias (dc d8+i)", OP(0xdc, 0xd9), 40, 5);
  compare("fcomp5 alias (de d0+i)", OP(0xde, 0xd1), 40, 5);

  /* FCMOVcc. */
  static const char *CMOV[8] = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
  for (int k = 0; k < 8; k++) withFlags(CMOV[k], OP((uint8_t)(k < 4 ? 0xda : 0xdb), (uint8_t)(0xc1 + 8 * (k & 3))), 60);
  withFlags("fcmovb st2 (empty)", OP(0xda, 0xc2), 20);

  /* Stack and control. */
  binary("fxch st1", OP(0xd9, 0xc9), 30, 0);
  binary("fxch4 alias (dd c8+i)", OP(0xdd, 0xc9), 10, 0);
  binary("fxch7 alias (df c8+i)", OP(0xdf, 0xc9), 10, 0);
  binary("fxch st2 (empty)", OP(0xd9, 0xca), 10, 0);
  binary("ffree st1", OP(0xdd, 0xc1), 10, 0);
  binary("ffreep st0 (df c0+i)", OP(0xdf, 0xc0), 10, 0);
  binary("fincstp", OP(0xd9, 0xf7), 10, 0);
  binary("fdecstp", OP(0xd9, 0xf6), 10, 0);
  binary("fnop", OP(0xd9, 0xd0), 10, 0);
  binary("fneni/fndisi/fnsetpm (db e0/e1/e4)", OP(0xdb, 0xe0, 0xdb, 0xe1, 0xdb, 0xe4), 10, 0);
  binary("fnclex after fdiv", OP(0xd8, 0xf1, 0xdb, 0xe2), 40, 0);
  binary("fninit after fadd", OP(0xd8, 0xc1, 0xdb, 0xe3), 10, 0);
  nullary("fnstsw ax", PRE2, OP(0xd8, 0xf1, 0xdf, 0xe0, 0x66, 0x89, 0x47, 0x60), 2, 40);
  nullary("fnstsw m16", PRE2, OP(0xd8, 0xf1, 0xdd, M(7)), 2, 40);
  nullary("fnstcw m16", PRE2, OP(0xd9, M(7)), 2, 4);
  nullary("fnstenv", PRE2, OP(0xd8, 0xf1, 0xd9, M(6)), 28, 40);
  nullary("fldcw from memory", PRE2, OP(0xd9, M(5), 0xd8, 0xf1), 2, 0);

  /* Transcendental and other functions. */
  prem("fprem", OP(0xd9, 0xf8), 700);
  prem("fprem1", OP(0xd9, 0xf5), 700);
  scale("fscale", OP(0xd9, 0xfd), 500);
  trans("fsin", OP(0xd9, 0xfe), rtrig, rmid, 300);
  trans("fcos", OP(0xd9, 0xff), rtrig, rmid, 300);
  trans("fsincos", OP(0xd9, 0xfb), rtrig, rmid, 300);
  trans("fptan", OP(0xd9, 0xf2), rtrig, rmid, 300);
  trans("fpatan", OP(0xd9, 0xf3), rmid, rmid, 300);
  trans("f2xm1", OP(0xd9, 0xf0), runit, rmid, 300);
  trans("fyl2x", OP(0xd9, 0xf1), rpos, rmid, 300);
  trans("fyl2xp1", OP(0xd9, 0xf9), rsmall, rmid, 300);

  digits();
  printf("\n]}\n");
  return 0;
}
