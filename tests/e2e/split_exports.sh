# ifs-shares and ifs-survey --jobs 2: the second half of an export read by a second thread
# gives what one thread gives — the same table or record stream (byte for byte), messages,
# reject file and exit status — on exports made to
# trouble it: a quoted field whose line ends straddle the cut, rows rejected and cells
# unreadable after the cut, blank and empty lines, CRLF, repeats and conflicts across the
# halves, rows without an id, Windows-1252.  IFS_SPLIT_TRACE shows which way each went, so
# the test knows the second thread did the work it is credited with.
. "$TESTLIB"
cd "$T"
# The exports below put their trouble at the middle: both tools are cut there.  (By
# itself ifs-survey cuts at 30 %: its first thread replays the twin's records, while
# the twin reads on.  The run at the end checks that default too.)
IFS_SPLIT_PERCENT=50
export IFS_SPLIT_PERCENT
cat >targets.json <<'END'
{ "goals": [
  { "id": "fia-nytta", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75 },
  { "id": "fia-tillvara", "insats": "FIA", "indicator": "tillvara", "group": "avslut", "level": "positivt", "target": 0.85 },
  { "id": "enter-nytta", "insats": "Enter", "indicator": "nytta", "group": "avslut", "level": "positivt", "target": 0.75 } ] }
END
# export ROWS [reject=ROW] [unknown=ROW] [quote=LINES] [noid=1] [late=ROW]: ROWS rows (from
# row ROW of late= on, of insats NOVA); lines.txt gets
# "ROW LINE" for the rows asked about.  A row i repeats row i-ROWS/2 (every 37th, from the
# second half), the same answers but every 111th with another answer and a later date.
export_file() {
	awk -v n="$1" -v opts="$2" 'BEGIN {
		split(opts, o, ","); for (k in o) { split(o[k], kv, "="); opt[kv[1]] = kv[2] }
		split("Inte alls;Till liten del;Till viss del;Till stor del;Till mycket stor del;Helt och hållet;Vet ej / Ej aktuellt", label, ";")
		line = 2
		printf "Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Kommentar;F1;F2\r\n"
		for (i = 1; i <= n; i++) {
			id = "R-" i; day = 1 + i % 28; a = 1 + i % 7; b = 1 + (i * 3) % 7
			if (i > n / 2 && i % 37 == 0) { j = i - int(n / 2); id = "R-" j; day = 1 + j % 28; a = 1 + j % 7; b = 1 + (j * 3) % 7
				if (i % 111 == 0) { day = 28; a = 1 + (a + 2) % 6 } }
			if (opt["noid"] && i % 53 == 0) id = ""
			date = sprintf("2022-03-%02d", day)
			if (i == opt["reject"]) { date = "2022-13-45"; print i, line >"lines.txt" }
			if (i == opt["unknown"]) { b = 0; print i, line >"lines.txt" }
			comment = "ok"
			if (opt["quote"] && i == int(n / 2)) { comment = "\"lang"; for (k = 0; k < opt["quote"]; k++) comment = comment "\r\nrad " k " ; \"\"citat\"\""; comment = comment "\""; line += opt["quote"] }
			insats = i % 3 ? "FIA" : "Enter"
			if (opt["late"] && i >= opt["late"]) insats = "NOVA"
			printf "%s;%s;%s;Avslutad;%s;%s;%s;%s\r\n", id, date, insats, i % 4 == 1 ? "Kvinna" : i % 4 == 2 ? "Man" : "",
				comment, label[a], b ? label[b] : "Kanske"
			line++
			if (i % 97 == 0) { printf ";;;;;;;\r\n"; line++ }
			if (i % 89 == 0) { printf "\r\n"; line++ }
		}
	}'
}
# one_and_two TRACE TOOL ARGS...: TOOL with --jobs 1 and with --jobs 2 (any one.rej /
# two.rej for --rejects); the same output, messages and exit status; two's trace to TRACE
one_and_two() {
	trace=$1 tool=$2
	shift 2
	set +e
	"$tool" --jobs 1 "$@" >one.out 2>one.err; one=$?
	[ -e one.rej ] && mv one.rej one.kept
	IFS_SPLIT_TRACE=1 "$tool" --jobs 2 "$@" >two.out 2>two.all; two=$?
	set -e
	grep -v "^$tool: split: " two.all >two.err || true
	grep "^$tool: split: " two.all | sed "s/^$tool: //" >"$trace" || true
	[ "$one" = "$two" ] || fail "$tool $*: exit $one with one thread, $two with two"
	same_file one.out two.out
	same_file one.err two.err
}
# one and two threads over FILE: the same table in every format, and the same stream and
# reject file from ifs-survey, with and without a key; both tools cut FILE alike
same_both_ways() {
	for format in tsv json csv-sv; do
		one_and_two "$1.trace" ifs-shares -t targets.json --years 2021-2023 --format $format "$1"
	done
	for key in "" "--key-file key"; do
		rm -f one.rej one.kept
		# shellcheck disable=SC2086
		one_and_two "$1.survey-trace" ifs-survey $key --rejects one.rej "$1"
		same_file one.kept one.rej # the first run's reject file, moved aside, and the second's
	done
	# where they cut (the counts at the end, of two threads and the repeat check, are each tool's own)
	grep -v "two threads\|the repeat check" "$1.trace" >"$1.cut" || true
	grep -v "two threads\|the repeat check" "$1.survey-trace" >"$1.survey-cut" || true
	cmp -s "$1.cut" "$1.survey-cut" || fail "$1: ifs-shares and ifs-survey split it differently"
}
head -c 32 /dev/urandom >key && chmod 600 key

# Clean exports of several lengths (the cut lands on other rows, blank and empty lines):
# the second thread reads to the end.
for rows in 3000 3001 3037 3089 3097 3300; do
	export_file $rows "noid=1" >clean-$rows.csv
	same_both_ways clean-$rows.csv
	contains clean-$rows.csv.trace "rows to the end"
done
# ifs-survey checks repeats itself: those of the second half are found as the first thread
# passes its records on, and reported on their own lines.
grep -q "the same respondent answered again with other answers" one.err ||
	fail "the clean exports hold no conflicting repeat for ifs-survey to report"
# The numbers are the ones read by one thread, which other tests prove by hand: here, that
# the halves are all there (n for FIA nytta counts every FIA row with an answer once).
awk -F'\t' '$3 == "fia-nytta" && $1 ~ /2022-10-31$/ {print $8}' one.out >/dev/null
ifs-shares --jobs 2 -t targets.json --year 2022 clean-3000.csv 2>/dev/null | awk -F'\t' '$3 == "fia-nytta" {print $8}' >n2.txt
ifs-shares --jobs 1 -t targets.json --year 2022 clean-3000.csv 2>/dev/null | awk -F'\t' '$3 == "fia-nytta" {print $8}' >n1.txt
same_file n1.txt n2.txt
[ "$(cat n2.txt)" -gt 1500 ] || fail "FIA nytta has n $(cat n2.txt): half the rows are missing"

# Rows answered before the period, on both sides of the cut, are left unread by either
# thread of ifs-shares: an unknown answer among them stops nothing, and the table is the
# staged pipe's; where the period takes them in, it stops the table on both.  Every third
# line moves to May 2020, and so does the row with the bad cell (so some repeats of the
# second half are now later answers to a question first answered in 2020).
export_file 3000 "unknown=2400" | awk -F';' 'BEGIN {OFS = ";"}
	NR > 1 && NF == 8 && $2 != "" && (NR % 3 == 0 || $8 ~ /^Kanske/) {$2 = "2020-05-" substr($2, 9)} {print}' >early.csv
grep -q '2020-05-[0-9]*;.*Kanske' early.csv || fail "early.csv: the bad cell is not in a row of 2020"
for years in "--year 2022" "--years 2021-2023"; do
	# shellcheck disable=SC2086
	one_and_two early.trace ifs-shares -t targets.json $years early.csv
	contains early.trace "rows to the end"
	contains one.err "rows answered before 20"
	lacks one.err "so no table"
	# shellcheck disable=SC2086
	ifs-survey early.csv 2>/dev/null | ifs-shares -t targets.json $years 2>/dev/null | same_file - one.out
done
one_and_two early-2020.trace ifs-shares -t targets.json --year 2020 early.csv
contains one.err "early.csv: 1 answers rejected (above), so no table"
[ ! -s one.out ] || fail "a table from early.csv with a bad cell in mätår 2020"

# The insats typed otherwise ("fia ", "enter ") from a little before the cut on: an insats
# is one however typed, as goals match it, so the repeats across the halves are still
# repeats: for ifs-shares on either thread (the twin's questionnaires adopted by the
# first's set), and for ifs-survey (the twin, which met only "fia ", replays it as the
# first thread spells it): the table of the export as it was.
export_file 3000 "" >cased.csv
awk 'BEGIN { FS = OFS = ";" } NR > 1400 && $3 != "" { $3 = tolower($3) " " } { print }' cased.csv >lowered.csv
grep -q ";fia ;" lowered.csv || fail "lowered.csv has no insats typed otherwise"
same_both_ways lowered.csv
contains lowered.csv.trace "rows to the end"
ifs-shares --jobs 1 -t targets.json --years 2021-2023 cased.csv >cased.tsv 2>/dev/null
for jobs in 1 2; do
	ifs-shares --jobs $jobs -t targets.json --years 2021-2023 lowered.csv >lowered-$jobs.tsv 2>lowered-$jobs.err
	same_file cased.tsv lowered-$jobs.tsv
	contains lowered-$jobs.err "answers given again"
	# and ifs-survey finds the same repeats in both
	ifs-survey --jobs $jobs cased.csv 2>&1 >/dev/null | tail -n 1 >cased-summary.txt
	ifs-survey --jobs $jobs lowered.csv 2>&1 >/dev/null | tail -n 1 >lowered-summary.txt
	same_file cased-summary.txt lowered-summary.txt
done

# An insats first named late in the second half, after several chunks of questionnaires
# (4096 each): the stream's string table grows where it would with one thread.
export_file 20000 "late=17000" >late.csv
same_both_ways late.csv
contains late.csv.trace "rows to the end"
# and the stream reads back, NOVA and all (its name once came after the chunk using it)
ifs-survey late.csv 2>/dev/null | ifs-dump >late.tsv || fail "the stream of late.csv does not read back"
[ "$(awk -F'\t' '$5 == "NOVA"' late.tsv | wc -l)" -gt 5000 ] || fail "the NOVA answers of late.csv are missing"

# A row rejected and a cell unreadable after the cut: the second thread leaves the rejected
# row's line to the first, which reports it as one thread would (and no table is printed).
export_file 3000 "reject=2400,unknown=2600" >reject.csv
same_both_ways reject.csv
reject_line=$(awk '$1 == 2400 {print $2}' lines.txt)
contains reject.csv.trace "and left line $reject_line to the first"
contains one.err "reject.csv:$reject_line: bad answer date"
# Only an unreadable cell: the row is kept without it, and reported in order.
export_file 3000 "unknown=2222" >unknown.csv
same_both_ways unknown.csv
contains unknown.csv.trace "and left line $(awk '$1 == 2222 {print $2}' lines.txt) to the first"

# A quoted field with line ends across the middle of the file: the cut falls inside a row,
# and the first thread reads it all.
for lines in 40 3000; do
	export_file 3000 "quote=$lines" >quoted-$lines.csv
	same_both_ways quoted-$lines.csv
done
contains quoted-3000.csv.trace "fell inside a row"

# A title and an empty line above the header, and a byte order mark: the lines counted from
# the top of the file all the same.
{ printf 'Rapport från IFS\r\n;;;;;;;\r\n'; cat clean-3000.csv; } >title.csv
same_both_ways title.csv
contains title.csv.trace "(line 1542): the second thread read 1508 rows to the end"
{ printf '\357\273\277'; cat clean-3001.csv; } >bom.csv
same_both_ways bom.csv
contains bom.csv.trace "rows to the end"
# Only ASCII in the header: the encoding is not known at the cut, so one thread reads it all.
sed '1s/Kön/Kon/' clean-3000.csv | iconv -f UTF-8 -t ASCII//TRANSLIT >ascii.csv
same_both_ways ascii.csv
[ ! -s ascii.csv.trace ] || fail "an export of undecided encoding was split"

# Windows-1252: the same, decided from the header ("Kön").
iconv -f UTF-8 -t WINDOWS-1252 clean-3037.csv >cp1252.csv
same_both_ways cp1252.csv
contains cp1252.csv.trace "rows to the end"

# gzip: the second thread inflates the file from the start and cuts at a line end near
# the share of the compressed file; where it stops (a row to say something of, damage),
# the first thread inflates its way there, reads on, and says what is wrong.
for rows in 3000 3089; do
	gzip -c clean-$rows.csv >clean-$rows.csv.gz
	same_both_ways clean-$rows.csv.gz
	contains clean-$rows.csv.gz.trace "rows to the end"
done
gzip -c reject.csv >reject.csv.gz
same_both_ways reject.csv.gz
contains reject.csv.gz.trace "and left line $reject_line to the first"
contains one.err "reject.csv.gz:$reject_line: bad answer date"
# (the quoted field large enough that half the compressed file falls inside it)
export_file 3000 "quote=30000" | gzip -c >quoted.csv.gz
same_both_ways quoted.csv.gz
contains quoted.csv.gz.trace "fell inside a row"
gzip -c cp1252.csv >cp1252.csv.gz
same_both_ways cp1252.csv.gz
contains cp1252.csv.gz.trace "rows to the end"
# Damage past the cut: a wrong CRC-32, a wrong length, the end cut off, bytes after the
# member.  The second thread leaves the rest to the first, which fails as one thread does,
# after the same rows.  (An export larger than what is inflated when the file is opened,
# which would find the damage before any cut.)
gzip -c late.csv >late.csv.gz
python3 - late.csv.gz <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
def write(name, content):
    open(name, "wb").write(content)
crc = bytearray(data); crc[-8] ^= 1; write("crc.csv.gz", crc)
size = bytearray(data); size[-2] ^= 1; write("size.csv.gz", size)
write("truncated.csv.gz", data[:-5])
write("trailing.csv.gz", data + "skräp efter slutet\n".encode())
PY
for damaged in crc size truncated trailing; do
	same_both_ways $damaged.csv.gz
	contains $damaged.csv.gz.trace "and left line"
done
contains crc.csv.gz.survey-trace "and left line"
expect_status 65 sh -c "ifs-shares --jobs 2 -t targets.json --year 2022 crc.csv.gz 2>crc.err"
contains crc.err "crc.csv.gz: corrupt gzip data: the CRC-32 or length at the end does not match the data; the file is damaged: fetch or export it again"
expect_status 65 sh -c "ifs-shares --jobs 2 -t targets.json --year 2022 truncated.csv.gz 2>truncated.err"
contains truncated.err "truncated.csv.gz: truncated gzip data (unexpected end of file); the file was cut short: fetch or export it again"
expect_status 65 sh -c "ifs-shares --jobs 2 -t targets.json --year 2022 trailing.csv.gz 2>trailing.err"
contains trailing.err "trailing.csv.gz: corrupt gzip data: bytes after the end of the compressed data"
# Damage inside the deflate data (a block of no known type after a flush), 20 lines after a
# row rejected past the cut: the second thread leaves that row to the first, which reads on
# to the damage and fails after the same rows as one thread.
# gzip_damaged_after NAME LINES: NAME.csv as NAME.csv.gz, its deflate data made invalid
# (a block of no known type after a flush) LINES lines after the rejected row's start
gzip_damaged_after() {
	python3 - "$1.csv" "$2" <<'PY'
import sys, zlib
text = open(sys.argv[1], "rb").read()
at = text.index(b"2022-13-45")
for _ in range(int(sys.argv[2])):
    at = text.index(b"\n", at) + 1
deflate = zlib.compressobj(6, zlib.DEFLATED, 31)
head = deflate.compress(text[:at]) + deflate.flush(zlib.Z_SYNC_FLUSH)
data = bytearray(head + deflate.compress(text[at:]) + deflate.flush())
data[len(head)] |= 0x06
open(sys.argv[1] + ".gz", "wb").write(data)
PY
}
export_file 60000 "reject=44000" >inside.csv
gzip_damaged_after inside 21
same_both_ways inside.csv.gz
contains inside.csv.gz.trace "and left line $(awk '$1 == 44000 {print $2}' lines.txt) to the first"
contains one.err "inside.csv.gz:$(awk '$1 == 44000 {print $2}' lines.txt): bad answer date"
contains one.err "inside.csv.gz: corrupt gzip data: invalid compressed data"
# Damage in the first thread's part, which the second passes over to find the cut: the
# second finds none, and the first reads alone to the damage, failing after the same
# rows as one thread, a row rejected before it too.
export_file 60000 "reject=9000" >early-damage.csv
gzip_damaged_after early-damage 2000
same_both_ways early-damage.csv.gz
contains early-damage.csv.gz.trace "found no cut"
contains one.err "early-damage.csv.gz:$(awk '$1 == 9000 {print $2}' lines.txt): bad answer date"
contains one.err "early-damage.csv.gz: corrupt gzip data: invalid compressed data"
# Two members (cat a.gz b.gz), the second thread passing from one to the next as it looks
# for the cut (600), or as it reads its rows (2400): one text, read to the end.
ifs-shares --jobs 2 -t targets.json --year 2022 clean-3000.csv >plain.tsv
for first in 600 2400; do
	head -n $first clean-3000.csv | gzip -c >members.csv.gz
	tail -n +$((first + 1)) clean-3000.csv | gzip -c >>members.csv.gz
	same_both_ways members.csv.gz
	contains members.csv.gz.trace "rows to the end"
	ifs-shares --jobs 2 -t targets.json --year 2022 members.csv.gz >members.tsv
	same_file plain.tsv members.tsv
done
line=$(sed -n 's/.*(line \([0-9]*\)).*/\1/p' members.csv.gz.trace)
[ "$line" -lt 2400 ] || fail "the cut in members.csv.gz is at line $line, in the second member"
# A cut asked for past the last line end (in a long last row, of text that does not
# compress, without a line end): none found, and one thread reads it all.
{
	cat clean-3000.csv
	printf 'R-99999;2022-03-01;FIA;Avslutad;Kvinna;'
	head -c 150000 /dev/urandom | base64 -w 0
	printf ';Inte alls;Helt och hållet'
} | gzip -c >long-end.csv.gz
IFS_SPLIT_PERCENT=60 one_and_two long-end.trace ifs-shares -t targets.json --year 2022 long-end.csv.gz
contains long-end.trace "the second thread found no cut in the gzip file: read by one thread"
# The table is the plain file's.
ifs-shares --jobs 2 -t targets.json --year 2022 clean-3000.csv >plain.tsv
ifs-shares --jobs 2 -t targets.json --year 2022 clean-3000.csv.gz >gzip.tsv
same_file plain.tsv gzip.tsv

# Not split: stdin, and a file too small without --jobs 2.
IFS_SPLIT_TRACE=1 ifs-shares -t targets.json --year 2022 clean-3000.csv >/dev/null 2>default.err
lacks default.err "split: cut"
expect_status 64 sh -c "ifs-shares --jobs 3 -t targets.json clean-3000.csv 2>jobs.err"
contains jobs.err "--jobs: expected 1 or 2"

# A participant code column without a key: the codes are not kept, but told apart in
# memory for the repeat check by the first thread alone (the second stops at its first
# row and leaves the rest to it): one thread's stream, and the repeats of the second
# half found: of the 41 repeats (every 37th row past 1500), the 27 the same are dropped,
# the 14 with other, later answers (every 111th) written and said to count twice.
export_file 3000 "" | sed '1s/^Respondent-ID/Deltagare/' >codes.csv
one_and_two codes.trace ifs-survey codes.csv
contains codes.trace "the second thread read 0 rows"
contains one.err "3030 rows read = 2973 written (5946 answer records) + 27 repeated (the same questionnaire again: counted once) + 30 empty + 0 rejected"
contains one.err "warning: 14 questionnaires answered again with other answers by a respondent whose personnummer"
# Participant codes beside plain respondent ids, all past the repeat check's memory: the
# stream is the same run after run, though the codes are told apart under a key each run
# makes anew (they wait for the end, and stay out of the filter that decides for the
# others whether they wait).
export_file 600 "" | awk -F';' 'BEGIN {OFS = ";"} NR == 1 {print "Deltagare", $0; next}
	NR % 2 {print "D-" $1, "", substr($0, index($0, ";") + 1); next} {print "", $0}' >mixed.csv
for run in 1 2 3; do
	IFS_SPILL_AFTER=0 ifs-survey mixed.csv >mixed-$run.rec 2>/dev/null || true
done
same_file mixed-1.rec mixed-2.rec
same_file mixed-1.rec mixed-3.rec

# ifs-survey's own cut, at 30 %: one thread's stream all the same, and the cut where it says.
unset IFS_SPLIT_PERCENT
one_and_two default-cut.trace ifs-survey reject.csv
contains default-cut.trace "split: cut at byte"
at=$(sed -n 's/^split: cut at byte \([0-9]*\).*/\1/p' default-cut.trace)
size=$(wc -c <reject.csv)
[ "$at" -gt $((size * 29 / 100)) ] && [ "$at" -lt $((size * 32 / 100)) ] || fail "ifs-survey cut $size bytes at $at, not at 30 %"

# ifs-shares' own cut, at 52 % (its second thread counts what it reads): one thread's table.
one_and_two shares-cut.trace ifs-shares -t targets.json --years 2021-2023 clean-3000.csv
contains shares-cut.trace "the second thread read"
at=$(sed -n 's/^split: cut at byte \([0-9]*\).*/\1/p' shares-cut.trace)
size=$(wc -c <clean-3000.csv)
[ "$at" -gt $((size * 51 / 100)) ] && [ "$at" -lt $((size * 54 / 100)) ] || fail "ifs-shares cut $size bytes at $at, not at 52 %"

# The second thread's questionnaires past 1 MiB go to a temporary file: where none can be
# made, it gives up, and the first thread reads on from the cut; one thread needs none for
# this export (its set keeps them in memory), so both give the table, the same one.  (Not
# when everything is spilled, make e2e-spilled: then the first thread needs one at once.)
if [ -z "${IFS_SPILL_AFTER-}" ]; then
	export_file 32000 "" >wide.csv
	IFS_SPLIT_PERCENT=2 TMPDIR=$T/no-such-folder
	export IFS_SPLIT_PERCENT TMPDIR
	one_and_two nowhere.trace ifs-shares -t targets.json --year 2022 wide.csv
	unset IFS_SPLIT_PERCENT TMPDIR
	contains nowhere.trace "the second thread could not keep what it read (No such file or directory): read by one thread"
	[ -s one.out ] || fail "no table from ifs-shares without a temporary folder"
	# The second thread's questionnaires are kept in 64 partitions (a 64th each, in a file
	# of its own past 16 KiB), which are put after the first thread's at the cut.  Under a
	# file size limit one thread needs no file for (2000 respondents: its set stays in
	# memory) but the second thread's partitions pass (24 KB), it is the second thread
	# that gives up, and the first reads on: one thread's table.
	awk 'BEGIN { split("Inte alls;Till liten del;Till viss del;Till stor del;Till mycket stor del;Helt och hållet", L, ";")
		print "Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Kommentar;F1;F2"
		for (i = 0; i < 100000; i++) printf "R-%d;2022-%02d-%02d;FIA;Avslutad;Kvinna;ok;%s;%s\n", 1 + i * 7 % 2000,
			1 + i % 10, 1 + i * 3 % 28, L[1 + i % 6], L[1 + i * 5 % 6] }' >repeats.csv
	# (ulimit -f counts 512-byte blocks in dash, 1024 in bash)
	(ulimit -f 2 && head -c 1500 /dev/zero >probe) 2>/dev/null && blocks=24 || blocks=48
	(
		ulimit -f $blocks
		one_and_two limited.trace ifs-shares -t targets.json --year 2022 repeats.csv
	)
	contains limited.trace "the second thread could not keep what it read (File too large): read by one thread"
	[ -s one.out ] || fail "no table from ifs-shares under a file size limit its one thread keeps within"
	# Without the limit, the partitions are put after the first thread's, unread, and the
	# table is the same.
	one_and_two unlimited.trace ifs-shares -t targets.json --year 2022 repeats.csv
	contains unlimited.trace "rows to the end"
fi

# A set of questionnaires too large for memory (64 KiB here) is settled and counted half on
# a second thread: one thread's table, from the export and from its stream, repeats,
# conflicts, rows without an id and all; with --years one set serves every year, on one
# thread; and where two partitions at once would not fit in that memory (at 0, any), one
# thread settles them all.
IFS_SPILL_AFTER=64K IFS_SPLIT_PERCENT=50
export IFS_SPILL_AFTER IFS_SPLIT_PERCENT
for format in tsv json; do
	one_and_two settled.trace ifs-shares -t targets.json --year 2022 --format $format clean-3300.csv
	contains settled.trace "the questionnaires settled and counted on two threads"
done
ifs-survey clean-3300.csv >clean-3300.ifs 2>/dev/null
one_and_two settled-stream.trace ifs-shares -t targets.json --year 2022 clean-3300.ifs
contains settled-stream.trace "the questionnaires settled and counted on two threads"
contains one.err "repeat"
one_and_two settled-years.trace ifs-shares -t targets.json --years 2021-2023 clean-3300.ifs
lacks settled-years.trace "settled and counted"
IFS_SPILL_AFTER=0
one_and_two settled-small.trace ifs-shares -t targets.json --year 2022 clean-3300.ifs
lacks settled-small.trace "settled and counted"
# Several exports in one run, each split: the first one's second-thread files are put after
# the first thread's, later ones are copied in, so the files held open do not grow with
# each export (chained every time, six exports would need some 830 here).  With fewer than
# the 320 more open files two threads may need, an export is read by one thread.
for i in 1 2 3 4 5 6; do sed "s/R-/R$i-/" clean-3000.csv >many-$i.csv; done
(
	ulimit -n 600
	one_and_two many.trace ifs-shares -t targets.json --year 2022 many-1.csv many-2.csv many-3.csv many-4.csv \
		many-5.csv many-6.csv
)
[ "$(grep -c "rows to the end" many.trace)" = 6 ] || fail "not every one of the six exports was split: $(cat many.trace)"
(
	ulimit -n 256
	one_and_two few-files.trace ifs-shares -t targets.json --year 2022 clean-3000.csv
)
contains few-files.trace "more open files allowed (ulimit -n 256,"
contains few-files.trace "fewer than the 320 two threads may need"
# Files open already (inherited) count against the limit too.
if command -v python3 >/dev/null; then
	(
		ulimit -n 600
		IFS_SPLIT_TRACE=1 python3 -c 'import os, subprocess, sys
for _ in range(400): os.set_inheritable(os.open("/dev/null", os.O_RDONLY), True)
sys.exit(subprocess.run(sys.argv[1:], close_fds=False).returncode)' ifs-shares --jobs 2 -t targets.json --year 2022 \
			clean-3000.csv >inherited.out 2>inherited.err
	)
	contains inherited.err "open), fewer than the 320 two threads may need"
	ifs-shares --jobs 1 -t targets.json --year 2022 clean-3000.csv >inherited-one.out 2>/dev/null
	same_file inherited-one.out inherited.out
fi
# A plain export that grows while two threads read it (a download still being written):
# every row is read once, by one thread or the other.  Rows without ids are each their
# own respondent, so a row read twice would be counted twice without a word.  The rows
# are added as soon as the second thread has the file open, while it reads the 95 % it
# was given; the count is then that of the file before or after, never more.
awk 'BEGIN { split("Inte alls;Till liten del;Till viss del;Till stor del;Till mycket stor del;Helt och hållet", label, ";")
	for (i = 1; i <= 100000; i++) printf ";2022-03-%02d;%s;Avslutad;%s;ok;%s;%s\r\n", 1 + i % 28, i % 3 ? "FIA" : "Enter",
		i % 2 ? "Kvinna" : "Man", label[1 + i % 6], label[1 + i * 7 % 6] }' >anonymous-rows.csv
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Kommentar;F1;F2\r\n' >growing.csv
for _ in 1 2 3 4 5; do cat anonymous-rows.csv; done >>growing.csv # 500,000 rows, 28 MB
head -n 1000 anonymous-rows.csv >added-rows.csv
ifs-survey --jobs 1 growing.csv 2>before.err >/dev/null
IFS_SPLIT_TRACE=1 IFS_SPLIT_PERCENT=5 ifs-survey --jobs 2 growing.csv >/dev/null 2>grown.err &
pid=$!
while kill -0 $pid 2>/dev/null && [ "$(ls -l /proc/$pid/fd 2>/dev/null | grep -c growing.csv)" -lt 2 ]; do :; done
cat added-rows.csv >>growing.csv
wait $pid || fail "ifs-survey failed on a growing export: $(cat grown.err)"
ifs-survey --jobs 1 growing.csv 2>after.err >/dev/null
contains grown.err "the second thread read" # it was split
read_of() { grep -o "[0-9]* rows read" "$1"; }
[ "$(read_of grown.err)" = "$(read_of before.err)" ] || [ "$(read_of grown.err)" = "$(read_of after.err)" ] ||
	fail "a growing export read as $(read_of grown.err); it held $(read_of before.err), then $(read_of after.err)"
# ifs-survey's repeat check, past its memory (64 KiB here), finishes half its keys on a
# second thread: the same stream, repeat warnings (in order) and reject file; also from
# stdin, not split.  A partition that would not fit in that memory (at 0, any) is checked
# on one thread: two at once would hold twice as much.
IFS_SPILL_AFTER=64K
rm -f one.rej one.kept
one_and_two waited.trace ifs-survey --rejects one.rej clean-3300.csv
same_file one.kept one.rej
contains waited.trace "the repeat check finished on two threads"
contains one.err "the same respondent answered again with other answers"
for jobs in 1 2; do ifs-survey --jobs $jobs <clean-3300.csv >stdin-$jobs.out 2>stdin-$jobs.err; done
same_file stdin-1.out stdin-2.out
same_file stdin-1.err stdin-2.err
contains stdin-2.err "the same respondent answered again with other answers"
IFS_SPILL_AFTER=0
one_and_two waited-small.trace ifs-survey clean-3300.csv
lacks waited-small.trace "the repeat check finished on two threads"
contains one.err "the same respondent answered again with other answers"
unset IFS_SPILL_AFTER IFS_SPLIT_PERCENT
