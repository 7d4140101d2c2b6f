# Text that reaches a report or a spreadsheet from a file someone sent (a targets file,
# a shares JSON): never markup, never a formula, and a verdict that is not one is refused.
. "$TESTLIB"
cd "$T"
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
python3 - "$FIXTURES/targets.json" <<'PY' >hostile-targets.json
import json, sys
t = json.load(open(sys.argv[1]))
t["goals"][0]["id"] = '=HYPERLINK("http://example.invalid/","klicka")'
t["goals"][0]["text"] = '<img src=x onerror=alert(1)> **fet** [länk](javascript:alert(2)) | cell'
t["goals"].append(dict(t["goals"][1], id="+g3", insats="@SUM(1+1)"))
t["goals"].append(dict(t["goals"][1], id="-2+3", insats="Enter"))
print(json.dumps(t))
PY
ifs-shares -t hostile-targets.json --year 2022 --format csv-sv ifs.rec >hostile.csv 2>/dev/null
contains hostile.csv "\"'=HYPERLINK(\"\"http://example.invalid/\"\",\"\"klicka\"\")\""
contains hostile.csv "\"'@SUM(1+1)\";\"'+g3\""
contains hostile.csv "\"'-2+3\""
# No cell of the Swedish CSV starts with a formula character.
python3 - hostile.csv <<'PY' || fail "a csv-sv cell starts with a formula character"
import csv, sys
text = open(sys.argv[1], encoding="utf-8-sig").read()
bad = [c for row in csv.reader(text.splitlines(), delimiter=";") for c in row if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:2].isdigit())]
sys.exit(1 if bad else 0)
PY

ifs-shares -t hostile-targets.json --year 2022 --format json ifs.rec >hostile.json 2>/dev/null
ifs-report hostile.json >hostile.md
ifs-report --format html hostile.json >hostile.html
lacks hostile.md "<img"
contains hostile.md "&lt;img src=x onerror=alert(1)&gt; \\*\\*fet\\*\\* \\[länk\\](javascript:alert(2)) \\| cell"
lacks hostile.html "<img"
contains hostile.html "&lt;img src=x onerror=alert(1)&gt;"

# A period or verdict that is not one: the period is escaped, the verdict refused.
python3 - hostile.json <<'PY' >period.json
import json, sys
d = json.load(open(sys.argv[1]))
d["period"] = {"kind": "range", "from": "<script>alert(1)</script>", "to": "2022-12-31"}
print(json.dumps(d))
PY
ifs-report --format html period.json >period.html
ifs-report period.json >period.md
lacks period.html "<script>alert"
lacks period.md "<script>"
python3 - hostile.json <<'PY' >verdict.json
import json, sys
d = json.load(open(sys.argv[1]))
d["rows"][0]["verdict"] = 'x"><script>alert(3)</script>'
print(json.dumps(d))
PY
expect_status 65 sh -c "ifs-report --format html verdict.json >verdict.html 2>verdict.err"
contains verdict.err "row 1: verdict must be met, within_margin, not_met, too_few or none"

# A goal with no answers at all says "Inga svar", with one note that says why, not
# "För få svar" and three notes about small numbers.
grep '^| 75 % av deltagarna ska vid avslut uppleva' hostile.md >no-data-row.txt
contains no-data-row.txt "| 0 (0 / 0) [1] |  | – / – | 75 % |  | Inga svar |"
contains hostile.md "[1] Inga svar i underlaget för denna insats och fråga: kontrollera målfilen."
contains hostile.md "Det finns inga svar att bedöma målet på."
lacks no-data-row.txt "För få svar"
