// The committed guest binaries: one per source and build kind, the ELF shape each build kind
// must have (the loader's tests depend on it), and, on an x86-64 Linux host, what each program
// does when the host runs it. These runs are the reference the emulated runs are compared with,
// so they must be deterministic: every output below is checked for that, too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { guestBinaries, guestPath, guestSources, runNative, HOST_IS_X86_64_LINUX, ROOT, GUEST_SRC } from './guests.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };

const PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;

interface ElfInfo { type: number; machine: number; phdrs: { type: number; offset: number; filesz: number }[] }

/** Just enough of an ELF64 reader to check the shape of a build (System V gABI, ch. 4-5). */
function readElf(name: string): { bytes: Buffer; elf: ElfInfo } {
  const bytes = readFileSync(guestPath(name));
  assert.equal(bytes.subarray(0, 4).toString('latin1'), '\x7fELF', `${name}: not ELF`);
  assert.equal(bytes[4], 2, `${name}: not ELFCLASS64`);
  assert.equal(bytes[5], 1, `${name}: not little-endian`);
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  const phdrs = [];
  for (let k = 0; k < phnum; k++) {
    const p = phoff + k * phentsize;
    phdrs.push({ type: bytes.readUInt32LE(p), offset: Number(bytes.readBigUInt64LE(p + 8)), filesz: Number(bytes.readBigUInt64LE(p + 32)) });
  }
  return { bytes, elf: { type: bytes.readUInt16LE(0x10), machine: bytes.readUInt16LE(0x12), phdrs } };
}

/** Note types found in the PT_NOTE segments. */
function noteTypes(bytes: Buffer, elf: ElfInfo): number[] {
  const types: number[] = [];
  for (const ph of elf.phdrs.filter((p) => p.type === PT_NOTE)) {
    let p = ph.offset;
    while (p + 12 <= ph.offset + ph.filesz) {
      const namesz = bytes.readUInt32LE(p), descsz = bytes.readUInt32LE(p + 4);
      types.push(bytes.readUInt32LE(p + 8));
      p += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3);
    }
  }
  return types;
}

test('every guest source has its committed binaries, and nothing else is there', () => {
  const { c, asm } = guestSources();
  assert.ok(c.includes('hello') && c.includes('malloc') && c.includes('readfile') && c.includes('exitcode') && c.includes('killself'));
  assert.ok(asm.includes('syscalls') && asm.includes('getpid_loop'));
  const expected = [
    ...c.flatMap((n) => [`${n}.glibc`, `${n}.musl`]),
    ...asm.map((n) => `${n}.asm`),
    'hello.static-pie.glibc',
    'hello.dynamic',
    ...i386Builds(),
  ].sort();
  assert.deepEqual(guestBinaries(), expected);
});

/**
 * The 32-bit builds (scripts/build-guests.sh): NAME.i386 for the programs its I386_PROGRAMS list
 * names and for every src/i386/NAME.c. (NAME32.S sources are among `asm` already.)
 */
function i386Builds(): string[] {
  const script = readFileSync(join(ROOT, 'scripts/build-guests.sh'), 'utf8');
  const list = /^I386_PROGRAMS=\(([^)]*)\)/m.exec(script);
  assert.ok(list, 'build-guests.sh lists its I386_PROGRAMS');
  const only32 = readdirSync(join(GUEST_SRC, 'i386')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
  return [...list[1].trim().split(/\s+/), ...only32].map((n) => `${n}.i386`);
}

/** A 32-bit build: ELFCLASS32, EM_386, static ET_EXEC with no build ID. */
function checkElf32(name: string): void {
  const b = readFileSync(guestPath(name));
  assert.equal(b.subarray(0, 4).toString('latin1'), '\x7fELF', `${name}: not ELF`);
  assert.equal(b[4], 1, `${name}: not ELFCLASS32`);
  assert.equal(b.readUInt16LE(0x10), 2, `${name}: not ET_EXEC`);
  assert.equal(b.readUInt16LE(0x12), 3, `${name}: not EM_386`);
  const phoff = b.readUInt32LE(0x1c), phnum = b.readUInt16LE(0x2c);
  for (let k = 0; k < phnum; k++) {
    const type = b.readUInt32LE(phoff + 32 * k);
    assert.ok(type !== PT_INTERP && type !== PT_DYNAMIC, `${name}: not static`);
  }
}

test('each build kind has the ELF shape its name promises', () => {
  for (const name of guestBinaries()) {
    if (name.endsWith('.i386') || name.endsWith('32.asm')) { checkElf32(name); continue; }
    const { bytes, elf } = readElf(name);
    assert.equal(elf.machine, 62, `${name}: not EM_X86_64`);
    const interp = elf.phdrs.some((p) => p.type === PT_INTERP);
    const dynamic = elf.phdrs.some((p) => p.type === PT_DYNAMIC);
    if (name === 'hello.dynamic') {
      assert.ok(interp, `${name}: no PT_INTERP`);
    } else if (name.includes('static-pie')) {
      // ET_DYN that relocates itself: PT_DYNAMIC for its own relocations, no interpreter.
      assert.equal(elf.type, 3, `${name}: not ET_DYN`);
      assert.ok(dynamic && !interp, `${name}: a static PIE has PT_DYNAMIC and no PT_INTERP`);
    } else {
      assert.equal(elf.type, 2, `${name}: not ET_EXEC`);
      assert.ok(!interp && !dynamic, `${name}: not static`);
    }
    // A build ID would be a hash of the build, fine for reproducibility, but the script promises none.
    assert.ok(!noteTypes(bytes, elf).includes(NT_GNU_BUILD_ID), `${name}: has a build ID`);
  }
});

test('hello: every libc build prints the same conversions on the host, and exits 0', native, () => {
  const glibc = runNative('hello.glibc');
  assert.equal(glibc.status, 0);
  const lines = glibc.stdout.split('\n');
  assert.equal(lines[0], 'hello from ringside');
  assert.equal(lines.at(-2), 'bye');
  assert.ok(glibc.stdout.includes(' inf inf ') && glibc.stdout.includes(' -nan ') && glibc.stdout.includes('4.94066e-324'));
  assert.ok(glibc.stdout.includes('0.33333333333333333334'), 'the %Lg line shows 80-bit precision');
  // Same libc, three ways of loading it: the output must not change.
  assert.deepEqual(runNative('hello.static-pie.glibc'), glibc);
  assert.deepEqual(runNative('hello.dynamic'), glibc);
  const musl = runNative('hello.musl');
  assert.equal(musl.status, 0);
  // musl formats %a and %La differently (normalised hex floats); everything else agrees.
  const noHex = (s: string) => s.split('\n').filter((l) => !/0x[0-9a-f.]+p/.test(l));
  assert.deepEqual(noHex(musl.stdout), noHex(glibc.stdout));
  assert.deepEqual(runNative('hello.musl'), musl, 'deterministic');
});

test('syscalls.asm: the raw syscall ABI as the host kernel implements it', native, () => {
  const r = runNative('syscalls.asm');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, [
    'syscalls: write works',
    'write returned 22',
    'getpid > 0: 1',
    'syscall 1000 returned -38',
    'syscall -1 returned -38',
    'rcx == return address: 1',
    'r11 == rflags: 1',
    'registers clobbered besides rax, rcx, r11: 0',
    'syscalls: exit_group(0)',
    '',
  ].join('\n'));
});

test('getpid_loop.asm: counts its calls, 200000 by default', native, () => {
  assert.deepEqual(runNative('getpid_loop.asm', ['1234']), { stdout: 'getpid_loop: 1234 calls\n', stderr: '', status: 0, signal: null });
  assert.equal(runNative('getpid_loop.asm').stdout, 'getpid_loop: 200000 calls\n');
  assert.equal(runNative('getpid_loop.asm', ['0']).stdout, 'getpid_loop: 0 calls\n');
});

test('exitcode: the status is argv[1] modulo 256, by every route and libc', native, () => {
  for (const libc of ['glibc', 'musl']) {
    for (const [arg, status] of [['0', 0], ['1', 1], ['42', 42], ['255', 255], ['256', 0], ['300', 44], ['-1', 255]] as const) {
      for (const how of ['return', 'exit', '_exit']) {
        const r = runNative(`exitcode.${libc}`, [arg, how]);
        assert.equal(r.status, status, `exitcode.${libc} ${arg} ${how}`);
        // _exit skips both the stdio flush and the atexit handlers.
        const flushed = how !== '_exit';
        assert.equal(r.stdout, flushed ? `exiting with ${arg} via ${how}; atexit handler ran\n` : '', `exitcode.${libc} ${arg} ${how}`);
      }
    }
  }
});

test('killself: each route ends by its signal', native, () => {
  const routes = { kill: 'SIGKILL', abort: 'SIGABRT', segv: 'SIGSEGV', ud2: 'SIGILL', term: 'SIGTERM' } as const;
  for (const libc of ['glibc', 'musl']) {
    for (const [route, signal] of Object.entries(routes)) {
      const r = runNative(`killself.${libc}`, [route]);
      assert.equal(r.signal, signal, `killself.${libc} ${route}`);
      assert.equal(r.stdout, `killself: ${route}\n`);
    }
    assert.equal(runNative(`killself.${libc}`, ['nonsense']).status, 2);
  }
});

test('malloc: both allocators keep every byte, and the checksums agree across libcs', native, () => {
  const glibc = runNative('malloc.glibc');
  const musl = runNative('malloc.musl');
  assert.equal(glibc.status, 0, glibc.stdout);
  assert.match(glibc.stdout, /^fixed: 28 blocks, 4929620 bytes, sum [0-9a-f]{16}\nchurn: sum [0-9a-f]{16}\nmalloc ok\n$/);
  // The sums depend on the data only, never on addresses or on which allocator ran.
  assert.equal(musl.stdout, glibc.stdout);
  assert.equal(musl.status, 0);
});

test('readfile: sizes and checksums match what Node reads, argv/envp are counted', native, () => {
  const file = guestPath('hello.musl');
  const data = readFileSync(file);
  let h = 0xcbf29ce484222325n;
  for (const b of data) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  for (const libc of ['glibc', 'musl']) {
    const r = runNative(`readfile.${libc}`, [file, 'x'], { A: '1', B: '2', C: '3' });
    assert.equal(r.status, 0, r.stdout);
    const out = r.stdout.split('\n');
    assert.equal(out[0], 'argc 3 envc 3');
    assert.match(out[1], /^getpid>0 1 getuid \d+$/);
    assert.equal(out[2], 'uname Linux x86_64');
    assert.equal(out[3], `fstat size ${statSync(file).size} regular 1`);
    assert.equal(out[4], `read ${data.length} bytes in ${Math.ceil(data.length / 4099)} chunks fnv ${h.toString(16).padStart(16, '0')}`);
    assert.equal(out[5].split(' ').slice(0, 4).join(' '), `lseek ${Math.floor(data.length / 2)} read 100`);
    assert.equal(out[6], `lseek end ${data.length} cur ${data.length - 1}`);
    assert.match(out[7], /^lseek -1 -> -1 Invalid argument$/);
    assert.match(out[8], /^read closed fd -> -1 Bad file descriptor$/);
  }
  assert.equal(runNative('readfile.musl', ['/nonexistent/file']).status, 1);
});
