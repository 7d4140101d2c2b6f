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
# The warning the log counts is kept beside the tables, not thrown away.
contains day1.err "nightly: tables: report year 2022, 7 goals, 1 warning(s) (tables/WARNINGS)"
[ "$(wc -l <store/current/tables/WARNINGS)" = 1 ] || fail "tables/WARNINGS should hold the one warning"
contains store/current/tables/WARNINGS "ifs-shares: warning: goal"
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
# Files only: a folder's own time moves when the run makes and removes its work folder.
files_state() { find store -type f -printf '%i %T@ %s %p\n' | sort | md5sum; }
before=$(files_state)
day2_version=$(readlink store/current)
sleep 1
nightly 2>day3.err || { cat day3.err; fail "day 3 run failed"; }
contains day3.err "nightly: fetch: 0 export(s) new or changed"
contains day3.err "nightly: nothing changed"
[ "$(readlink store/current)" = "$day2_version" ] || fail "day 3 made a new version"
[ "$(files_state)" = "$before" ] || fail "day 3 rewrote something in the store"
tail -2 "$SERVER_LOG" | grep -q "GET /files/fia.csv 304" || fail "day 3 was not a conditional 304"

# A second run while one holds the lock: exit 75 with a message, nothing touched.
exec 8>>store/.lock
flock 8
expect_status 75 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store 2>lock.err"
contains lock.err "nightly: another nightly run holds store/.lock; not starting"
exec 8>&-
[ "$(readlink store/current)" = "$day2_version" ] || fail "the locked-out run changed the store"

# After an upgrade that changed the record stream format: an unchanged export whose
# snapshot is of the old version is normalised again, not reused (simulated by writing
# version 1 into enter's snapshot, a copy, so the older versions keep theirs).
cp store/current/snapshots/enter.rec old-format.rec
python3 - old-format.rec <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
b[4:6] = b"\x01\x00"
b[20:24] = struct.pack("<I", zlib.crc32(bytes(b[0:20])))
open(sys.argv[1], "wb").write(b)
PY
mv old-format.rec store/current/snapshots/enter.rec
expect_status 65 ifs-dump store/current/snapshots/enter.rec >/dev/null 2>old-format.err
contains old-format.err "a record stream of version 1"
nightly 2>upgrade.err || { cat upgrade.err; fail "the run after an upgrade failed"; }
contains upgrade.err "nightly: normalise: enter:"
lacks upgrade.err "normalise: fia:"
ifs-dump store/current/snapshots/enter.rec >/dev/null || fail "enter's snapshot is still of the old format"
day2_version=$(readlink store/current)

# A failing source does not hold back the others: the new version has enter's new
# answers, fia's last good snapshot (the same file), marked stale in its provenance,
# in NOTES and above the HTML tables; the run still exits non-zero for cron.
sed "s|$BASE/files/fia.csv|$BASE/fault/500/fia.csv|" sources.json >broken.json
cp served/fia.csv served/fia.csv.bak
cp "$FIXTURES/ifs/deltagare-2022.csv" enter-before.csv
expect_status 75 sh -c "sh '$ROOT/pipelines/nightly' --config broken.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>fail.err"
contains fail.err "nightly: fia: ifs-fetch: fia: HTTP 500 (gave up after"
contains fail.err "nightly: source fia: FAILED: fetch failed: fia: HTTP 500"
contains fail.err "nightly: source fia: its snapshot with data from $(date -u +%Y-%m-%d) stays in use, marked stale"
contains fail.err "nightly: FAILED: 1 source(s) could not be used tonight"
stale_version=$(readlink store/current)
[ "$stale_version" != "$day2_version" ] || fail "the sources that could be read were not used"
[ "$(stat -c %i store/current/snapshots/fia.rec)" = "$(stat -c %i "store/$day2_version/snapshots/fia.rec")" ] ||
	fail "the failing source's last good snapshot was not kept"
grep -q "^stale	fetch failed: fia: HTTP 500" store/current/snapshots/fia.prov || fail "no stale mark in fia.prov"
lacks store/current/snapshots/enter.prov "stale"
contains store/current/tables/NOTES "fia: data från $(date -u +%Y-%m-%d) (den senaste exporten kunde inte läsas)"
contains store/current/tables/shares-2022.html "Obs:</strong> fia: data från"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 store/current/snapshots/*.rec 2>/dev/null |
	same_file - store/current/tables/shares-2022.tsv
! ls store/versions | grep -q '^\.new' || fail "a failed run left its half-built version"

# An export that cannot be read whole, and one whose every row is rejected: each fails
# its source like an unreachable one; messages point at files that exist afterwards.
printf 'nonsense\0\0\0binary' >served/fia.csv
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>bad.err"
contains bad.err "nightly: source fia: FAILED: its export could not be read whole"
contains bad.err "nightly: fia: ifs-survey: store/raw/fia.export: not a text file"
grep -q "^stale	its export could not be read whole" store/current/snapshots/fia.prov || fail "no stale mark after a bad export"
head -1 served/fia.csv.bak >served/fia.csv
tail -n +2 served/fia.csv.bak | sed 's/;Avslutad;/;Okänd grupp;/' >>served/fia.csv
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>rejected.err"
contains rejected.err "nightly: source fia: FAILED: every row of its export was rejected"
[ "$(fia_records)" = 52 ] || fail "a wholly rejected export replaced the last good snapshot"
for line in $(grep -o "see [^ ]*\.tsv" bad.err rejected.err fail.err | sed 's/.*see //'); do
	[ -f "$line" ] || fail "a log line points at $line, which does not exist"
done

# The export is back: the stale mark goes, exit 0.
cp served/fia.csv.bak served/fia.csv
nightly 2>back.err || { cat back.err; fail "the run after the failure failed"; }
lacks store/current/snapshots/fia.prov "stale"
[ ! -s store/current/tables/NOTES ] || fail "NOTES kept a note after the source came back"

# A download cut short: the exports are cumulative, so one with fewer records than the last
# snapshot is refused like an unreadable one (the last good snapshot stays, marked stale,
# exit 65), whether it was cut at a line end (every row good: 6 of 13 questionnaires) or
# inside a row (that row rejected too).  --allow-shrink takes it for one run.
head -n 7 served/fia.csv.bak >served/fia.csv
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>short.err"
contains short.err "nightly: source fia: FAILED: its export has 24 records, the last snapshot 52: cut short? (if rows were really removed at the source, run once with --allow-shrink fia)"
[ "$(fia_records)" = 52 ] || fail "an export cut short replaced the last good snapshot"
grep -q "^stale	its export has 24 records" store/current/snapshots/fia.prov || fail "no stale mark after an export cut short"
contains store/current/tables/NOTES "fia: data från"
head -c "$(($(head -n 9 served/fia.csv.bak | wc -c) - 20))" served/fia.csv.bak >served/fia.csv
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config sources.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>cut.err"
contains cut.err "nightly: source fia: FAILED: its export has 28 records, the last snapshot 52"
[ "$(fia_records)" = 52 ] || fail "an export cut inside a row replaced the last good snapshot"
head -n 7 served/fia.csv.bak >served/fia.csv
nightly --allow-shrink fia 2>allowed.err || { cat allowed.err; fail "--allow-shrink did not take the smaller export"; }
contains allowed.err "nightly: source fia: 24 records, 52 before: taken, as --allow-shrink fia says"
[ "$(fia_records)" = 24 ] || fail "--allow-shrink: $(fia_records) records, expected 24"
cp served/fia.csv.bak served/fia.csv
nightly 2>grown.err || { cat grown.err; fail "the run after --allow-shrink failed"; }
[ "$(fia_records)" = 52 ] || fail "the whole export back: $(fia_records) records, expected 52"
lacks store/current/snapshots/fia.prov "stale"
day2_version=$(readlink store/current)

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

# A key change normalises every source again, so snapshots never mix pseudonyms of
# two keys; the provenance names the key by its fingerprint, never the key.
head -c 32 /dev/urandom >k1 && chmod 600 k1
head -c 32 /dev/urandom >k2 && chmod 600 k2
sed 's|"sources": \[|"sources": [ { "name": "halsa", "url": "file://'"$FIXTURES"'/health/enter-2022.csv", "kind": "health" },|' \
	sources.json >with-health.json
keyed() { sh "$ROOT/pipelines/nightly" --config with-health.json --targets "$FIXTURES/targets.json" --store store --year 2022 "$@"; }
keyed --key-file k1 2>k1.err || { cat k1.err; fail "the run with key 1 failed"; }
contains k1.err "nightly: normalise: fia:"
contains k1.err "nightly: normalise: enter:"
fp1=$(ifs-health --key-file k1 --key-fingerprint)
grep -qx "key_fingerprint	$fp1" store/current/snapshots/halsa.prov || fail "no key fingerprint in the provenance"
keyed --key-file k1 2>k1-again.err
contains k1-again.err "nightly: nothing changed"
keyed --key-file k2 2>k2.err || { cat k2.err; fail "the run with key 2 failed"; }
contains k2.err "nightly: normalise: halsa:"
contains k2.err "nightly: normalise: enter:"
grep -qx "key_fingerprint	$(ifs-health --key-file k2 --key-fingerprint)" store/current/snapshots/fia.prov ||
	fail "a snapshot kept the old key's fingerprint"

# Raw exports hold personnummer: with --keep-raw-days 0 they are gone once normalised,
# the .meta (validators, sha256) stays, and no written form of an identifier is
# anywhere in the store; the next run fetches again and finds nothing changed.
keyed --key-file k2 --keep-raw-days 0 2>raw0.err || { cat raw0.err; fail "the run with --keep-raw-days 0 failed"; }
! ls store/raw/*.export >/dev/null 2>&1 || fail "raw exports kept: $(ls store/raw)"
[ -f store/raw/halsa.export.meta ] || fail "the .meta went with the export"
while read -r id; do
	! grep -rqaF -- "$id" store || fail "the store holds an identifier"
done <"$FIXTURES/health/identifiers.txt"
keyed --key-file k2 --keep-raw-days 0 2>raw0-again.err || { cat raw0-again.err; fail "the run after the raw exports went failed"; }
contains raw0-again.err "nightly: nothing changed"

# A sources file ifs-fetch refuses is said as such (ifs-fetch's reason, then the nightly's),
# and nothing is touched.
printf '{ "sources": [ { "name": "fia", "url": "file:///dev/null", "kind": "survey", "bogus": 1 } ] }\n' >bad-config.json
expect_status 65 sh -c "sh '$ROOT/pipelines/nightly' --config bad-config.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>bad-config.err"
contains bad-config.err 'bad-config.json: source 1: unknown key "bogus"'
contains bad-config.err "nightly: FAILED: cannot read bad-config.json; the store and tables are unchanged"
