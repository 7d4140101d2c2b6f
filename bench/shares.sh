#!/bin/sh
# ifs-shares throughput and peak memory over a large record stream, beside cat.
# Usage: bench/shares.sh [RECORDS]   (default 10000000 answer records)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000000}
work=${BENCH_DIR:-$root/build/bench}
mkdir -p "$work"
make -C "$root" -s tools
cc -O2 -std=c11 -I"$root/include" -o "$work/gen-records" "$root/bench/gen-records.c" "$root/build/libifs.a" \
	$(pkg-config --libs zlib libcjson libcrypto) -lm
stream="$work/records-$n.rec"
[ -s "$stream" ] || "$work/gen-records" "$n" >"$stream"
half="$work/records-half.rec"
[ -s "$half" ] || "$work/gen-records" $((n / 2)) >"$half"
measure() { # LABEL BYTES RECORDS COMMAND...: best of 3 on one core, peak RSS
	label=$1 bytes=$2 records=$3; shift 3
	best="" rss=0
	for i in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$work/time.out" taskset -c 0 "$@" >/dev/null 2>"$work/err.out" || {
			cat "$work/err.out" >&2; exit 1; }
		read -r secs kb <"$work/time.out"
		if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc)" = 1 ]; then best=$secs; fi
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	[ "$(echo "$best == 0" | bc)" = 1 ] && best=0.01
	printf '| %-34s | %7s | %6s | %12s | %8s |\n' "$label" "$best" "$(echo "scale=2; $bytes / 1000000000 / $best" | bc)" \
		"$(echo "scale=0; $records / $best" | bc)" "$((rss / 1024)) MiB"
}
bytes=$(wc -c <"$stream") hbytes=$(wc -c <"$half")
echo "input: $stream, $bytes bytes, $n answer records"
printf '| %-34s | %7s | %6s | %12s | %8s |\n' command seconds "GB/s" "records/s" "peak RSS"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "---------" "--------" "--------------" "----------"
measure "cat" "$bytes" "$n" cat "$stream"
measure "ifs-shares --year 2022 (7 goals)" "$bytes" "$n" "$root/build/bin/ifs-shares" -t "$root/fixtures/targets.json" --year 2022 "$stream"
measure "ifs-shares, no period" "$bytes" "$n" "$root/build/bin/ifs-shares" -t "$root/fixtures/targets.json" "$stream"
measure "ifs-shares, half the records" "$hbytes" $((n / 2)) "$root/build/bin/ifs-shares" -t "$root/fixtures/targets.json" --year 2022 "$half"
