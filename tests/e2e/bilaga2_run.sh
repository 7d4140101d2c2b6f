# pipelines/bilaga2 over a store made by pipelines/nightly: every table for the year, whole.
. "$TESTLIB"
cd "$T"
printf '{ "sources": [ { "name": "enter", "url": "file://%s/ifs/deltagare-2022.csv", "kind": "survey" } ] }\n' "$FIXTURES" >sources.json
expect_status 66 sh -c "sh '$ROOT/pipelines/bilaga2' --store store --targets '$FIXTURES/targets.json' 2022 2>empty.err"
contains empty.err "bilaga2: store holds no store version yet"
sh "$ROOT/pipelines/nightly" --config sources.json --targets "$FIXTURES/targets.json" --store store --year 2022 2>/dev/null
sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out out 2022 2>run.err >run.out
contains run.err "bilaga2: report year 2022 from v"
# The earlier years' warnings too (why a goal has no comparison), each said once.
contains run.err 'ifs-shares: warning: goal "fia-nytta": no answers from group "avslut" in the period 2017-11-01..2018-10-31'
[ "$(grep -c 'goal "enter-halsa": insats "Enter" does not occur in the health data' run.err)" = 1 ] ||
	fail "a warning said more than once: $(cat run.err)"
# ... also when the report year itself has nothing to warn of
printf '{"goals": [{"id": "fia-nytta", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}]}\n' >fia.json
sh "$ROOT/pipelines/bilaga2" --store store --targets fia.json --out out2 --history 5 2022 2>fia.err >/dev/null ||
	fail "bilaga2 with one goal: $(cat fia.err)"
contains fia.err 'ifs-shares: warning: goal "fia-nytta": no answers from group "avslut" in the period 2017-11-01..2018-10-31'
for f in shares.tsv shares.csv shares.json; do [ -s "out/bilaga2-2022/$f" ] || fail "no $f"; done
ifs-shares -t "$FIXTURES/targets.json" --year 2022 store/current/snapshots/*.rec 2>/dev/null | same_file - out/bilaga2-2022/shares.tsv
awk -F'\t' '$3=="fia-nytta" {print $8, $9, $13}' out/bilaga2-2022/shares.tsv >fia.txt
echo "11 8 within_margin" | same_file - fia.txt
[ "$(stat -c %a out/bilaga2-2022)" = 700 ] || fail "bilaga2 folder mode $(stat -c %a out/bilaga2-2022)"
# The last five years beside it (2018-2022), and the report compares with them.
for f in years.tsv years.csv years.json; do [ -s "out/bilaga2-2022/$f" ] || fail "no $f"; done
[ "$(awk -F'\t' '$3 == "fia-nytta"' out/bilaga2-2022/years.tsv | wc -l)" = 5 ] || fail "years.tsv: not five years of fia-nytta"
head -1 out/bilaga2-2022/years.tsv | cut -f23- >years-header.txt
printf 'prev_share\tdiff\tdiff_ci_low\tdiff_ci_high\n' | same_file - years-header.txt
if [ -s out/bilaga2-2022/bilaga2.md ]; then
	contains out/bilaga2-2022/bilaga2.md "# Bilaga 2 – Måluppfyllelse 2022 (jämfört med 2018–2021)"
	[ -s out/bilaga2-2022/bilaga2.xlsx ] || fail "bilaga2 wrote no workbook"
fi
sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out out1 --history 1 2022 2>/dev/null >/dev/null
[ ! -e out1/bilaga2-2022/years.tsv ] || fail "--history 1 still wrote years"
expect_status 64 sh -c "sh '$ROOT/pipelines/bilaga2' --store store --targets '$FIXTURES/targets.json' tjugo 2>usage.err"
# Runs into one folder at the same time take turns: never a result nested in another.
for round in 1 2 3 4 5 6 7 8; do
	sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out out 2022 >/dev/null 2>&1 &
	sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out out 2022 >/dev/null 2>&1 &
	wait
done
ls -a out/bilaga2-2022 >contents.txt
! grep -q '^\.bilaga2' contents.txt || fail "a work folder was nested in the result: $(cat contents.txt)"
! ls -a out | grep -q '^\.bilaga2-2022\.[0-9]' || fail "a work folder was left behind: $(ls -a out)"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 store/current/snapshots/*.rec 2>/dev/null | same_file - out/bilaga2-2022/shares.tsv
# While another run holds the folder's lock, a run waits for it rather than swap beside it.
exec 8>out/.bilaga2-2022.lock
flock 8
expect_status 124 timeout 2 sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out out 2022
exec 8>&-
# A source the nightly could not read keeps its last good data, marked stale: the yearly
# run says so on standard error, keeps NOTES beside the tables and puts the note above
# the report's tables, as the nightly's HTML has it.
sed 's|deltagare-2022.csv|no-such-export.csv|' sources.json >gone.json
expect_status 66 sh -c "sh '$ROOT/pipelines/nightly' --config gone.json --targets '$FIXTURES/targets.json' --store store --year 2022 2>/dev/null"
sh "$ROOT/pipelines/bilaga2" --store store --targets "$FIXTURES/targets.json" --out stale 2022 2>stale.err >/dev/null ||
	{ cat stale.err; fail "bilaga2 over a store with a stale source failed"; }
contains stale.err "bilaga2: obs: enter: data från"
contains stale/bilaga2-2022/NOTES "enter: data från"
if [ -s stale/bilaga2-2022/bilaga2.md ]; then
	contains stale/bilaga2-2022/bilaga2.md "Obs: enter: data från"
	contains stale/bilaga2-2022/bilaga2.html "Obs:</strong> enter: data från"
fi
lacks run.err "obs:"
[ ! -e out/bilaga2-2022/NOTES ] || fail "NOTES in a run with every source fresh"
