# pipelines/nightly: day 1 -> store; day 2 cumulative export with 3 new answers -> exactly
# day 1 plus those 3; day 3 unchanged (304) -> nothing rewritten; overlapping runs; a failing
# source leaves store and tables as they were.
. "$TESTLIB"
cd "$T"
mkdir -p served
cp "$FIXTURES/nightly/fia-day1.csv" served/fia.csv
SERVE_DIR="$T/served" . "$ROOT/tests/server/start.sh"
sed "s|@BASE@|$BASE|; s|@FIXTURES@|$FIXTURES|" "$FIXTURES/nightly/sources.json.in" >sources.json
nightly() { sh "$ROOT/pipelines/nightly" --config sources.json --targets "$FIXTURES/targets.json" --store store --year 2022 "$@"; }
fia_records() { ifs-dump store/current/snapshots/fia.rec | tail -n +2 | wc -l | tr -d ' '; }

# Day 1: 10 questionnaires x 4 questions.
nightly 2>day1.err || { cat day1.err; fail "day 1 run failed"; }
[ "$(fia_records)" = 40 ] || fail "day 1: $(fia_records) records, expected 40"
contains day1.err "nightly: normalise: fia: 40 records"
contains day1.err "nightly: done: store/current -> versions/"
grep -qx "records	40" store/current/snapshots/fia.prov || fail "provenance lacks the record count"
grep -q "^etag	\"" store/current/snapshots/fia.prov || fail "provenance lacks the ETag"
grep -qx "sha256	$(sha256sum <served/fia.csv | cut -d' ' -f1)" store/current/snapshots/fia.prov || fail "provenance sha256"
[ "$(wc -l <store/current/tables/shares-2022.tsv)" = 8 ] || fail "tables: expected 7 goals"
[ "$(stat -c %a store/current/snapshots/fia.rec)" = 600 ] || fail "snapshot is readable by others"
day1_version=$(readlink store/current)

# Day 2: the cumulative export repeats day 1 and adds 3 questionnaires: 13 x 4, never 23 x 4.
cp "$FIXTURES/nightly/fia-day2.csv" served/fia.csv
nightly 2>day2.err || { cat day2.err; fail "day 2 run failed"; }
[ "$(fia_records)" = 52 ] || fail "day 2: $(fia_records) records, expected 52 (day 1 + 3 questionnaires)"
ifs-dump store/current/snapshots/fia.rec | awk -F'\t' 'NR>1 {print $1}' | sort -u | wc -l | tr -d ' ' >people.txt
echo 13 | same_file - people.txt
# The unchanged source kept its snapshot: the same file, shared with the old version.
[ "$(stat -c %i store/current/snapshots/enter.rec)" = "$(stat -c %i "store/$day1_version/snapshots/enter.rec")" ] ||
	fail "the unchanged source was normalised again"
contains day2.err "nightly: normalise: fia: 52 records"
lacks day2.err "normalise: enter"

# Day 3: nothing changed: 304 from the server, nothing rewritten, exit 0.
before=$(ls -liR store | md5sum)
day2_version=$(readlink store/current)
sleep 1
nightly 2>day3.err || { cat day3.err; fail "day 3 run failed"; }
contains day3.err "nightly: fetch: 0 export(s) new or changed"
contains day3.err "nightly: nothing changed"
[ "$(readlink store/current)" = "$day2_version" ] || fail "day 3 made a new version"
[ "$(ls -liR store | md5sum)" = "$before" ] || fail "day 3 rewrote something in the store"
tail -2 "$SERVER_LOG" | grep -q "GET /files/fia.csv 304" || fail "day 3 was not a conditional 304"

# A second run while one holds the lock: exit 75 with a message, nothing touched.
flock store/.lock sleep 3 &
locker=$!
sleep 0.3
expect_status 75 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store 2>lock.err"
contains lock.err "nightly: another nightly run holds store/.lock; not starting"
wait $locker
[ "$(readlink store/current)" = "$day2_version" ] || fail "the locked-out run changed the store"

# A failing source: named, non-zero exit, store and tables as they were.
sed "s|$BASE/files/fia.csv|$BASE/fault/500/fia.csv|" sources.json >broken.json
cp served/fia.csv served/fia.csv.bak && printf 'N-999;2022-05-05;FIA;Avslutad;Man;Inte alls;;;\n' >>served/fia.csv
tables_before=$(md5sum <store/current/tables/shares-2022.tsv)
expect_status 75 sh -c "sh '$ROOT/pipelines/nightly' --config broken.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>fail.err"
contains fail.err "ifs-fetch: fia: HTTP 500 (gave up after"
contains fail.err "nightly: FAILED: fetch (see the ifs-fetch lines above for the source); the store and tables are unchanged"
[ "$(readlink store/current)" = "$day2_version" ] || fail "a failed run switched the store"
[ "$(md5sum <store/current/tables/shares-2022.tsv)" = "$tables_before" ] || fail "a failed run changed the tables"
! ls store/versions | grep -q '^\.new' || fail "a failed run left its half-built version"
# An export that cannot be normalised whole: named, store unchanged.
printf 'nonsense\0\0\0binary' >served/fia.csv
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>bad.err"
contains bad.err "nightly: FAILED: source fia: its export could not be read whole; the store and tables are unchanged"
contains bad.err "nightly: fia: ifs-survey: store/raw/fia.export: not a text file"
[ "$(readlink store/current)" = "$day2_version" ] || fail "a bad export switched the store"
# A config whose field holds a newline and unit separators would have injected a
# source reading any file and writing outside the store: refused, nothing written.
python3 - "$BASE" <<'PY' >inject.json
import json, sys
print(json.dumps({"sources": [{"name": "fia", "url": sys.argv[1] + "/files/fia.csv", "kind": "survey",
    "insats": "FIA\x1f\x1f\x1f/etc/hostname\n../../PWNED\x1fsurvey\x1fNOVA\x1f\x1f\x1f/etc/hostname", "group": "avslut"}]}))
PY
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config inject.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>inject.err"
contains inject.err '"insats" holds a control character'
[ "$(readlink store/current)" = "$day2_version" ] || fail "an injected config switched the store"
! ls -R . | grep -q PWNED || fail "an injected source wrote outside the store"
