# kill -9 at random moments in 50 runs of pipelines/nightly: the store and its tables are
# always the old or the new version whole — checked by reading every snapshot through its
# CRCs, by record counts, and by recomputing the tables from the snapshots they sit beside.
. "$TESTLIB"
cd "$T"
mkdir -p served
printf '{ "sources": [\n  { "name": "fia", "url": "file://%s/served/fia.csv", "kind": "survey" },\n  { "name": "enter", "url": "file://%s/ifs/deltagare-2022.csv", "kind": "survey" } ] }\n' \
	"$T" "$FIXTURES" >sources.json
# (The export flips between day 1 and day 2, 40 and 52 records: --allow-shrink takes the
# smaller one, which a night would refuse as cut short.)
run() { sh "$ROOT/pipelines/nightly" --config sources.json --targets "$FIXTURES/targets.json" --store store --year 2022 --allow-shrink fia; }
check_store() {
	[ -L store/current ] || return 0 # killed before the first version existed
	dir="store/$(readlink store/current)"
	[ -d "$dir" ] || fail "run $1: current points to a missing version"
	fia=$(ifs-dump "$dir/snapshots/fia.rec" 2>dump.err | tail -n +2 | wc -l | tr -d ' ')
	[ ! -s dump.err ] || fail "run $1: fia snapshot unreadable: $(cat dump.err)"
	case $fia in 40|52) ;; *) fail "run $1: fia snapshot holds $fia records (40 or 52 expected)" ;; esac
	grep -qx "records	$fia" "$dir/snapshots/fia.prov" || fail "run $1: provenance disagrees with the snapshot"
	enter=$(ifs-dump "$dir/snapshots/enter.rec" 2>dump.err | tail -n +2 | wc -l | tr -d ' ')
	[ "$enter" = 148 ] && [ ! -s dump.err ] || fail "run $1: enter snapshot holds $enter records"
	ifs-shares -t "$FIXTURES/targets.json" --year 2022 "$dir"/snapshots/*.rec 2>/dev/null >recomputed.tsv
	same_file recomputed.tsv "$dir/tables/shares-2022.tsv"
}
# Kill moments are drawn from the length of a whole run measured on this machine,
# so that most kills land mid-run however fast or slow the machine is.
cp "$FIXTURES/nightly/fia-day2.csv" served/fia.csv
started=$(date +%s%N)
run 2>>runs.log || fail "the measuring run failed"
run_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$run_ms" -ge 5 ] || run_ms=5
echo "a whole run takes $run_ms ms here" >&2
check_store 0
# Runs go on until 50 were killed mid-way: a run that finished before its kill moment
# narrows the range the moments are drawn from, so a fast or a loaded machine tests as
# many kills as any other.
killed=0 i=0 range_ms=$run_ms
while [ "$killed" -lt 50 ]; do
	i=$((i + 1))
	[ "$i" -le 400 ] || fail "only $killed of 400 runs could be killed mid-way"
	# Every run has work to do: the export flips between day 1 and day 2.
	if [ $((i % 2)) = 0 ]; then cp "$FIXTURES/nightly/fia-day2.csv" served/fia.csv; else cp "$FIXTURES/nightly/fia-day1.csv" served/fia.csv; fi
	delay_ms=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % range_ms ))
	setsid sh "$ROOT/pipelines/nightly" --config sources.json --targets "$FIXTURES/targets.json" --store store --year 2022 \
		--allow-shrink fia 2>>runs.log &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	if /bin/kill -9 -- "-$pid" 2>/dev/null; then
		killed=$((killed + 1))
	else
		range_ms=$((range_ms * 3 / 4 + 1))
	fi
	wait "$pid" 2>/dev/null || true
	check_store "$i"
done
echo "killed 50 runs mid-way in $i runs" >&2
# After all that, a clean run recovers, and removes what the killed runs left behind.
run 2>final.err || { cat final.err; fail "the run after the kills failed"; }
check_store final
! ls -a store/versions | grep -q '^\.new' || fail "half-built versions left behind"
[ ! -e store/current.new ] || fail "a half-made link left behind"
[ "$(ls store/versions | wc -l)" -le 2 ] || fail "old versions are not cleaned up: $(ls store/versions)"
