#!/bin/sh
# Builds every fuzz/fuzz_*.c harness with libFuzzer, ASan and UBSan into build-fuzz/,
# then runs each one.  Seeds come from fixtures/ (fuzz/seeds-NAME.list names them).
#   FUZZ_SECONDS=N  how long each harness runs (default 60; 0 = replay the seeds only)
#   FUZZ_JOBS=N     compilers run at once (default: the cores this process may use)
# The library is compiled once (instrumented for coverage, -fsanitize=fuzzer-no-link)
# and linked into each harness: compiled once per harness, it took make check five
# minutes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
out=build-fuzz
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 69; }
mkdir -p "$out/lib"
rm -f "$out"/lib/*.o # a file gone from lib/ must not stay linked in
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Iinclude $(pkg-config --cflags libcjson zlib libisal libcrypto libsodium libcurl libzip expat xlsxwriter)"
libs="$(pkg-config --libs libcjson zlib libisal libcrypto libsodium libcurl libzip expat xlsxwriter) -lm -pthread"
san="address,undefined -fno-sanitize-recover=undefined"
export flags san out

# The library's objects, then each harness linked with them, FUZZ_JOBS at a time
# (xargs stops at the first compiler that fails, and says so).
# shellcheck disable=SC2016
ls lib/*.c | xargs -P "$jobs" -I{} sh -c \
	'clang $flags -fsanitize=fuzzer-no-link,$san -DIFS_DATADIR="\"/nonexistent\"" -c -o "$out/lib/$(basename {} .c).o" {}' ||
	{ echo "fuzz: the library did not compile" >&2; exit 1; }
export libs
# shellcheck disable=SC2016
ls fuzz/fuzz_*.c | xargs -P "$jobs" -I{} sh -c \
	'clang $flags -fsanitize=fuzzer,$san -o "$out/$(basename {} .c)" {} "$out"/lib/*.o $libs' ||
	{ echo "fuzz: a harness did not compile" >&2; exit 1; }

for harness in fuzz/fuzz_*.c; do
	name=$(basename "$harness" .c)
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	if [ -f "fuzz/seeds-${name#fuzz_}.list" ]; then
		while read -r seed; do
			[ -n "$seed" ] && cp "$seed" "$corpus/seed-$(basename "$seed")"
		done <"fuzz/seeds-${name#fuzz_}.list"
	fi
	if [ "$seconds" = 0 ]; then
		"$out/$name" -artifact_prefix="$out/" -runs=2000 "$corpus" >"$out/$name.log" 2>&1 ||
			{ tail -40 "$out/$name.log"; echo "fuzz: $name failed (log: $out/$name.log)" >&2; exit 1; }
	else
		"$out/$name" -artifact_prefix="$out/" -max_total_time="$seconds" -max_len=65536 "$corpus" >"$out/$name.log" 2>&1 ||
			{ tail -40 "$out/$name.log"; echo "fuzz: $name failed (log: $out/$name.log)" >&2; exit 1; }
	fi
	echo "fuzz: $name ok ($(grep -c . "$out/$name.log") log lines, corpus $(ls "$corpus" | wc -l) inputs)"
done
