# Past their memory limit (IFS_SPILL_AFTER; 0 here: everything) the repeat check of
# ifs-survey, the dedup of ifs-shares and the second thread's buffer go to temporary
# files: the same stream, table, messages and exit status as in memory, on a cumulative
# download whose counts are worked out by hand; nothing left in TMPDIR; a folder that
# cannot take the files ends the run with status 74 and says which, never a short table.
. "$TESTLIB"
cd "$T"
# A.csv: R-1..R-2000, FIA, ended, "Helt och hållet" (klart positivt), women odd, men even.
# B.csv, the later download: the same rows, but every 20th answered again later (2022-09-15)
# with "Inte alls" (kept: 100, all men), every other 50th earlier (2022-01-10) with "Inte
# alls" (dropped: 20); then R-2001..R-2500 with "Till stor del", every 7th without an id.
cat >gen.awk <<'END'
BEGIN {
	printf "Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1;F2\r\n"
	last = file == "A" ? 2000 : 2500
	for (i = 1; i <= last; i++) {
		id = "R-" i; date = sprintf("2022-03-%02d", 1 + i % 28); a = "Helt och hållet"; b = "Till viss del"
		if (file == "B" && i <= 2000 && i % 20 == 0) { date = "2022-09-15"; a = "Inte alls" }
		else if (file == "B" && i <= 2000 && i % 50 == 0) { date = "2022-01-10"; a = "Inte alls" }
		if (i > 2000) { a = "Till stor del"; if (i % 7 == 0) id = "" }
		printf "%s;%s;FIA;Avslutad;%s;%s;%s\r\n", id, date, i % 2 ? "Kvinna" : "Man", a, b
	}
}
END
awk -v file=A -f gen.awk >A.csv
awk -v file=B -f gen.awk >B.csv
cat >targets.json <<'END'
{ "goals": [ { "id": "fia-nytta", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75 } ] }
END
# run_to OUT ERR COMMAND...: the command's exit status in $status (its messages in ERR)
run_to() { out=$1 err=$2; shift 2; set +e; "$@" >"$out" 2>"$err"; status=$?; set -e; }
mkdir tmp
TMPDIR=$T/tmp
export TMPDIR
# n and positives, all / women / men: 2000 + 500 answers, 2000 - 100 positive
want_row="2500	1900	0.7600	0.7429	0.7763	met	1250	1000	0.8000	1250	900	0.7200"
row_of() { awk -F'\t' 'NR == 2 { print $8 "\t" $9 "\t" $10 "\t" $11 "\t" $12 "\t" $13 "\t" $14 "\t" $15 "\t" $16 "\t" $17 "\t" $18 "\t" $19 }' "$1"; }

# ifs-survey, in memory and spilled, one thread and two (the twin's records spilled too).
# Spilled, a questionnaire whose respondent may have been seen waits for the end: the same
# records, but those of different respondents in another order (same_records compares them).
same_records() {
	"$IFS_BIN/ifs-dump" "$1" | LC_ALL=C sort >"$1.sorted"
	"$IFS_BIN/ifs-dump" "$2" | LC_ALL=C sort >"$2.sorted"
	same_file "$1.sorted" "$2.sorted"
}
"$IFS_BIN/ifs-survey" A.csv B.csv >memory.ifs 2>memory.err || fail "ifs-survey in memory: $?"
contains memory.err "4500 rows read = 2600 written (5200 answer records) + 1900 repeated"
[ "$(grep -c 'answered again with other answers (2022-09-15)' memory.err)" = 100 ] || fail "100 later answers kept"
[ "$(grep -c 'answered again with other answers, dated earlier (2022-01-10)' memory.err)" = 20 ] || fail "20 earlier dropped"
contains memory.err "B.csv:2001: the same respondent answered again with other answers (2022-09-15)"
for jobs in 1 2; do
	IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-survey" --jobs $jobs A.csv B.csv >spilled.ifs 2>spilled.err ||
		fail "ifs-survey --jobs $jobs spilled: $?"
	same_records memory.ifs spilled.ifs
	same_file memory.err spilled.err
done
# a limit that the first file stays under and the second passes: entries as they stood, then the rest
IFS_SPILL_AFTER=120K "$IFS_BIN/ifs-survey" A.csv B.csv >spilled.ifs 2>spilled.err || fail "ifs-survey 120K: $?"
same_records memory.ifs spilled.ifs
same_file memory.err spilled.err

# More repeats than the check keeps the hashes of in memory (every entry of every
# partition checked then), and fewer: R-1..R-12000, then every 3rd again later with
# other answers (4000 kept, said) and every 5th again as it was (2400 dropped).
awk 'BEGIN {
	printf "Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1;F2\n"
	for (i = 1; i <= 12000; i++) printf "R-%d;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet;Inte alls\n", i
	for (i = 1; i <= 12000; i++) {
		if (i % 3 == 0) printf "R-%d;2022-04-01;FIA;Avslutad;Kvinna;Inte alls;Inte alls\n", i
		if (i % 5 == 0) printf "R-%d;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet;Inte alls\n", i
	}
}' >many.csv
{ head -4001 many.csv; awk 'NR > 12001' many.csv | head -300; } >fewer.csv # R-1..R-4000, the first 300 repeat rows
for file in many fewer; do
	"$IFS_BIN/ifs-survey" $file.csv >$file-memory.ifs 2>$file-memory.err || fail "ifs-survey $file.csv: $?"
	for jobs in 1 2; do
		IFS_SPILL_AFTER=0 IFS_SPLIT_TRACE=1 "$IFS_BIN/ifs-survey" --jobs $jobs $file.csv >$file-spilled.ifs \
			2>$file-spilled.trace || fail "ifs-survey --jobs $jobs $file.csv spilled: $?"
		grep -v 'split: ' $file-spilled.trace >$file-spilled.err
		same_records $file-memory.ifs $file-spilled.ifs
		same_file $file-memory.err $file-spilled.err
	done
	# a limit under which many.csv's check partitions go to their files (8 KiB in memory
	# each) and are read back through one larger buffer per thread (16 KiB: a quarter of it)
	IFS_SPILL_AFTER=64K "$IFS_BIN/ifs-survey" $file.csv >$file-64k.ifs 2>$file-64k.err ||
		fail "ifs-survey $file.csv at 64K: $?"
	same_records $file-memory.ifs $file-64k.ifs
	same_file $file-memory.err $file-64k.err
done
contains many-spilled.trace "were checked against every key (too many to keep their hashes)"
contains fewer-spilled.trace "were checked against their own keys"
contains many-memory.err "18400 rows read = 16000 written (32000 answer records) + 2400 repeated"
[ "$(grep -c 'answered again with other answers (2022-04-01)' many-memory.err)" = 4000 ] || fail "4000 later answers kept"
contains many-memory.err "many.csv:12004: the same respondent answered again with other answers (2022-04-01)"
# the first 300 repeat rows are of R-3..R-564: 188 3rd (kept) and 112 5th (dropped)
contains fewer-memory.err "4300 rows read = 4188 written (8376 answer records) + 112 repeated"

# An unreadable cell is reported in every row it stands in, a repeat's too, whatever the
# limit (spilled, whether a row repeats is known only at the end); the summary counts those
# of the rows written: R-1's first row, its identical repeat, then an earlier one.
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1;F2\nR-1;2022-03-05;FIA;Avslutad;Kvinna;Ingen åsikt;Helt och hållet\nR-1;2022-03-05;FIA;Avslutad;Kvinna;Ingen åsikt;Helt och hållet\nR-1;2022-03-01;FIA;Avslutad;Kvinna;Ingen åsikt;Inte alls\n' >cells.csv
for limit in 1G 0; do
	run_to cells.ifs cells-$limit.err env IFS_SPILL_AFTER=$limit "$IFS_BIN/ifs-survey" --rejects cells-$limit.rej cells.csv
	[ "$status" = 65 ] || fail "ifs-survey cells.csv, IFS_SPILL_AFTER=$limit: exit $status"
	[ "$(grep -c 'unknown answer "Ingen åsikt"' cells-$limit.err)" = 3 ] || fail "3 unreadable cells reported at $limit"
	[ "$(grep -c 'unknown answer' cells-$limit.rej)" = 3 ] || fail "3 unreadable cells kept at $limit"
	contains cells-$limit.err "3 rows read = 1 written (1 answer records) + 2 repeated"
	contains cells-$limit.err "; 1 answers rejected (their rows kept)"
done
# (the same lines; spilled, the repeat warnings come after the other messages)
LC_ALL=C sort cells-1G.err >cells-1G.sorted && LC_ALL=C sort cells-0.err >cells-0.sorted
same_file cells-1G.sorted cells-0.sorted
same_file cells-1G.rej cells-0.rej

# The same answers under another date are called that, not "other answers", in memory
# and spilled: later (written, the later date kept), then earlier (dropped).
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1;F2\nR-2;2022-03-05;FIA;Avslutad;Man;Inte alls;Till stor del\nR-2;2022-04-01;FIA;Avslutad;Man;Inte alls;Till stor del\nR-2;2022-02-01;FIA;Avslutad;Man;Inte alls;Till stor del\nR-2;2022-05-01;FIA;Avslutad;Man;Helt och hållet;Till stor del\n' >redated.csv
for limit in 1G 0; do
	IFS_SPILL_AFTER=$limit "$IFS_BIN/ifs-survey" redated.csv >redated.ifs 2>redated-$limit.err || fail "redated.csv: exit $?"
	contains redated-$limit.err "redated.csv:3: the same respondent's same answers came again under another date, later (2022-04-01): the later date is kept"
	contains redated-$limit.err "redated.csv:4: the same respondent's same answers came again under another date, earlier (2022-02-01): the later date is kept"
	contains redated-$limit.err "redated.csv:5: the same respondent answered again with other answers (2022-05-01): the later answers are kept"
	contains redated-$limit.err "4 rows read = 3 written (6 answer records) + 1 repeated"
done
same_file redated-1G.err redated-0.err

# ifs-shares: from the stream, and from the exports in one command (both threads: the twin's buffer)
"$IFS_BIN/ifs-shares" -t targets.json --year 2022 memory.ifs >memory.tsv 2>shares.err || fail "ifs-shares: $?"
[ "$(row_of memory.tsv)" = "$want_row" ] || fail "ifs-shares from the stream: $(row_of memory.tsv)"
# the spilled streams (records of other respondents in another order) give the same table
for limit in 0 120K; do
	IFS_SPILL_AFTER=$limit "$IFS_BIN/ifs-survey" A.csv B.csv 2>/dev/null |
		"$IFS_BIN/ifs-shares" -t targets.json --year 2022 >spilled.tsv 2>spilled.err
	same_file memory.tsv spilled.tsv
	same_file shares.err spilled.err
done
for jobs in 1 2; do
	"$IFS_BIN/ifs-shares" --jobs $jobs -t targets.json --year 2022 A.csv B.csv >one.tsv 2>one.err ||
		fail "ifs-shares exports: $?"
	[ "$(row_of one.tsv)" = "$want_row" ] || fail "ifs-shares from the exports: $(row_of one.tsv)"
	for limit in 0 1 100K; do
		IFS_SPILL_AFTER=$limit "$IFS_BIN/ifs-shares" --jobs $jobs -t targets.json --year 2022 A.csv B.csv \
			>spilled.tsv 2>spilled.err || fail "ifs-shares --jobs $jobs, IFS_SPILL_AFTER=$limit: $?"
		same_file one.tsv spilled.tsv
		same_file one.err spilled.err
	done
done
contains one.err "4000 answers given again"
contains one.err "240 repeated answers differed from the first"
IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-shares" -t targets.json --year 2022 memory.ifs >spilled.tsv 2>spilled.err
same_file memory.tsv spilled.tsv
same_file shares.err spilled.err
# --years keeps the questionnaires once for both years, and settles them once
"$IFS_BIN/ifs-shares" -t targets.json --years 2022-2023 A.csv B.csv >years.tsv 2>years.err
IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-shares" -t targets.json --years 2022-2023 A.csv B.csv >spilled.tsv 2>spilled.err
same_file years.tsv spilled.tsv
same_file years.err spilled.err

# nothing left behind
[ -z "$(ls -A tmp)" ] || fail "files left in TMPDIR: $(ls -A tmp)"

# The second thread's records, past their memory, go to the first through a temporary
# file: where it cannot be made, the second thread stops at its first row and the first
# reads on alone, to the same stream (no ids here, so the first thread needs no file).
awk 'BEGIN { printf "Svarsdatum;Insats;Enkät;Kön;F1;F2\n"
	for (i = 1; i <= 3000; i++) printf "2022-03-%02d;FIA;Avslutad;%s;Helt och hållet;Inte alls\n", 1 + i % 28, i % 2 ? "Kvinna" : "Man" }' >anonymous.csv
"$IFS_BIN/ifs-survey" --jobs 1 anonymous.csv >anonymous-one.ifs 2>anonymous-one.err || fail "anonymous.csv: $?"
TMPDIR=$T/no-such-folder IFS_SPILL_AFTER=0 IFS_SPLIT_TRACE=1 "$IFS_BIN/ifs-survey" --jobs 2 anonymous.csv \
	>anonymous-two.ifs 2>anonymous-two.trace || fail "anonymous.csv, two threads without a temporary folder: $?"
cut_line=$(sed -n 's/.*cut at byte [0-9]* (line \([0-9]*\)).*/\1/p' anonymous-two.trace)
contains anonymous-two.trace "the second thread read 0 rows, and left line $cut_line to the first"
grep -v 'split: ' anonymous-two.trace >anonymous-two.err
same_file anonymous-one.ifs anonymous-two.ifs
same_file anonymous-one.err anonymous-two.err
# and where it can, the same stream through the file
IFS_SPILL_AFTER=0 IFS_SPLIT_TRACE=1 "$IFS_BIN/ifs-survey" --jobs 2 anonymous.csv >anonymous-two.ifs 2>anonymous-two.trace ||
	fail "anonymous.csv, two threads through a file: $?"
contains anonymous-two.trace "(line $cut_line): the second thread read $((3002 - cut_line)) rows to the end"
same_file anonymous-one.ifs anonymous-two.ifs

# a folder that cannot take them: status 74, the folder named, no table, no stream end
TMPDIR=$T/no-such-folder
run_to none.tsv none.err env IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-shares" -t targets.json --year 2022 A.csv B.csv
[ "$status" = 74 ] || fail "ifs-shares exports without a temporary folder: exit $status"
contains none.err "cannot use a temporary file in $T/no-such-folder: No such file or directory (set TMPDIR to a folder that exists and can be written)"
[ ! -s none.tsv ] || fail "a table printed after the spill failed"
run_to none.tsv none.err env IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-shares" -t targets.json --year 2022 memory.ifs
[ "$status" = 74 ] || fail "ifs-shares stream without a temporary folder: exit $status"
contains none.err "memory.ifs: cannot use a temporary file in $T/no-such-folder"
[ ! -s none.tsv ] || fail "a table printed after the spill failed"
run_to none.ifs none.err env IFS_SPILL_AFTER=0 "$IFS_BIN/ifs-survey" A.csv B.csv
[ "$status" = 74 ] || fail "ifs-survey without a temporary folder: exit $status"
contains none.err "cannot use a temporary file in $T/no-such-folder"
contains none.err "; the run stopped early, see above" # its counts are of what was done
run_to dump.out dump.err "$IFS_BIN/ifs-dump" none.ifs
[ "$status" = 65 ] || fail "a stream without its end was read: exit $status"
TMPDIR=$T/tmp

# a file size limit (a full disk, for the test): a write that fails, said, exit 74 (the
# tools ignore SIGXFSZ, which would kill them without a word); 40 blocks hold the stream
# but not the temporary files of IFS_SPILL_AFTER=0, and 2 blocks ifs-shares' table but
# not one of its 64 partitions (its largest temporary files)
for tool in ifs-survey ifs-shares; do
	[ "$tool" = ifs-shares ] && args="-t targets.json --year 2022 A.csv B.csv" blocks=2 || args="A.csv B.csv" blocks=40
	# shellcheck disable=SC2086
	run_to full.out full.err sh -c "ulimit -f $blocks; IFS_SPILL_AFTER=0 exec '$IFS_BIN/$tool' $args"
	[ "$status" = 74 ] || { cat full.err; fail "$tool under a file size limit: exit $status"; }
	contains full.err "cannot use a temporary file in $T/tmp: File too large (set TMPDIR to a folder with room)"
done
[ -z "$(ls -A tmp)" ] || fail "files left in TMPDIR after a failure: $(ls -A tmp)"

# a limit that is not a size is a usage error, before anything is read
for tool in ifs-survey ifs-shares; do
	[ "$tool" = ifs-shares ] && args="-t targets.json A.csv" || args=A.csv
	# shellcheck disable=SC2086
	for bad in lots -1 " -1" " 5M" 5MB 1T; do
		run_to bad.out bad.err env IFS_SPILL_AFTER="$bad" "$IFS_BIN/$tool" $args
		[ "$status" = 64 ] || fail "$tool with IFS_SPILL_AFTER=\"$bad\": exit $status"
		contains bad.err "IFS_SPILL_AFTER: expected a size in bytes (or with K, M or G), not \"$bad\""
	done
done
