#!/bin/sh
# ifs-survey throughput and peak memory on a large synthetic export, beside cat and wc -l.
# Usage: bench/survey.sh [RESPONDENTS]   (default 1000000 respondents x 10 questions)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
work=${BENCH_DIR:-$root/build/bench}
mkdir -p "$work"
make -C "$root" -s tools
cc -O2 -o "$work/gen-export" "$root/bench/gen-export.c"
export_file="$work/export-$n.csv"
[ -s "$export_file" ] || "$work/gen-export" "$n" >"$export_file"
bytes=$(wc -c <"$export_file")
# measure LABEL COMMAND...: best of 3 wall-clock runs on one core, and the peak RSS
measure() {
	label=$1; shift
	best=""; rss=0
	for i in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$work/time.out" taskset -c 0 "$@" >/dev/null 2>"$work/err.out" || true
		read -r secs kb <"$work/time.out"
		if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc)" = 1 ]; then best=$secs; fi
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	[ "$(echo "$best == 0" | bc)" = 1 ] && best=0.01
	mbs=$(echo "scale=1; $bytes / 1000000 / $best" | bc)
	recs=$(echo "scale=0; $records / $best" | bc)
	printf '| %-28s | %8s | %9s | %12s | %10s |\n' "$label" "$best" "$mbs" "$recs" "$((rss / 1024)) MiB"
}
records=$("$root/build/bin/ifs-survey" "$export_file" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) answer records).*/\1/p')
echo "input: $export_file, $bytes bytes, $n respondents, $records answer records"
printf '| %-28s | %8s | %9s | %12s | %10s |\n' "command" "seconds" "MB/s" "records/s" "peak RSS"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------" "----------" "-----------" "--------------" "------------"
measure "cat" cat "$export_file"
measure "wc -l" wc -l "$export_file"
measure "ifs-survey (UTF-8, ';')" "$root/build/bin/ifs-survey" "$export_file"
# Half the input: peak memory must not grow with the input.
head -c $((bytes / 2)) "$export_file" | sed '$d' >"$work/half.csv"
hbytes=$bytes hrecords=$records
bytes=$(wc -c <"$work/half.csv")
records=$("$root/build/bin/ifs-survey" "$work/half.csv" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) answer records).*/\1/p')
measure "ifs-survey, half the input" "$root/build/bin/ifs-survey" "$work/half.csv"
bytes=$hbytes records=$hrecords
[ -s "$work/export.csv.gz" ] || gzip -1 -c "$export_file" >"$work/export.csv.gz"
measure "ifs-survey (gzip, MB/s raw)" "$root/build/bin/ifs-survey" "$work/export.csv.gz"
[ -s "$work/export-cp1252.csv" ] || iconv -f UTF-8 -t WINDOWS-1252 "$export_file" >"$work/export-cp1252.csv"
measure "ifs-survey (Windows-1252)" "$root/build/bin/ifs-survey" "$work/export-cp1252.csv"
# Every field quoted, as some survey tools write them: each row takes the scanner's slow path.
[ -s "$work/export-quoted.csv" ] || sed 's/;/";"/g; s/^/"/; s/\r$/"\r/' "$export_file" >"$work/export-quoted.csv"
bytes=$(wc -c <"$work/export-quoted.csv")
measure "ifs-survey (all quoted)" "$root/build/bin/ifs-survey" "$work/export-quoted.csv"
bytes=$hbytes
# Keyed pseudonyms (HMAC-SHA256) for every respondent id.
[ -s "$work/bench.key" ] || { head -c 32 /dev/urandom >"$work/bench.key"; chmod 600 "$work/bench.key"; }
measure "ifs-survey --key-file" "$root/build/bin/ifs-survey" --key-file "$work/bench.key" "$export_file"
