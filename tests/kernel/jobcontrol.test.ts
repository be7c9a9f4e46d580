// Job control: SIGSTOP stops a child on its way back to user mode and its parent's
// waitpid(WUNTRACED) sees it; SIGCONT resumes it where it stopped and waitpid(WCONTINUED) sees
// that; SIGTERM then ends it. Output and statuses as on the host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';

for (const lib of ['glibc', 'musl']) {
  test(`stop, continue and terminate a child (${lib})`, () => {
    const path = `tests/guest/bin/stopcont.${lib}`;
    const native = runNative(path);
    const r = runGuest(path, [], { checkEntry: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, native.stdout);
    assert.equal(r.status, native.status);
  });
}
