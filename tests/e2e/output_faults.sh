# Output that looks complete but is not: a closed stdout, an unwritable reject
# file.  Each ends with a message and a status that is neither 0 nor "rows rejected".
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
ifs_export="$FIXTURES/ifs/with-errors.csv"
health_export="$FIXTURES/health/with-errors.csv"

# stdout closed: the stream must not land in the reject file opened next.
expect_status 74 sh -c "ifs-survey --rejects r1.tsv '$ifs_export' >&- 2>closed.err"
contains closed.err "ifs-survey: write error on standard output"
! grep -q IFSR r1.tsv || fail "the record stream went into the reject file"
[ "$(head -1 r1.tsv)" = "$(printf 'file\tline\treason\trow')" ] || fail "the reject file does not start with its header"
expect_status 74 sh -c "ifs-health --key-file key --rejects r2.tsv '$health_export' >&- 2>closed-health.err"
contains closed-health.err "ifs-health: write error on standard output"
! grep -q IFSR r2.tsv || fail "the health stream went into the reject file"
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" 2>/dev/null >s.rec
expect_status 74 sh -c "ifs-dump s.rec >&- 2>dump.err"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json s.rec >s.json 2>/dev/null
for format in tsv json csv-sv; do
	expect_status 74 sh -c "ifs-shares -t '$FIXTURES/targets.json' --year 2022 --format $format s.rec >&- 2>shares.err"
	contains shares.err "write error on standard output"
done
expect_status 74 sh -c "ifs-report --format html s.json >/dev/full 2>report.err"
contains report.err "write error on standard output"

# The reject file cannot be written: 74 and a message naming it, not 65 (which
# only says rows were rejected).
expect_status 74 sh -c "ifs-survey --rejects /dev/full '$ifs_export' >o.rec 2>full.err"
contains full.err "ifs-survey: /dev/full: write error: the reject file is incomplete"
expect_status 74 sh -c "ifs-health --key-file key --rejects /dev/full '$health_export' >o.rec 2>full-health.err"
contains full-health.err "ifs-health: /dev/full: write error: the reject file is incomplete"
