// Loads every instruction group so that each registers its opcodes (table.ts).
import './alu.js';
import './mov.js';
import './stack.js';
import './branch.js';
import './flagops.js';
import './system.js';
