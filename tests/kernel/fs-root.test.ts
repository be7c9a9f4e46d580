// --root and --read-only, proved with a guest that tries to get out (tests/guest/src/fsescape.c):
// every route to a secret file outside the root must land on the decoy inside it or fail,
// nothing may be created, renamed or linked outside, and under --read-only every write must
// fail with EROFS and leave the files as they were. Where the host allows it (root, with
// unshare), the read-only run is compared with the same guest in a chroot on a real read-only
// mount.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runGuest } from '../harness/run-guest.js';
import { guestPath } from '../guest/guests.js';
import { tempDir } from './fs-bench.js';

/** OUT/secret.txt (the real secret), OUT/root (the guest's "/") with a decoy and some links. */
function layout(): { out: string; root: string } {
  const out = tempDir('root');
  const root = path.join(out, 'root');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(out, 'secret.txt'), 'SECRET outside the root\n');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'inside\n');
  fs.symlinkSync('/', path.join(root, 'abslink'));
  fs.symlinkSync('../../../../..', path.join(root, 'dotdots'));
  fs.symlinkSync(out, path.join(root, 'hostlink'));
  return { out, root };
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

for (const libc of ['glibc', 'musl']) {
  test(`fsescape.${libc} escape: no route leaves --root`, () => {
    const { out, root } = layout();
    const outside = listing(out);
    const r = runGuest(guestPath(`fsescape.${libc}`), ['escape'], { root });
    assert.equal(r.error, null);
    assert.equal(r.status, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /SECRET/);
    const lines = r.stdout.trimEnd().split('\n');
    const reads = lines.filter((l) => l.includes('secret.txt') && !l.startsWith('unlink') && !l.startsWith('access'));
    assert.ok(reads.length >= 18, `only ${reads.length} attempts ran`);
    for (const l of reads) assert.match(l, /: (inside|-1 ENOENT)$/, l);
    // Only the link to the host path of the outer directory fails; the rest reach the decoy.
    assert.deepEqual(reads.filter((l) => l.endsWith('ENOENT')), ['/hostlink/secret.txt: -1 ENOENT']);
    assert.ok(lines.includes('getcwd: /'));
    assert.ok(lines.includes('  -> /'));
    assert.ok(lines.includes('/.. is /: 1'));
    // execve walks its path inside the root too: the host's /bin/sh is out of reach.
    assert.ok(lines.includes('execve /../../../bin/sh: -1 ENOENT'));
    assert.ok(lines.includes('execve /hostlink/../../bin/sh: -1 ENOENT'));
    assert.ok(lines.includes('execve a directory: -1 EACCES'));
    // What the guest made through ".." is in the root; nothing appeared next to it.
    assert.deepEqual(listing(out), outside);
    for (const name of ['made-by-guest', 'created-by-guest', 'moved-by-guest', 'mine', 'rel']) {
      assert.doesNotThrow(() => fs.lstatSync(path.join(root, name)), `${name} is not inside the root`);
    }
    assert.equal(fs.readFileSync(path.join(out, 'secret.txt'), 'utf8'), 'SECRET outside the root\n');
    // The guest's own absolute link is stored as written, and still resolves inside the root.
    assert.equal(fs.readlinkSync(path.join(root, 'mine')), '/../../..');
  });

  test(`fsescape.${libc} ro: --read-only refuses every write with EROFS`, () => {
    const { root } = layout();
    const before = fs.statSync(path.join(root, 'secret.txt'));
    const names = listing(root);
    const r = runGuest(guestPath(`fsescape.${libc}`), ['ro'], { root, readOnly: true });
    assert.equal(r.error, null);
    assert.equal(r.status, 0, r.stdout);
    const result = new Map(r.stdout.trimEnd().split('\n').map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
    for (const what of ['open O_WRONLY', 'open O_RDWR', 'open O_RDONLY|O_TRUNC', 'open O_CREAT new', 'creat', 'mkdir', 'rmdir',
      'unlink', 'unlink missing', 'rename', 'link', 'symlink', 'truncate', 'fchmod', 'fchown', 'futimens', 'chmod', 'chown',
      'utimensat', 'utimes', 'access W_OK']) {
      assert.equal(result.get(what), '-1 EROFS', what);
    }
    // Reading, and the kernel's own devices, still work; an existing name is still EEXIST.
    assert.equal(result.get('open O_RDONLY'), '0');
    assert.equal(result.get('open O_CREAT existing, O_RDONLY'), '0');
    assert.equal(result.get('access R_OK'), '0');
    assert.equal(result.get('mkdir existing'), '-1 EEXIST');
    assert.equal(result.get('write /dev/null'), '1');
    assert.equal(result.get('still readable'), 'inside');
    assert.deepEqual(listing(root), names);
    const after = fs.statSync(path.join(root, 'secret.txt'));
    assert.deepEqual([after.size, after.mode, after.mtimeMs, after.uid], [before.size, before.mode, before.mtimeMs, before.uid]);
  });
}

/** Can this host build a read-only mount in a private namespace and chroot into it? */
function canChroot(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-m', 'true']).status === 0 && spawnSync('sh', ['-c', 'command -v chroot']).status === 0;
}

test('fsescape ro: the same results as a chroot on a real read-only mount', { skip: canChroot() ? false : 'needs root and unshare' }, () => {
  const { root } = layout();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'dev'));
  fs.mkdirSync(path.join(root, 'proc'));
  fs.copyFileSync(guestPath('fsescape.glibc'), path.join(root, 'bin', 'fsescape'));
  fs.chmodSync(path.join(root, 'bin', 'fsescape'), 0o755);
  // In a private mount namespace: the root bind-mounted read-only, /dev and /proc inside it.
  const script = `set -e; mount --bind "$1" "$1"; mount -o remount,bind,ro "$1"; mount --bind /dev "$1/dev"; mount -t proc proc "$1/proc"; exec chroot "$1" /bin/fsescape ro`;
  const host = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', root], { encoding: 'latin1' });
  if (host.status !== 0) assert.fail(`the chroot run failed: ${host.stderr}`);
  const r = runGuest(path.join(root, 'bin', 'fsescape'), ['ro'], { root, readOnly: true });
  assert.equal(r.stdout, host.stdout);
});
