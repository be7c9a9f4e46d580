// The ringside command: one-line errors with a shell's statuses for programs it cannot run,
// the guest's exit status passed through, and the bundled example of the README working.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = 'bin/ringside.js';
function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a missing program: one line, status 127', () => {
  const r = run(['/no/such/program']);
  assert.equal(r.status, 127);
  assert.equal(r.stderr, 'ringside: /no/such/program: No such file or directory\n');
});

test('not an ELF file: one line, status 126', () => {
  const r = run(['README.md']);
  assert.equal(r.status, 126);
  assert.match(r.stderr, /^ringside: README\.md: cannot execute: not an ELF file\n$/);
});

test('a dynamically linked program: one line naming the interpreter, status 126', () => {
  const r = run(['tests/guest/bin/hello.dynamic']);
  assert.equal(r.status, 126);
  assert.match(r.stderr, /^ringside: tests\/guest\/bin\/hello\.dynamic: cannot execute: dynamically linked \(interpreter \/lib64\/ld-linux-x86-64\.so\.2\)/);
  assert.equal(r.stderr.split('\n').length, 2);
});

test('a wrong architecture (an ELF for another machine): one line, status 126', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-cli-'));
  try {
    const f = fs.readFileSync('tests/guest/bin/syscalls.asm');
    f.writeUInt16LE(183, 18); // e_machine = EM_AARCH64
    fs.writeFileSync(path.join(dir, 'arm'), f);
    const r = run([path.join(dir, 'arm')]);
    assert.equal(r.status, 126);
    assert.match(r.stderr, /cannot execute: wrong architecture \(e_machine 183, want x86-64\)\n$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the guest\'s exit status and its output pass through; --trace=entry and --stats go to stderr', () => {
  const r = run(['--trace=entry', '--stats', 'tests/guest/bin/syscalls.asm']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^syscalls: write works\n/);
  assert.match(r.stderr, /\[entry\] syscall 1 \(write\) via entry_SYSCALL_64: \d+ kernel insns, \d+ cycles, return SYSRET/);
  assert.match(r.stderr, /SYSRET after syscall/);
  const e = run(['tests/guest/bin/exitcode.musl', '42']);
  assert.equal(e.status, 42);
});

test('bad options: a usage error, not a crash', () => {
  const r = run(['--trace=bogus', 'tests/guest/bin/syscalls.asm']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown --trace value 'bogus'/);
});
