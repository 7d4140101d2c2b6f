#!/bin/sh
# Builds every fuzz/fuzz_*.c harness with libFuzzer, ASan and UBSan into build-fuzz/,
# then runs each one.  Seeds come from fixtures/ (fuzz/seeds-NAME.list names them).
#   FUZZ_SECONDS=N  how long each harness runs (default 60; 0 = replay the seeds only)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${FUZZ_SECONDS:-60}
out=build-fuzz
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 69; }
mkdir -p "$out"
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Iinclude $(pkg-config --cflags libcjson zlib libisal libcrypto libsodium libcurl libzip expat xlsxwriter)"
libs="$(pkg-config --libs libcjson zlib libisal libcrypto libsodium libcurl libzip expat xlsxwriter) -lm -pthread"
san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
for harness in fuzz/fuzz_*.c; do
	name=$(basename "$harness" .c)
	# shellcheck disable=SC2086
	clang $flags $san -DIFS_DATADIR='"/nonexistent"' -o "$out/$name" "$harness" lib/*.c $libs
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
