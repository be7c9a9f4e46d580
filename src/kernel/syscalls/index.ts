// Loads every subsystem's system calls so that each registers its handlers (registry.ts).
import '../process/syscalls.js';
import '../mm/syscalls.js';
import '../fs/syscalls.js';
import '../time/syscalls.js';
import '../process/fork.js';
import '../process/exec.js';
import '../process/exit.js';
import '../signal/send.js';
import '../futex.js';
import '../time/sleep.js';
