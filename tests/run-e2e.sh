#!/bin/sh
# Runs end-to-end test scripts. Each script gets $IFS_BIN (the tools), $FIXTURES,
# $TESTLIB and a private scratch directory $T, and fails by exiting non-zero.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
: "${IFS_BIN:?IFS_BIN must name the directory holding the built tools}"
export IFS_BIN FIXTURES="$root/fixtures" TESTLIB="$root/tests/lib.sh" ROOT="$root"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
out="$root/tests/out"
mkdir -p "$out"
passed=0 failed=0 failures=""
for t in "$@"; do
	name=$(basename "$t" .sh)
	T="$out/$name${IFS_SAN:+-san}"
	rm -rf "$T" && mkdir -p "$T"
	if T="$T" sh "$t" >"$T.log" 2>&1; then
		passed=$((passed + 1)); echo "ok   $name"
	else
		failed=$((failed + 1)); failures="$failures $name"
		echo "FAIL $name (log: $T.log)"; tail -n 20 "$T.log" | sed 's/^/     /'
	fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
