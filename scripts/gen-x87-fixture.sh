#!/bin/sh
# Regenerate the x87 host-oracle fixture: compile tests/oracle/x87/x87-oracle.c with gcc, run it
# on this (x86-64 Linux) host and write tests/oracle/x87/x87-fixture.json. The fixture is
# committed, so the tests need Node alone; rerun this only to change the table of cases.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O1 -Wall -o "$tmp/x87-oracle" "$root/tests/oracle/x87/x87-oracle.c"
"$tmp/x87-oracle" > "$tmp/x87-fixture.json"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$tmp/x87-fixture.json"
mv "$tmp/x87-fixture.json" "$root/tests/oracle/x87/x87-fixture.json"
echo "wrote tests/oracle/x87/x87-fixture.json ($(wc -c < "$root/tests/oracle/x87/x87-fixture.json") bytes)"
