#!/bin/sh
# Runs end-to-end test scripts. Each script gets $IFS_BIN (the tools), $FIXTURES,
# $TESTLIB and a private scratch directory $T, and fails by exiting non-zero.
# IFS_E2E_JOBS scripts run at once (default: the cores this process may use); no test
# may depend on the machine's speed or load, so running them side by side is one more
# check of that.  Results are printed as the scripts end, the summary at the end.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
: "${IFS_BIN:?IFS_BIN must name the directory holding the built tools}"
export IFS_BIN FIXTURES="$root/fixtures" TESTLIB="$root/tests/lib.sh" ROOT="$root"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
out="$root/tests/out"
mkdir -p "$out"

# One script (run by the lanes below): its result in $T.result, its line on stdout,
# in one write, so that lanes' lines do not mix.
if [ "${1:-}" = --one ]; then
	t=$2
	name=$(basename "$t" .sh)
	T="$out/$name${IFS_SAN:+-san}"
	rm -rf "$T" "$T.result" && mkdir -p "$T"
	if T="$T" sh "$t" >"$T.log" 2>&1; then
		echo ok >"$T.result"
		printf 'ok   %s\n' "$name"
	else
		echo FAIL >"$T.result"
		printf 'FAIL %s (log: %s)\n%s\n' "$name" "$T.log" "$(tail -n 20 "$T.log" | sed 's/^/     /')"
	fi
	exit 0
fi

jobs=${IFS_E2E_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in '' | *[!0-9]* | 0) echo "run-e2e: IFS_E2E_JOBS must be a number of at least 1, not \"$jobs\"" >&2; exit 64 ;; esac
# The slowest scripts first, so that the lanes end together.
slow="personal_data_sweep nightly_store split_exports participants flow_suppress nightly_kill"
{
	for s in $slow; do
		for t in "$@"; do [ "$(basename "$t" .sh)" = "$s" ] && echo "$t"; done
	done
	for t in "$@"; do
		case " $slow " in *" $(basename "$t" .sh) "*) ;; *) echo "$t" ;; esac
	done
} | xargs -P "$jobs" -n 1 sh "$0" --one

passed=0 failed=0 failures=""
for t in "$@"; do
	name=$(basename "$t" .sh)
	if [ "$(cat "$out/$name${IFS_SAN:+-san}.result" 2>/dev/null)" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failures="$failures $name"
	fi
done
echo "e2e: $passed passed, $failed failed${failures:+ (}${failures# }${failures:+)}"
[ "$failed" = 0 ]
