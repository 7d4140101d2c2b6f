#!/bin/sh
# The project beside its peers, measured in one run on the machine at hand (issue #12):
# the same table (per insats x question among those who ended, mätår 2022: n and the
# klart positive, for all, women and men) from the same export, by
#   wc -l (reading the file at all), ifs-shares reading the export (one command; with
#   two threads, as it does by default on two cores, and with --jobs 1),
#   ifs-survey | ifs-shares (the staged pipe), ifs-survey alone, DuckDB (npm
#   @duckdb/node-api, installed here into build/bench/peers when missing) and mawk.
# The tables of ifs-shares, the pipe, DuckDB and mawk are checked equal before timing.
# The export's answers span 2018-2023 evenly, as a cumulative download does: ifs-shares
# reads the rows before mätår 2022 (63 %) only as far as their date.  "--since 2018",
# whose period holds every row, shows the speed where no row can be left unread.
# Median of 5 runs, the commands alternating; peak memory from wait4 (bench/timed.c).
# A benchmark, not a test: not part of make check.
# usage: bench/peers.sh [RESPONDENTS]   (default 1000000: about 218 MB)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
work=${BENCH_DIR:-$root/build/bench}
peers="$work/peers"
mkdir -p "$peers"
make -C "$root" -s tools
bin="$root/build/bin"
cc -O2 -o "$work/gen-export" "$root/bench/gen-export.c"
cc -O2 -o "$work/timed" "$root/bench/timed.c"
for size in "$n" 5000 $((n / 4)) $((n * 2)); do
	[ -s "$work/export-$size.csv" ] || "$work/gen-export" "$size" >"$work/export-$size.csv"
done
export_file="$work/export-$n.csv" small="$work/export-5000.csv"
[ -s "$work/export-$n-cp1252.csv" ] || iconv -f UTF-8 -t WINDOWS-1252 "$export_file" >"$work/export-$n-cp1252.csv"
[ -s "$work/export-$n.csv.gz" ] || gzip -1 -c "$export_file" >"$work/export-$n.csv.gz"
if [ ! -d "$peers/node_modules/@duckdb/node-api" ]; then
	echo "peers: installing @duckdb/node-api into $peers" >&2
	(cd "$peers" && npm install --silent --no-audit --no-fund @duckdb/node-api >/dev/null)
fi
cp "$root/bench/peers-duckdb.mjs" "$peers/"
command -v mawk >/dev/null || { echo "peers: mawk is needed (apt-get install mawk)" >&2; exit 69; }

# The goals: every insats x question, klart positivt, among those who ended.
targets="$peers/targets.json"
{
	printf '{"goals": [\n'
	sep=""
	for insats in FIA Enter NOVA IT-spåret Samverkansteam; do
		for q in nytta tillvara redo hantera sammanhang plan tid kontakter bemotande inflytande; do
			printf '%s{"id": "%s-%s", "insats": "%s", "indicator": "%s", "group": "avslut", "level": "klart_positivt"}\n' \
				"$sep" "$insats" "$q" "$insats" "$q"
			sep=","
		done
	done
	printf ']}\n'
} >"$targets"

mawk_program='
BEGIN { FS = ";"; split("Inte alls;Till liten del;Till viss del;Till stor del;Till mycket stor del;Helt och hållet", l, ";")
	for (i = 1; i <= 6; i++) level[l[i]] = i
	split("nytta tillvara redo hantera sammanhang plan tid kontakter bemotande inflytande", q, " ") }
{ sub(/\r$/, "") }
NR > 1 && $4 == "Avslutad" && $2 >= "2021-11-01" && $2 <= "2022-10-31" {
	for (i = 7; i <= 16; i++) if ($i in level) { k = $3 "\t" q[i - 6]; v = level[$i]; n[k]++; if (v >= 5) p[k]++
		if ($5 == "Kvinna") { nw[k]++; if (v >= 5) pw[k]++ } else if ($5 == "Man") { nm[k]++; if (v >= 5) pm[k]++ } } }
END { for (k in n) printf "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", k, n[k], p[k], nw[k], pw[k], nm[k], pm[k] }'

# ifs-shares TSV -> insats question n pos n_women pos_women n_men pos_men, sorted
shares_table() { awk -F'\t' 'NR > 1 { print $2 "\t" $4 "\t" $8 "\t" $9 "\t" $14 "\t" $15 "\t" $17 "\t" $18 }' | LC_ALL=C sort; }
"$bin/ifs-shares" -t "$targets" --year 2022 "$export_file" 2>/dev/null | shares_table >"$peers/one.tsv"
"$bin/ifs-survey" "$export_file" 2>/dev/null | "$bin/ifs-shares" -t "$targets" --year 2022 2>/dev/null | shares_table >"$peers/pipe.tsv"
(cd "$peers" && node peers-duckdb.mjs "$export_file") | LC_ALL=C sort >"$peers/duckdb.tsv"
LC_ALL=C mawk "$mawk_program" "$export_file" | LC_ALL=C sort >"$peers/mawk.tsv"
for other in pipe duckdb mawk; do
	cmp -s "$peers/one.tsv" "$peers/$other.tsv" || { echo "peers: $other's table differs from ifs-shares'" >&2; exit 1; }
done
echo "tables checked equal: $(wc -l <"$peers/one.tsv") rows (insats x question), ifs-shares = pipe = DuckDB = mawk"

# run LABEL COMMAND [ARG...]: one timed run of COMMAND (bench/timed.c: the clock read
# around one fork and exec, not around sh and /usr/bin/time; a pipe is run as
# sh -c '...'); its seconds and peak KiB appended to $peers/LABEL.times
run() {
	label=$1; shift
	"$work/timed" "$peers/time.out" "$@" >/dev/null 2>"$peers/err.out" || {
		cat "$peers/err.out" >&2; echo "peers: $label failed" >&2; exit 1; }
	cat "$peers/time.out" >>"$peers/$label.times"
}
median() { sort -n "$peers/$1.times" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }'; }
peak() { sort -n -k2 "$peers/$1.times" | tail -n 1 | awk '{ printf "%d", $2 / 1024 }'; }
rm -f "$peers"/*.times
S="$bin/ifs-shares -t $targets --year 2022"
# every export read once before timing: the sized ones below are timed once each, and a
# first read from disk would be timed instead of the tool
for size in "$n" 5000 $((n / 4)) $((n * 2)); do cat "$work/export-$size.csv" >/dev/null; done
cat "$work/export-$n-cp1252.csv" "$work/export-$n.csv.gz" >/dev/null
# the tool's arguments, for running it without sh
set -- -t "$targets" --year 2022
for i in 1 2 3 4 5; do
	run harness true
	run wc wc -l "$export_file"
	run one "$bin/ifs-shares" "$@" "$export_file"
	run one_jobs1 "$bin/ifs-shares" "$@" --jobs 1 "$export_file"
	run one_all "$bin/ifs-shares" -t "$targets" --since 2018 "$export_file"
	run pipe sh -c "$bin/ifs-survey '$export_file' | $S"
	run survey "$bin/ifs-survey" "$export_file"
	run duckdb node "$peers/peers-duckdb.mjs" "$export_file"
	run mawk env LC_ALL=C mawk "$mawk_program" "$export_file"
	run one_cp1252 "$bin/ifs-shares" "$@" "$work/export-$n-cp1252.csv"
	run one_gzip "$bin/ifs-shares" "$@" "$work/export-$n.csv.gz"
	run small_one "$bin/ifs-shares" "$@" "$small"
	run small_duckdb node "$peers/peers-duckdb.mjs" "$small"
done
for size in $((n / 4)) $((n * 2)); do
	run "one_$size" "$bin/ifs-shares" "$@" "$work/export-$size.csv"
	run "one_jobs1_$size" "$bin/ifs-shares" "$@" --jobs 1 "$work/export-$size.csv"
	run "pipe_$size" sh -c "$bin/ifs-survey '$work/export-$size.csv' | $S"
done
duck=$(median duckdb) small_duck=$(median small_duckdb)
ratio() { echo "scale=2; $2 / $1" | bc | sed 's/^\./0./'; }
echo
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); export: $(wc -c <"$export_file") bytes, $n questionnaires"
printf '| %-44s | %8s | %12s | %9s |\n' path "median s" "DuckDB / it" "peak MiB"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "----------" "--------------" "-----------"
line() { printf '| %-44s | %8s | %12s | %9s |\n' "$1" "$(median "$2")" "${3:-$(ratio "$(median "$2")" "$duck")}" "$(peak "$2")"; }
line "wc -l" wc "—"
line "ifs-shares EXPORT (one command, 2 threads)" one
line "ifs-shares --jobs 1 EXPORT (one thread)" one_jobs1
line "ifs-shares --since 2018 EXPORT (every row read)" one_all
line "ifs-survey EXPORT | ifs-shares (staged pipe)" pipe
line "ifs-survey EXPORT alone" survey
line "DuckDB (read_csv, UNPIVOT, GROUP BY; 2 threads)" duckdb
line "mawk one-liner" mawk
line "ifs-shares, Windows-1252 export" one_cp1252
line "ifs-shares, gzip export" one_gzip
line "ifs-shares, 1 MB export (5000 questionnaires)" small_one "$(ratio "$(median small_one)" "$small_duck")"
line "DuckDB, 1 MB export" small_duckdb "1"
line "the harness itself (timed true)" harness "—"
line "ifs-shares, 0.25x export (peak memory)" "one_$((n / 4))" "—"
line "ifs-shares, 2x export (peak memory)" "one_$((n * 2))" "—"
line "ifs-shares --jobs 1, 0.25x export (peak memory)" "one_jobs1_$((n / 4))" "—"
line "ifs-shares --jobs 1, 2x export (peak memory)" "one_jobs1_$((n * 2))" "—"
line "pipe, 0.25x export (peak memory)" "pipe_$((n / 4))" "—"
line "pipe, 2x export (peak memory)" "pipe_$((n * 2))" "—"
most=0
for f in "$peers"/*.times; do
	label=$(basename "$f" .times)
	case $label in wc | duckdb | small_duckdb | mawk | harness) continue ;; esac
	[ "$(peak "$label")" -gt "$most" ] && most=$(peak "$label") worst=$label
done
echo "highest peak of the project's paths: $most MiB ($worst)"
echo "ifs-survey alone vs wc -l: $(ratio "$(median wc)" "$(median survey)")x the time"
echo "Windows-1252 vs UTF-8: $(ratio "$(median one)" "$(median one_cp1252)")x the time; gzip vs UTF-8: $(ratio "$(median one)" "$(median one_gzip)")x"
# A 1 MB run takes a few milliseconds, not far from what starting any process takes here:
# the ratio is given again with the harness's own median taken off both.
net() { echo "x = $1 - $(median harness); if (x < 0.001) x = 0.001; x" | bc | sed 's/^\./0./'; }
echo "1 MB export, the harness's own time taken off both: ifs-shares $(net "$(median small_one)") s, DuckDB $(net "$small_duck") s: $(ratio "$(net "$(median small_one)")" "$(net "$small_duck")")x"
