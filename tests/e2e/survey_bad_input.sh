# Broken inputs: a one-line error, the SPEC's exit status, no crash, no partial stream passed off as whole.
. "$TESTLIB"
cd "$T"
head -c 400 "$FIXTURES/ifs/variants/export.csv.gz" >truncated.csv.gz
# Random bytes after a NUL: never taken for text, gzip or zip, whatever the draw.
{ printf '\000\001'; head -c 4094 /dev/urandom; } >random.bin
: >empty.csv
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Fråga 1\r\n' >header-only.csv
printf 'Namn;Adress\nA;B\n' >no-date.csv
for case in truncated.csv.gz random.bin empty.csv header-only.csv no-date.csv; do
	expect_status 65 sh -c "ifs-survey $case >$case.rec 2>$case.err"
	# The error itself is one line naming the file; then the unfinished-stream note and the summary.
	[ "$(wc -l <$case.err)" = 3 ] || { cat $case.err; fail "$case: expected error, note and summary"; }
	grep -q "^ifs-survey: $case" $case.err || { cat $case.err; fail "$case: error does not name the file"; }
	contains $case.err "ifs-survey: output stream left unfinished because an input could not be read whole"
	# What was written never passes for a whole stream: the next stage fails too.
	expect_status 65 sh -c "ifs-dump $case.rec >/dev/null 2>$case.dump.err"
	contains $case.dump.err "truncated record stream"
done
contains truncated.csv.gz.err "truncated.csv.gz"
contains empty.csv.err "ifs-survey: empty.csv: empty input"
contains header-only.csv.err "ifs-survey: header-only.csv: no data rows (header only)"
contains no-date.csv.err "ifs-survey: no-date.csv:1: no answer-date column (expected Datum or Svarsdatum)"
expect_status 66 sh -c "ifs-survey does-not-exist.csv >x.rec 2>missing.err"
contains missing.err "ifs-survey: does-not-exist.csv: cannot open: No such file or directory"
# ifs-dump on broken streams: exit 65 with the byte offset, never a silently short dump.
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >good.rec 2>/dev/null
size=$(wc -c <good.rec)
head -c $((size - 10)) good.rec >cut.rec
expect_status 65 sh -c "ifs-dump cut.rec >cut.tsv 2>cut.err"
contains cut.err "ifs-dump: cut.rec: byte "
contains cut.err "truncated record stream"
expect_status 65 sh -c "ifs-dump random.bin >/dev/null 2>rnd.err"
contains rnd.err "ifs-dump: random.bin: byte 0: not a record stream (bad magic number)"
expect_status 66 sh -c "ifs-dump nope.rec 2>nope.err"
# A bad codebook is named with the reason.
printf '{"scales": {}, "questions": []}' >bad-codebook.json
expect_status 65 sh -c "ifs-survey -c bad-codebook.json $FIXTURES/ifs/deltagare-2022.csv >/dev/null 2>cb.err"
contains cb.err 'ifs-survey: bad-codebook.json: "scales" must be an object of named scales'
# An export given where a record stream belongs: ifs-dump says what to run; ifs-shares
# reads an IFS export itself, and for a health export says what to run.
expect_status 65 sh -c "ifs-dump '$FIXTURES/ifs/deltagare-2022.csv' >/dev/null 2>export.err"
contains export.err "deltagare-2022.csv: byte 0: this is an export (CSV, JSON, gzip or a spreadsheet), not a record stream: run ifs-survey or ifs-health on it first"
expect_status 65 sh -c "ifs-shares -t '$FIXTURES/targets.json' '$FIXTURES/health/enter-2022.csv' >/dev/null 2>health-export.err"
contains health-export.err "enter-2022.csv: ifs-shares reads IFS exports itself, as ifs-survey does with its defaults; an export that needs ifs-survey's options (--insats, --group), or a health export (ifs-health --key-file KEY), is made a stream by that tool first"
expect_status 65 sh -c "ifs-dump '$FIXTURES/ifs/variants/export.csv.gz' >/dev/null 2>export-gz.err"
contains export-gz.err "this is an export"
