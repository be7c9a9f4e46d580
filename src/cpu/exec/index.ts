// Loads every instruction group so that each registers its opcodes (table.ts).
import './alu.js';
import './mov.js';
import './stack.js';
import './branch.js';
import './flagops.js';
import './system.js';
import './shift.js';
import './muldiv.js';
import './bits.js';
import './cmov.js';
import './atomic.js';
import './string.js';
