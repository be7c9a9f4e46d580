// Path walking (src/kernel/fs/namei.ts) on a real directory tree: ".." and symbolic links
// confined to --root, the symlink limit and the errors of a walk checked against the host
// kernel, permission checks with a non-root guest, and the made-up /proc and /dev trees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FsBench, tempDir } from './fs-bench.js';
import { walk, type Found } from '../../src/kernel/fs/namei.js';
import { ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG } from '../../src/kernel/errno.js';

/** The host tree: OUT/secret, OUT/root/{secret,sub/,file,abs->/,up->../../..,host->OUT,chain...}. */
function tree(): { out: string; root: string } {
  const out = tempDir('namei');
  const root = path.join(out, 'root');
  fs.mkdirSync(path.join(root, 'sub', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(out, 'secret'), 'outside');
  fs.writeFileSync(path.join(root, 'secret'), 'inside');
  fs.writeFileSync(path.join(root, 'file'), 'x');
  fs.symlinkSync('/', path.join(root, 'abs'));
  fs.symlinkSync('../../..', path.join(root, 'up'));
  fs.symlinkSync(out, path.join(root, 'host'));
  fs.symlinkSync('/sub/deep', path.join(root, 'sub', 'todeep'));
  fs.symlinkSync('file', path.join(root, 'tofile'));
  return { out, root };
}

function found(r: Found | number): Found {
  if (typeof r === 'number') assert.fail(`walk failed with errno ${-r}`);
  return r;
}

test('inside --root, "..", absolute links and relative links never leave the root', () => {
  const { root } = tree();
  const b = new FsBench({ root });
  const w = (p: string, start = '/') => walk(b.vfs, b.t, start, p, { follow: true });
  assert.equal(found(w('/..')).path, '/');
  assert.equal(found(w('../../../../secret')).path, '/secret');
  assert.equal(found(w('/abs/abs/abs/secret')).path, '/secret');
  assert.equal(found(w('/up/secret')).path, '/secret');
  assert.equal(found(w('/sub/todeep/../../secret')).path, '/secret');
  assert.equal(found(w('..', '/sub')).path, '/');
  assert.equal(found(w('/proc/self/root/../secret')).path, '/secret');
  assert.equal(found(w('/dev/../proc/../secret')).path, '/secret');
  // A link to the host's own path of the outer directory names a path inside the root, which
  // does not exist there.
  assert.equal(w('/host/secret'), -ENOENT);
  // Every object found is the root's: its host path lies under the root directory.
  const f = found(w('/abs/up/secret'));
  assert.equal(b.vfs.hostFs.hostPath(f.path), path.join(root, 'secret'));
  assert.equal(fs.readFileSync(b.vfs.hostFs.hostPath(f.path), 'utf8'), 'inside');
});

test('without --root, guest paths are host paths and /proc, /dev are the kernel\'s', () => {
  const { root } = tree();
  const b = new FsBench();
  // An absolute link resolves against the host's "/" here: /sub/deep does not exist there.
  assert.equal(walk(b.vfs, b.t, '/', `${root}/sub/todeep`, { follow: true }), -ENOENT);
  assert.equal(walk(b.vfs, b.t, '/', `${root}/sub/todeep/x`, { follow: true }), -ENOENT);
  assert.equal(found(walk(b.vfs, b.t, '/', `${root}/tofile`, { follow: true })).path, `${root}/file`);
  assert.equal(found(walk(b.vfs, b.t, '/', '/proc/self', { follow: true })).path, `/proc/${b.t.pid}`);
  assert.equal(found(walk(b.vfs, b.t, '/', '/dev/stdout', { follow: false })).path, '/dev/stdout');
  assert.equal(found(walk(b.vfs, b.t, '/', '/dev/null', { follow: true })).fs.name, 'dev');
});

test('the walk\'s errors match the host kernel\'s for the same tree', () => {
  const { root } = tree();
  const b = new FsBench();
  // MAXSYMLINKS: a chain of 40 links resolves, 41 is ELOOP (the host is the oracle).
  const chain = path.join(root, 'chain');
  fs.mkdirSync(chain);
  fs.writeFileSync(path.join(chain, 'l0'), 'end');
  for (let i = 1; i <= 41; i++) fs.symlinkSync(`l${i - 1}`, path.join(chain, `l${i}`));
  const hostErr = (p: string): number => {
    try { fs.statSync(p); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno!; }
  };
  const ours = (p: string): number => {
    const r = walk(b.vfs, b.t, '/', p, { follow: true });
    return typeof r === 'number' ? r : 0;
  };
  for (const p of [
    `${chain}/l40`, `${chain}/l41`, `${root}/file/x`, `${root}/file/`, `${root}/tofile/`, `${root}/missing/x`,
    `${root}/sub/`, `${root}/sub/deep/..`, `${root}/sub/todeep`, `${root}/${'n'.repeat(256)}`, `${root}/${'é'.repeat(128)}`,
  ]) {
    assert.equal(ours(p), hostErr(p), p);
  }
  assert.equal(ours(`${chain}/l41`), -ELOOP);
  assert.equal(ours(`${root}/file/x`), -ENOTDIR);
  assert.equal(ours(`${root}/${'n'.repeat(256)}`), -ENAMETOOLONG);
});

test('a creating walk stops at the missing last name and reports its parent', () => {
  const { root } = tree();
  const b = new FsBench({ root });
  const r = found(walk(b.vfs, b.t, '/', '/abs/sub/new', { follow: false, create: true }));
  assert.equal(r.st, null);
  assert.equal(r.parent, '/sub');
  assert.equal(r.name, 'new');
  assert.equal(walk(b.vfs, b.t, '/', '/missing/new', { follow: false, create: true }), -ENOENT);
  const dot = found(walk(b.vfs, b.t, '/', '/sub/.', { follow: false, create: true }));
  assert.equal(dot.last, 'dot');
  assert.equal(found(walk(b.vfs, b.t, '/', '/sub/..', { follow: false, create: true })).last, 'dotdot');
});

test('a guest that is not root needs search permission on every directory it walks through', () => {
  const { root } = tree();
  fs.mkdirSync(path.join(root, 'private'), { mode: 0o700 });
  fs.chmodSync(path.join(root, 'private'), 0o700);
  fs.writeFileSync(path.join(root, 'private', 'f'), 'x');
  const b = new FsBench({ root });
  const owner = fs.statSync(path.join(root, 'private')).uid;
  b.t.creds.uid = b.t.creds.euid = owner + 1000;
  b.t.creds.gid = b.t.creds.egid = 4242;
  assert.equal(walk(b.vfs, b.t, '/', '/private/f', { follow: true }), -EACCES);
  // The last component itself needs no search permission: stat of the directory works.
  assert.equal(found(walk(b.vfs, b.t, '/', '/private', { follow: true })).path, '/private');
  const R_OK = 4, W_OK = 2, X_OK = 1;
  assert.equal(b.call('sys_access', b.str('/private/f'), R_OK), -EACCES);
  assert.equal(b.call('sys_access', b.str('/secret'), R_OK), 0);
  // 0644 root-owned: readable, not writable, not executable for another user.
  fs.chmodSync(path.join(root, 'secret'), 0o644);
  assert.equal(b.call('sys_access', b.str('/secret'), W_OK), -EACCES);
  assert.equal(b.call('sys_access', b.str('/secret'), X_OK), -EACCES);
  // access() checks the real uid: a guest with effective root but real uid 1000+ is refused.
  b.t.creds.euid = 0;
  assert.equal(b.call('sys_access', b.str('/private/f'), R_OK), -EACCES);
  // … and faccessat2 with AT_EACCESS the effective one.
  assert.equal(b.call('sys_faccessat2', -100, b.str('/private/f'), R_OK, 0x200), 0);
  // Opening follows the effective ids and the mode bits: root may write, the other user not.
  const wfd = b.call('sys_openat', -100, b.str('/secret'), 1, 0);
  assert.ok(wfd >= 0, `root opens for writing: ${wfd}`);
  b.t.creds.euid = owner + 1000;
  assert.equal(b.call('sys_openat', -100, b.str('/secret'), 1, 0), -EACCES);
  assert.ok(b.call('sys_openat', -100, b.str('/secret'), 0, 0) >= 0);
});

test('chdir keeps guest paths: getcwd never shows the host directory of the root', () => {
  const { root } = tree();
  const b = new FsBench({ root });
  assert.equal(b.t.cwd, '/');
  assert.equal(b.call('sys_chdir', b.str('/abs/sub/todeep')), 0);
  const buf = b.buf(256);
  const n = b.call('sys_getcwd', buf, 256);
  assert.equal(new TextDecoder().decode(b.bytes(buf, n - 1)), '/sub/deep');
  assert.equal(b.call('sys_chdir', b.str('../../../..')), 0);
  assert.equal(b.t.cwd, '/');
  assert.equal(b.call('sys_chdir', b.str('/file')), -ENOTDIR);
  assert.equal(b.call('sys_getcwd', buf, 1), -34);
});
