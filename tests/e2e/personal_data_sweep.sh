# A personnummer typed into any column — not only the participant column — never
# leaves a tool: not in records, stderr, reject files, shares in any format, or
# reports.  Each export below has, on its data row k, a personnummer (or
# samordningsnummer) in column k, in one written form per run.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
mkdir in

# Every written form of two numbers: one personnummer, one samordningsnummer (day + 60).
forms="19800101-9200 198001019200 800101-9200 8001019200 800101+9200 19800101_9200 800101_-_9200
19800161-3572 198001613572 800161-3572 8001613572"
# The damage Excel does: the leading zero of a ten-digit form lost.
forms="$forms 0401019208 401019208"
# Word's en dash, digits in groups, other separators people type.
forms="$forms 800101–9200 1980-01-01-9200 80-01-01-9200 19_80_01_01_92_00 19800101.9200 800101/9200"

# sweep FIXTURE FORM OUT: row k of FIXTURE with its column k replaced by FORM.
sweep() {
	python3 - "$1" "$(echo "$2" | tr _ ' ')" "$3" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f, delimiter=";"))
for k in range(len(rows[0])):
    rows[1 + k][k] = sys.argv[2]
with open(sys.argv[3], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, delimiter=";", lineterminator="\n").writerows(rows)
PY
}

n=0
for form in $forms; do
	# Files are named by the form's place in the list: a name holding the number would be found below.
	n=$((n + 1))
	name=form$n
	sweep "$FIXTURES/ifs/deltagare-2022.csv" "$form" "in/ifs-$name.csv"
	sweep "$FIXTURES/health/enter-2022.csv" "$form" "in/health-$name.csv"
	set +e
	ifs-survey --rejects "ifs-$name.rejects" "in/ifs-$name.csv" >"ifs-$name.rec" 2>"ifs-$name.err"
	ifs-survey --key-file key --rejects "ifs-keyed-$name.rejects" "in/ifs-$name.csv" >"ifs-keyed-$name.rec" 2>"ifs-keyed-$name.err"
	ifs-health --key-file key --rejects "health-$name.rejects" "in/health-$name.csv" >"health-$name.rec" 2>"health-$name.err"
	set -e
	for rec in "ifs-$name" "ifs-keyed-$name" "health-$name"; do
		ifs-dump "$rec.rec" >"$rec.dump" 2>"$rec.dump.err" || fail "$rec.rec is not a complete stream: $(cat "$rec.dump.err")"
		targets="$FIXTURES/targets.json"
		for format in tsv json csv-sv; do
			ifs-shares -t "$targets" --year 2022 --format "$format" "$rec.rec" >"$rec.shares.$format" 2>>"$rec.shares.err"
		done
		ifs-report "$rec.shares.json" >"$rec.md" 2>>"$rec.report.err"
		ifs-report --format html "$rec.shares.json" >"$rec.html" 2>>"$rec.report.err"
	done
done

# The sweep must have reached the tools: the date column's number was refused, by
# its reason, with the number masked; and the insats column's number was refused.
contains ifs-form1.err 'bad answer date "[id removed]"'
contains health-form1.err 'bad date "[id removed]"'
contains ifs-form1.err 'the insats column holds a personnummer'
contains health-form1.err 'the insats column holds a personnummer'
contains health-form4.err 'unknown occasion "[id removed]"'
contains ifs-form4.err 'unknown gender "[id removed]"'

# The nightly store, over every swept export (raw exports deleted once normalised).
{
	printf '{ "sources": [\n'
	i=0
	for f in in/*.csv; do
		i=$((i + 1))
		kind=survey; case $f in in/health-*) kind=health ;; esac
		[ "$i" = 1 ] || printf ',\n'
		printf '  { "name": "s%d", "url": "file://%s/%s", "kind": "%s" }' "$i" "$T" "$f" "$kind"
	done
	printf ' ] }\n'
} >sources.json
set +e
sh "$ROOT/pipelines/nightly" --config sources.json --targets "$FIXTURES/targets.json" --store store --year 2022 \
	--key-file key --keep-raw-days 0 2>nightly.err
set -e
[ -L store/current ] || { cat nightly.err; fail "the nightly made no store"; }
[ "$(ls store/current/snapshots/*.rec | wc -l)" -ge 20 ] || fail "the nightly store lacks snapshots"
cp nightly.err store/nightly.log

# Nothing holds any form of either number, nor its birth-date-and-number core.
# Up to three bytes of anything between the pairs of digits: every form above.
number='80[^0-9]{0,3}01[^0-9]{0,3}01[^0-9]{0,3}92[^0-9]{0,3}00|80[^0-9]{0,3}01[^0-9]{0,3}61[^0-9]{0,3}35[^0-9]{0,3}72|401019208'
found=$(LC_ALL=C grep -rlaE "$number" store || true)
[ -z "$found" ] || fail "a personnummer reached the nightly store: $found"
found=$(LC_ALL=C grep -alE "$number" -- *.* || true)
[ -z "$found" ] || fail "a personnummer reached: $found"
ls *.rec *.err *.rejects *.md *.html *.shares.* | wc -l >files.count
[ "$(cat files.count)" -ge 200 ] || fail "the sweep wrote too few files: $(cat files.count)"

# A workbook's sheet named after a person: its name is quoted in -v and in the warning
# about other sheets, scrubbed like any cell.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	/usr/bin/python3 - sheet-name.xlsx <<'PY'
import sys
import openpyxl
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "850101-0006"
sheet.append(["Respondent-ID", "Svarsdatum", "Insats", "Enkät", "Fråga 1"])
sheet.append(["R-1", "2022-03-01", "FIA", "Avslutad", "Inte alls"])
book.create_sheet("Blad2").append(["x"])
book.save(sys.argv[1])
PY
	ifs-survey -v sheet-name.xlsx >/dev/null 2>sheet-name.err || fail "the workbook with a sheet named after a person"
	contains sheet-name.err 'only the first sheet, "[id removed]", is read'
	lacks sheet-name.err "850101-0006"
fi

# A participant's own code typed into other columns (an item, the insats) is not
# shown in a message or a reject file, nor stored as the insats's name.
printf 'Deltagare;Datum;Insats;Tillfälle;Kön;VAS\nANNA-SVENSSON;2022-02-01;Enter;Inskrivning;Kvinna;ANNA-SVENSSON\nANNA-SVENSSON;2022-09-01;anna-svensson ;Avslut;Kvinna;70\n' >code.csv
expect_status 65 sh -c "ifs-health --key-file key --rejects code.rejects code.csv >code.rec 2>code.err"
contains code.err 'code.csv:2: column 6 (vas): unknown answer "[id removed]"'
contains code.err "code.csv:3: the insats column holds a personnummer or the participant's id"
lacks code.err "ANNA"
lacks code.rejects "ANNA"
lacks code.rejects "anna"
ifs-dump --health code.rec >code.dump
lacks code.dump "anna"

# A JSON export that escapes every non-ASCII character (PHP's and Python's default): a
# personnummer written with an escaped en dash is masked in the kept row all the same.
printf '[{"Deltagare":"19850312\\u20131231","Datum":"2022-02-01","Insats":"Enter","Tillf\\u00e4lle":"Inskrivning","VAS":"x"}]\n' >escaped.json
expect_status 65 sh -c "ifs-health --key-file key --rejects escaped.rejects escaped.json >/dev/null 2>escaped.err"
contains escaped.rejects '{"Deltagare":"[id removed]","Datum":"2022-02-01"'
lacks escaped.rejects "1231"
lacks escaped.err "1231"
# ifs-survey refuses it too: a participant's code in the insats column is not stored as a name.
printf 'Deltagar-ID;Svarsdatum;Insats;Enkät;Kön;Fråga 1\nP14;2022-03-01;P14;Avslutad;Kvinna;Helt och hållet\nP15;2022-03-02;FIA;Avslutad;Man;Inte alls\n' >code-survey.csv
expect_status 65 sh -c "ifs-survey --key-file key code-survey.csv >code-survey.rec 2>code-survey.err"
contains code-survey.err "code-survey.csv:2: the insats column holds a personnummer or the participant's id"
! LC_ALL=C grep -aq "P14" code-survey.rec || fail "a participant's code was stored as an insats name"
