// compat_siginfo_t (include/linux/compat.h, i386 layout): 128 bytes like siginfo_t, but the
// union starts at 12 (no padding before it: nothing in it needs 8-byte alignment) and longs,
// pointers and clock_t are 4 bytes (copy_siginfo_to_user32, kernel/signal.c).
//
//   0 si_signo   4 si_errno   8 si_code   12 _sifields:
//     kill/rt:   12 si_pid  16 si_uid  20 si_value (rt)
//     timer:     12 si_tid  16 si_overrun  20 si_value
//     chld:      12 si_pid  16 si_uid  20 si_status  24 si_utime  28 si_stime
//     fault:     12 si_addr  16 si_addr_lsb (short)
//     poll:      12 si_band  16 si_fd
//     sys:       12 si_call_addr  16 si_syscall  20 si_arch

import { type SigInfo, sigInfoLayout, decodeSigInfo } from '../signal/siginfo.js';

export const COMPAT_SIGINFO_SIZE = 128;

export function encodeSigInfo32(info: SigInfo): Uint8Array {
  const b = new Uint8Array(COMPAT_SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno, true);
  dv.setInt32(8, info.code, true);
  const i = (off: number, v: number | undefined): void => { if (v !== undefined) dv.setInt32(off, Math.trunc(v) | 0, true); };
  const val = (off: number): void => { if (info.value !== undefined) dv.setUint32(off, Number(BigInt.asUintN(32, info.value)), true); };
  switch (sigInfoLayout(info.signo, info.code)) {
    case 'kill': i(12, info.pid); i(16, info.uid); break;
    case 'rt': i(12, info.pid); i(16, info.uid); val(20); break;
    case 'timer': i(12, info.tid); i(16, info.overrun); val(20); break;
    case 'chld': i(12, info.pid); i(16, info.uid); i(20, info.status); i(24, info.utime); i(28, info.stime); break;
    case 'fault': i(12, info.addr); if (info.addrLsb !== undefined) dv.setInt16(16, info.addrLsb, true); break;
    case 'poll': i(12, info.band); i(16, info.fd); break;
    case 'sys': i(12, info.callAddr); i(16, info.syscall); i(20, info.arch); break;
  }
  return b;
}

/** A native (64-bit layout) siginfo as the compat layout. */
export function siginfo64To32(b: Uint8Array): Uint8Array {
  return encodeSigInfo32(decodeSigInfo(b));
}

/** A compat siginfo from user space (rt_sigqueueinfo) as the fields of a SigInfo. */
export function decodeSigInfo32(b: Uint8Array): SigInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const info: SigInfo = { signo: dv.getInt32(0, true), errno: dv.getInt32(4, true), code: dv.getInt32(8, true) };
  const i = (off: number): number => dv.getInt32(off, true);
  const u = (off: number): number => dv.getUint32(off, true);
  switch (sigInfoLayout(info.signo, info.code)) {
    case 'kill': info.pid = i(12); info.uid = u(16); break;
    case 'rt': info.pid = i(12); info.uid = u(16); info.value = BigInt(u(20)); break;
    case 'timer': info.tid = i(12); info.overrun = i(16); info.value = BigInt(u(20)); break;
    case 'chld': info.pid = i(12); info.uid = u(16); info.status = i(20); info.utime = i(24); info.stime = i(28); break;
    case 'fault': info.addr = u(12); info.addrLsb = dv.getInt16(16, true); break;
    case 'poll': info.band = i(12); info.fd = i(16); break;
    case 'sys': info.callAddr = u(12); info.syscall = i(16); info.arch = u(20); break;
  }
  return info;
}
