#!/usr/bin/env bash
# Builds the vDSO images from src/kernel/vdso (Linux: arch/x86/entry/vdso/Makefile), and the
# vsyscall page's bytes:
#   vdso64.so  64-bit: vclock_gettime.c + vdso-note.S, linked by vdso64.lds.S
#   vdso32.so  32-bit (-m32): the same C, vdso32/system_call.S (__kernel_vsyscall),
#              vdso32/sigreturn.S (the trampolines, with unwind information), vdso-note.S
# then runs scripts/vdso2c.mjs, which checks each image (one PT_LOAD, no dynamic relocations)
# and writes src/kernel/vdso/generated/vdso-image-{64,32}.ts: the stripped image's bytes and
# the symbol offsets the kernel needs (taken from the unstripped link). The .so files and the
# modules are committed (running ringside needs Node alone); CI reruns this script (npm run
# build:vdso) and fails if a byte differs, so nothing here may depend on the time, the host or
# the build directory: no build ID, no .comment, fixed locale and SOURCE_DATE_EPOCH.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022

src=src/kernel/vdso
out=$src/generated
for tool in gcc ld objcopy nm readelf node; do
	command -v "$tool" >/dev/null || { echo "build-vdso: $tool not found (on Debian: apt-get install gcc gcc-multilib binutils)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Linux's vDSO flags, less what only the kernel build needs: position-independent, no stack
# protector or builtins (nothing to link against), unwind tables kept (debuggers and
# backtrace() step through the vDSO), no SSE (the C needs none; keep the image small).
cflags=(-O2 -fPIC -ffreestanding -fno-builtin -fno-stack-protector -fasynchronous-unwind-tables
	-fno-ident -fno-common -mno-sse -mno-mmx -Wall -Wextra -ffile-prefix-map="$root"=. -I "$src")
ldflags=(-shared --hash-style=both --build-id=none --no-undefined --eh-frame-hdr -Bsymbolic
	-z noexecstack -z max-page-size=4096)

# The linker scripts go through cpp for #include; -undef keeps "i386" from becoming "1".
lds() { gcc -E -P -undef -x c -I "$src" "$src/$1" -o "$tmp/$2"; }

lds vdso64.lds.S vdso64.lds
gcc -m64 "${cflags[@]}" -c "$src/vclock_gettime.c" -o "$tmp/vclock_gettime-64.o"
gcc -m64 -c "$src/vdso-note.S" -o "$tmp/note-64.o"
ld -m elf_x86_64 "${ldflags[@]}" -soname=linux-vdso.so.1 -T "$tmp/vdso64.lds" \
	-o "$tmp/vdso64.so.dbg" "$tmp/vclock_gettime-64.o" "$tmp/note-64.o"

lds vdso32.lds.S vdso32.lds
gcc -m32 "${cflags[@]}" -c "$src/vclock_gettime.c" -o "$tmp/vclock_gettime-32.o"
gcc -m32 -c "$src/vdso-note.S" -o "$tmp/note-32.o"
gcc -m32 -c "$src/vdso32/system_call.S" -o "$tmp/system_call-32.o"
gcc -m32 -c "$src/vdso32/sigreturn.S" -o "$tmp/sigreturn-32.o"
ld -m elf_i386 "${ldflags[@]}" -soname=linux-gate.so.1 -T "$tmp/vdso32.lds" \
	-o "$tmp/vdso32.so.dbg" "$tmp/system_call-32.o" "$tmp/sigreturn-32.o" "$tmp/vclock_gettime-32.o" "$tmp/note-32.o"

# The mapped images: no symbol table or debug sections (Linux: objcopy -S).
for b in 64 32; do
	objcopy -S --remove-section=.comment "$tmp/vdso$b.so.dbg" "$tmp/vdso$b.so"
done

gcc -m64 -c "$src/vsyscall_emu_64.S" -o "$tmp/vsyscall.o"
objcopy -O binary -j .text "$tmp/vsyscall.o" "$tmp/vsyscall.bin"

mkdir -p "$out"
node scripts/vdso2c.mjs "$tmp" "$out"
cp "$tmp/vdso64.so" "$tmp/vdso32.so" "$out/"
ls -l "$out" | awk 'NR > 1 { printf "  %-24s %8d\n", $9, $5 }'
