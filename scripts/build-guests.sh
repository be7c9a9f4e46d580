#!/usr/bin/env bash
# Builds the guest test programs (tests/guest/src) into the static binaries committed under
# tests/guest/bin, so that the tests need Node alone. CI runs this on a clean checkout and fails
# if any byte differs from what is committed, so the build must be reproducible:
#   - no build ID (-Wl,--build-id=none), stripped (-s): nothing in the file depends on the time,
#     the host name or the build directory;
#   - -ffile-prefix-map: __FILE__ (used by assert) records paths relative to the repository;
#   - a fixed locale, time zone and SOURCE_DATE_EPOCH for every tool.
# The bytes still depend on the toolchain (Debian 12: gcc 12.2, binutils 2.40, glibc 2.36,
# musl 1.2.3); the versions used are printed at the start.
#
# Outputs, for every C program NAME.c:   NAME.glibc (gcc -static), NAME.musl (musl-gcc -static);
# for every assembly program NAME.S:     NAME.asm (as, ld -static -nostdlib);
# and two special builds of hello.c:     hello.static-pie.glibc (-static-pie), hello.dynamic
#                                        (dynamically linked: tests the "dynamic ELF" error);
# 32-bit programs (compatibility mode, issue 7), with gcc -m32 (gcc-multilib):
#   for each C program named in I386_PROGRAMS:  NAME.i386 (gcc -m32 -static, glibc);
#   for every i386-only C program src/i386/NAME.c:  NAME.i386;
#   for every assembly program NAME32.S:         NAME32.asm (as --32, ld -m elf_i386).
# There is no musl build for i386: Debian's musl-tools is amd64 only (no i386 musl-gcc).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022

src=tests/guest/src
out=tests/guest/bin

missing=()
for tool in gcc musl-gcc as ld; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	echo "build-guests: missing ${missing[*]}; on Debian: apt-get install gcc musl-tools binutils" >&2
	exit 1
fi
echo "build-guests: $(gcc --version | head -n1); $(ld --version | head -n1);" \
	"$(ldd --version 2>&1 | head -n1); musl-dev" \
	"$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || true)"

# Build into a scratch directory and replace the outputs only when everything succeeded.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cflags=(-O2 -Wall -Wextra -ffile-prefix-map="$root"=. -fno-ident)
ldflags=(-Wl,--build-id=none -s)

for c in "$src"/*.c; do
	name=$(basename "$c" .c)
	gcc -static "${cflags[@]}" "$c" "${ldflags[@]}" -o "$tmp/$name.glibc"
	musl-gcc -static "${cflags[@]}" "$c" "${ldflags[@]}" -o "$tmp/$name.musl"
done
gcc -static-pie -fPIE "${cflags[@]}" "$src/hello.c" "${ldflags[@]}" -o "$tmp/hello.static-pie.glibc"
gcc "${cflags[@]}" "$src/hello.c" "${ldflags[@]}" -o "$tmp/hello.dynamic"

for s in "$src"/*.S; do
	name=$(basename "$s" .S)
	[[ $name == *32 ]] && continue # 32-bit assembly: below
	as --64 -o "$tmp/$name.o" "$s"
	ld -static -nostdlib --build-id=none -s -o "$tmp/$name.asm" "$tmp/$name.o"
	rm "$tmp/$name.o"
done

# 32-bit builds: the programs whose output is compared with the host's in compatibility mode.
I386_PROGRAMS=(hello readfile malloc forkexec exitcode fsops pipes sighandler threads)
for name in "${I386_PROGRAMS[@]}"; do
	gcc -m32 -static "${cflags[@]}" "$src/$name.c" "${ldflags[@]}" -o "$tmp/$name.i386"
done
for c in "$src"/i386/*.c; do
	name=$(basename "$c" .c)
	gcc -m32 -static "${cflags[@]}" "$c" "${ldflags[@]}" -o "$tmp/$name.i386"
done
for s in "$src"/*32.S; do
	name=$(basename "$s" .S)
	as --32 -o "$tmp/$name.o" "$s"
	ld -m elf_i386 -static -nostdlib --build-id=none -s -o "$tmp/$name.asm" "$tmp/$name.o"
	rm "$tmp/$name.o"
done

mkdir -p "$out"
# Outputs whose source was removed must not linger: clear the directory of built files first.
find "$out" -maxdepth 1 -type f \( -name '*.glibc' -o -name '*.musl' -o -name '*.asm' -o -name '*.dynamic' -o -name '*.i386' \) -delete
cp "$tmp"/* "$out"/
chmod 755 "$out"/*
ls -l "$out" | awk 'NR > 1 { printf "  %-28s %8d\n", $9, $5 }'
