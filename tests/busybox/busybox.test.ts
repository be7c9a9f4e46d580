// Debian's busybox-static, a real static x86-64 program nobody here wrote: its shell and
// applets run under ringside and natively on the same inputs, and their output and exit status
// must be byte-identical. Each case runs in a fresh directory holding the same fixture files.
// Skipped (with the reason) where /bin/busybox is not installed: .ci/run installs it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Kernel } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { CaptureHost, GUEST_ENV } from '../harness/run-guest.js';

const BUSYBOX = '/bin/busybox';
const have = fs.existsSync(BUSYBOX);

/** The fixtures every case starts from (same bytes, same times, in both runs). */
function fixtures(dir: string): void {
  const put = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    fs.utimesSync(path.join(dir, name), 1700000000, 1700000000);
  };
  put('fruits.txt', 'pear\napple\nfig\napple\nbanana\nfig\napple\n');
  put('table.csv', 'name,qty,price\nbolt,10,0.25\nnut,200,0.05\nscrew,35,0.10\nwasher,500,0.01\n');
  put('poem.txt', 'The quick brown fox\njumps over the lazy dog.\nThe dog sleeps.\n');
  put('src/a.c', 'int main(void) { return 0; }\n');
  put('src/b.h', '#define ANSWER 42\n');
  put('src/sub/c.txt', 'deep ANSWER here\n');
  put('numbers.txt', Array.from({ length: 50 }, (_, i) => String((i * 37) % 101)).join('\n') + '\n');
  fs.utimesSync(path.join(dir, 'src'), 1700000000, 1700000000);
}

/**
 * A directory of applet links to /bin/busybox, first on PATH in both runs: a command found by
 * PATH lookup is then busybox's applet on both sides, not the host's coreutils binary (which,
 * being dynamically linked, ringside could not run anyway).
 */
let binDir: string | null = null;
function appletDir(): string {
  if (binDir) return binDir;
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bin-'));
  const list = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of list) fs.symlinkSync(BUSYBOX, path.join(binDir, applet));
  return binDir;
}

after(() => { if (binDir) fs.rmSync(binDir, { recursive: true, force: true }); });

class DirHost extends CaptureHost {
  constructor(readonly dir: string) { super(); }
  override cwd(): string { return this.dir; }
}

function runBoth(script: string): { native: { out: string; err: string; status: number }; emu: { out: string; err: string; status: number; error: string | null } } {
  const nd = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-native-'));
  const ed = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-emu-'));
  try {
    fixtures(nd);
    fixtures(ed);
    const envList = [`PATH=${appletDir()}`, ...GUEST_ENV.filter((e) => !e.startsWith('PATH='))];
    const env = Object.fromEntries(envList.map((e) => e.split('=') as [string, string]));
    const n = spawnSync(BUSYBOX, ['sh', '-c', script], { cwd: nd, env, encoding: 'latin1' });
    const host = new DirHost(ed);
    const k = new Kernel(host, entryImage(), { memoryMiB: 256 });
    k.spawn(fs.readFileSync(BUSYBOX), BUSYBOX, [BUSYBOX, 'sh', '-c', script], envList);
    const r = k.run(3_000_000_000);
    const norm = (s: string, d: string) => s.split(d).join('<DIR>').split(appletDir()).join('<BIN>');
    return {
      native: { out: norm(n.stdout, nd), err: norm(n.stderr, nd), status: n.status ?? 128 },
      emu: { out: norm(Buffer.concat(host.stdout).toString('latin1'), ed), err: norm(Buffer.concat(host.stderr).toString('latin1'), ed), status: r.status, error: r.error },
    };
  } finally {
    fs.rmSync(nd, { recursive: true, force: true });
    fs.rmSync(ed, { recursive: true, force: true });
  }
}

// Each script names the applets and shell features it exercises.
const CASES: [string, string][] = [
  ['sh: pipeline, sort, uniq -c', 'cat fruits.txt | sort | uniq -c | sort -rn'],
  ['sh: redirections and wc', 'sort fruits.txt > sorted.txt; wc -l < sorted.txt; wc -w poem.txt; wc -c poem.txt; cat poem.txt >> sorted.txt; wc -l sorted.txt 2>&1; ls /no/such 2>&1 >/dev/null | wc -l; exec 3> fd3.txt; echo via3 >&3; cat fd3.txt'],
  ['sh: subshell and cd, pwd', '(cd src && pwd | sed "s,.*/,," && ls); pwd | sed "s,.*/,," | cut -c1-3'],
  ['sh: command substitution, arithmetic', 'n=$(wc -l < fruits.txt); echo "lines: $n, doubled: $((n * 2))"; echo "$(echo nested $(echo deep))"'],
  ['sh: while loop, test, expr', 'i=1; while test $i -le 5; do printf "%d squared is %s\\n" $i $(expr $i \\* $i); i=$((i+1)); done'],
  ['sh: for loop, case, functions', 'f() { case "$1" in a*) echo "A: $1";; *) echo "other: $1";; esac; }; for w in apple fig avocado; do f $w; done'],
  ['sh: exit status and && ||', 'false || echo recovered; true && echo ok; sh -c "exit 3"; echo "status $?"; grep -q nothing fruits.txt || echo "no match: $?"'],
  ['sh: here-document and read', 'while read a b; do echo "[$b] [$a]"; done <<EOF\none two\nthree four\nEOF'],
  ['ls -l on fixtures', 'ls -l fruits.txt table.csv poem.txt; ls -1 src; ls -a src/sub'],
  ['cat, head, tail', 'cat -n poem.txt; head -n 2 fruits.txt; tail -n 3 fruits.txt; head -c 10 poem.txt; echo; tail -c 8 poem.txt'],
  ['cut and tr', 'cut -d, -f1,3 table.csv; tr a-z A-Z < poem.txt; echo "hello   world" | tr -s " "; echo abc | tr -d b'],
  ['sed', 'sed -n "2,3p" fruits.txt; sed "s/dog/cat/g" poem.txt; sed "/apple/d" fruits.txt; sed -e "1i\\\\header" -e "\\$a footer" fruits.txt'],
  ['awk', 'awk -F, "NR>1 { total += \\$2 * \\$3 } END { printf \\"%.2f\\\\n\\", total }" table.csv; awk "{ print NF, \\$1 }" poem.txt; awk "BEGIN { for (i = 0; i < 5; i++) s = s i; print s, length(s) }"'],
  ['grep, grep -r', 'grep -n apple fruits.txt; grep -c fig fruits.txt; grep -r ANSWER src | sort; grep -v -i the poem.txt; grep -E "^(pear|fig)$" fruits.txt'],
  ['find', 'find src -type f | sort; find . -name "*.txt" -size -1k | sort; find src -type d | sort'],
  ['xargs', 'find src -name "*.c" | xargs cat; echo 1 2 3 4 | xargs -n 2 echo pair'],
  ['seq and expr', 'seq 5; seq 2 3 12; seq -s , 1 4; expr 7 + 5; expr 20 / 3; expr length hello; expr 5 \\> 3'],
  ['md5sum and sha256sum', 'md5sum fruits.txt poem.txt; sha256sum table.csv; cat poem.txt | sha1sum'],
  ['gzip and gunzip', 'gzip -c poem.txt > p.gz; gunzip -c p.gz; gzip -9 fruits.txt; ls fruits*; gunzip fruits.txt.gz; md5sum fruits.txt'],
  ['tar cf and xf', 'tar cf a.tar src; mkdir out; tar xf a.tar -C out; find out | sort; cat out/src/b.h; tar tf a.tar | sort'],
  ['cp, mv, rm, mkdir', 'mkdir -p d1/d2; cp fruits.txt d1/; cp -r src d1/d2/; mv d1/fruits.txt d1/f2.txt; find d1 | sort; rm -r d1/d2; rm d1/f2.txt; ls -a d1; rmdir d1; ls -d d1 2>&1; echo $?'],
  ['ln -s and readlink', 'ln -s fruits.txt link; readlink link; cat link | head -1; ln -s /no/such dangling; readlink dangling; test -e dangling || echo dangling'],
  ['stat', 'stat -c "%n %s %a %F" fruits.txt src poem.txt; stat -c "%Y" fruits.txt'],
  ['touch and test', 'touch new.txt; test -f new.txt && echo exists; test -s new.txt || echo empty; test -d src && echo dir; [ fruits.txt -nt /no/such ] && echo newer'],
  ['date with fixed inputs', 'date -u -d @0 "+%Y-%m-%d %H:%M:%S"; date -u -d @1700000000 +%A; date -u -d "2021-02-03 04:05:06" +%s'],
  ['env and printf', 'env | sort | grep -v "^PWD=" | grep -v "^SHLVL="; printf "%5.2f|%-6s|%x|%o|%c\\n" 3.14159 ab 255 8 Z; X=1 env | grep "^X="'],
  ['sort options', 'sort -n numbers.txt | head -5; sort -rn numbers.txt | head -3; sort -t, -k2 -n table.csv; sort -u fruits.txt'],
  ['uniq options', 'sort fruits.txt | uniq -d; sort fruits.txt | uniq -u; sort fruits.txt | uniq'],
  ['basename, dirname, echo -n', 'basename /a/b/c.txt .txt; dirname /a/b/c.txt; echo -n no-newline; echo; echo -e "tab\\there"'],
  ['od and hexdump', 'printf "AB\\001\\377" | od -An -tx1; echo hello | hexdump -C'],
  ['comm, diff, cmp', 'sort fruits.txt | uniq > u.txt; printf "apple\\nkiwi\\n" > k.txt; comm u.txt k.txt; diff u.txt k.txt; echo "diff $?"; cmp u.txt u.txt && echo same'],
  ['tee and nl', 'echo tee-test | tee t.out | cat; cat t.out; nl poem.txt'],
  ['rev, fold, paste', 'echo stressed | rev; echo abcdefghij | fold -w 3; paste -d: fruits.txt poem.txt | head -3'],
  ['sha512sum and cksum', 'sha512sum poem.txt | cut -c1-32; cksum fruits.txt'],
  ['true, false, yes | head', 'true; echo $?; false; echo $?; yes y | head -3'],
  ['shell traps-free script from a file', 'printf "#!/bin/busybox sh\\necho script \\$1 \\$#\\nexit 4\\n" > s.sh; chmod +x s.sh; ./s.sh arg; echo "status $?"; sh s.sh x y'],
  ['split and wc on generated data', 'seq 1000 > big.txt; split -l 300 big.txt part; ls part*; wc -l part* | tail -1'],
  ['dd', 'dd if=poem.txt bs=4 count=3 2>/dev/null; echo; dd if=/dev/zero bs=1k count=2 2>/dev/null | wc -c'],
  ['head/tail on /dev/urandom sized reads', 'head -c 1000 /dev/urandom | wc -c; cat /dev/null | wc -l'],
  ['mktemp-free: touch, ls -l of a new empty file size', 'touch e; ls -s e; wc -c e'],
  ['which and command -v', 'command -v sort; type echo; which busybox'],
  // Signal handlers (the shell's own): trap runs a handler, wait sleeps in sigsuspend until
  // SIGCHLD, and a killed background job reports 128+signal.
  ['trap and kill of the shell itself', 'trap "echo got USR1" USR1; kill -USR1 $$; echo after; trap "echo bye" EXIT; trap - USR1; trap'],
  ['wait for background jobs', 'sleep 0.05 & p=$!; echo started; wait $p; echo "waited $?"; (exit 7) & wait $!; echo "status $?"'],
  ['kill a background job and wait', 'sleep 5 & p=$!; kill -TERM $p; wait $p; echo "status $?"; sleep 5 & kill -KILL $!; wait; echo done'],
  ['trap TERM in a child shell', 'sh -c \'trap "echo got TERM; exit 3" TERM; kill -TERM $$; echo not-here\'; echo "status $?"; sh -c \'kill -INT $$; echo not-here\'; echo "status $?"'],
];

for (const [name, script] of CASES) {
  test(`busybox ${name}`, { skip: have ? false : 'busybox-static is not installed (/bin/busybox)' }, () => {
    const { native, emu } = runBoth(script);
    assert.equal(emu.error, null);
    assert.equal(emu.out, native.out, `stdout of: ${script}`);
    assert.equal(emu.err, native.err, `stderr of: ${script}`);
    assert.equal(emu.status, native.status, `status of: ${script}`);
  });
}

test('busybox: --stats on a pipeline shows execve returning by IRET and fast calls by SYSRET', { skip: have ? false : 'busybox-static is not installed' }, () => {
  const host = new CaptureHost();
  const k = new Kernel(host, entryImage(), { memoryMiB: 256, stats: true });
  k.spawn(fs.readFileSync(BUSYBOX), BUSYBOX, [BUSYBOX, 'sh', '-c', 'echo x | /bin/busybox cat | /bin/busybox wc -c'], GUEST_ENV);
  const r = k.run(3_000_000_000);
  assert.equal(r.error, null);
  assert.equal(Buffer.concat(host.stdout).toString(), '2\n');
  assert.ok((k.stats.iretReasons.get('rcx != rip') ?? 0) >= 2, 'execve returns by IRET (rcx != rip after start_thread)');
  assert.ok((k.stats.returns.get('SYSRET after syscall') ?? 0) > 20, 'the other calls return by SYSRET');
});
