// The entry code image committed in generated/entry-image.ts, decoded once (atob exists in
// Node and in browsers, so this stays host-independent).

import { ENTRY_BASE, ENTRY_BYTES, ENTRY_SYMBOLS } from './generated/entry-image.js';
import type { EntryImage } from './boot.js';

let cached: EntryImage | null = null;

export function entryImage(): EntryImage {
  if (cached) return cached;
  const bin = atob(ENTRY_BYTES);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  cached = { base: ENTRY_BASE, bytes, symbols: { ...ENTRY_SYMBOLS } };
  return cached;
}
