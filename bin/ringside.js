#!/usr/bin/env node
// Entry point for `npx ringside`: the compiled CLI (npm ci runs `tsc` through the prepare script).
import { main } from '../dist/src/cli/main.js';
main(process.argv);
