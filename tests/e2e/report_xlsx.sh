# ifs-report --format xlsx: a workbook written with libxlsxwriter, read back with openpyxl
# (Debian's python3-openpyxl, a reader that owes nothing to the writer) and every number
# compared with ifs-shares' own TSV.
. "$TESTLIB"
cd "$T"
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
head -c 32 /dev/urandom >key && chmod 600 key
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" >health.rec 2>/dev/null
cat ifs.rec health.rec >both.rec
ifs-shares -t "$FIXTURES/targets.json" --year 2022 both.rec >shares.tsv 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json both.rec >shares.json 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --years 2021-2023 --format json both.rec >years.json 2>/dev/null
ifs-report --format xlsx -o bilaga2.xlsx shares.json || fail "ifs-report --format xlsx failed"
ifs-report --format xlsx -o years.xlsx years.json || fail "ifs-report --format xlsx failed on --years input"
[ "$(stat -c %a bilaga2.xlsx)" = 600 ] || fail "the workbook is readable by others"
expect_status 64 sh -c "ifs-report --format xlsx shares.json >/dev/null 2>noout.err"
contains noout.err "--format xlsx needs -o FILE"
py=/usr/bin/python3
if ! "$py" -c 'import openpyxl' 2>/dev/null; then
	[ -z "${IFS_REQUIRE_BROWSER:-}" ] || fail "python3-openpyxl is not installed"
	echo "SKIP: python3-openpyxl not installed (apt-get install python3-openpyxl)" >&2
	exit 0
fi
"$py" - bilaga2.xlsx shares.tsv <<'PY' >check.txt || fail "the workbook does not read back"
import csv, sys
import openpyxl
book = openpyxl.load_workbook(sys.argv[1])
print(book.sheetnames)
tsv = list(csv.DictReader(open(sys.argv[2], encoding="utf-8"), delimiter="\t"))
texts = {}
import json
for row in json.load(open("shares.json"))["rows"]:
    texts[row["text"]] = row["goal"]
by_goal = {r["goal"]: r for r in tsv}
checked = 0
for name in book.sheetnames[:-1]:
    sheet = book[name]
    assert sheet["A4"].value == "Mål" and sheet["F4"].value == "Andel", name
    for row in sheet.iter_rows(min_row=5):
        if row[0].value not in texts:
            continue
        t = by_goal[texts[row[0].value]]
        n, share, low, high = row[2].value, row[5].value, row[9].value, row[10].value
        assert n == int(t["n"]), (name, n, t["n"])
        if t["share"]:
            assert row[5].number_format == "0.0%" and isinstance(share, (int, float))
            assert "%.4f" % share == t["share"] and "%.4f" % low == t["ci_low"] and "%.4f" % high == t["ci_high"]
        colour = row[11].fill.fgColor.rgb
        assert colour[-6:] == {"met": "C7E9C0", "within_margin": "FFF3B0", "not_met": "FCBBA1",
                               "too_few": "E0E0E0", "none": "FFFFFF"}[t["verdict"]], (t["goal"], colour)
        checked += 1
raw = book["Underlag"]
rows = list(raw.iter_rows(min_row=2, values_only=True))
assert len(rows) == len(tsv)
for r, t in zip(rows, tsv):
    assert r[2] == t["goal"] and r[7] == int(t["n"]) and (t["share"] == "" or "%.4f" % r[9] == t["share"])
print(checked, "goals checked,", len(rows), "rows under Underlag")
PY
same_file - check.txt <<'END'
['FIA', 'Enter', 'NOVA', 'Underlag']
7 goals checked, 7 rows under Underlag
END
# --years input: the years side by side on each insats' sheet.
"$py" - years.xlsx <<'PY' >years.txt || fail "the years workbook does not read back"
import sys
import openpyxl
sheet = openpyxl.load_workbook(sys.argv[1])["FIA"]
years = False
for row in sheet.iter_rows(values_only=True):
    if row[0] == "År för år (andel och n)":
        years = True
    elif years and row[0] == "Mål":
        print(row[:7])
    elif years and isinstance(row[0], str) and row[0].startswith("75 % av avslutade deltagare ur FIA ska ange klart positiva svar på frågan om stöd"):
        # each year's share (a number, as a percent), then its n
        print(["%.4f" % c if i % 2 == 0 and isinstance(c, (int, float)) else c for i, c in enumerate(row[1:7])])
PY
same_file - years.txt <<'END'
('Mål', 2021, 'n', 2022, 'n', 2023, 'n')
['0.0000', 1, '0.7273', 11, '1.0000', 1]
END
# Underlag has every column of the TSV, the change from the year before too, as numbers.
ifs-shares -t "$FIXTURES/targets.json" --years 2021-2023 both.rec >years.tsv 2>/dev/null
"$py" - years.xlsx years.tsv <<'PY' || fail "Underlag of the years workbook is not the TSV"
import csv, sys
import openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1])["Underlag"].iter_rows(values_only=True))
tsv = list(csv.reader(open(sys.argv[2], encoding="utf-8"), delimiter="\t"))
assert list(rows[0]) == tsv[0], (rows[0], tsv[0])
assert len(rows) == len(tsv)
numbers = 0
for r, t in zip(rows[1:], tsv[1:]):
    for c in range(20, len(t)):
        if t[c]:
            assert isinstance(r[c], (int, float)) and abs(r[c] - float(t[c])) < 5e-5, (tsv[0][c], r[c], t[c])
            numbers += 1
        else:
            assert r[c] is None, (tsv[0][c], r[c])
assert numbers > 0, "no change from a year before to check"
PY
# LibreOffice Calc opens the workbook as a user's spreadsheet program would (headless,
# converting every sheet to CSV), and finds the same numbers as the TSV.
if ! command -v soffice >/dev/null; then
	[ -z "${IFS_REQUIRE_BROWSER:-}" ] || fail "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
	echo "SKIP: LibreOffice not installed (apt-get install libreoffice-calc-nogui)" >&2
	exit 0
fi
mkdir -p lo && cp bilaga2.xlsx lo/
# 59 = ';', 34 = '"', 76 = UTF-8, values not as shown (full precision), every sheet (-1)
(cd lo && HOME="$T/lo" timeout 300 soffice -env:UserInstallation="file://$T/lo/profile" --headless \
	--convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1' bilaga2.xlsx \
	>convert.log 2>&1) || { cat lo/convert.log; fail "LibreOffice could not open the workbook"; }
for sheet in FIA Enter NOVA Underlag; do [ -s "lo/bilaga2-$sheet.csv" ] || fail "LibreOffice found no sheet $sheet"; done
sed -n 4p lo/bilaga2-FIA.csv | cut -d';' -f1-6 >lo-header.txt
echo "Mål;Indikator;n;n kvinnor;n män;Andel" | same_file - lo-header.txt
awk -F';' 'NR > 1 { printf "%s %s %s %.4f %s\n", $3, $8, $9, $10, $13 }' lo/bilaga2-Underlag.csv >lo-rows.txt
awk -F'\t' 'NR > 1 { printf "%s %s %s %.4f %s\n", $3, $8, $9, $10, $13 }' shares.tsv | same_file - lo-rows.txt
[ "$(wc -l <lo-rows.txt)" = 7 ] || fail "LibreOffice read $(wc -l <lo-rows.txt) rows under Underlag, not 7"

# Goals that name one insats in two cases ("FIA", "fia") are one insats, as ifs-shares
# matches them: one section, one sheet (Excel's sheet names are one in any case).
python3 - "$FIXTURES/targets.json" cased.json <<'PY'
import json, sys
targets = json.load(open(sys.argv[1], encoding="utf-8"))
for goal in targets["goals"]:
    if goal["id"] == "fia-tillvara":
        goal["insats"] = "fia"
json.dump(targets, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
ifs-shares -t cased.json --year 2022 --format json both.rec >cased-shares.json 2>/dev/null
ifs-report cased-shares.json >cased.md
[ "$(grep -ci '^## fia' cased.md)" = 1 ] || fail "FIA and fia made $(grep -ci '^## fia' cased.md) sections"
ifs-report --format xlsx -o cased.xlsx cased-shares.json 2>cased.err || { cat cased.err; fail "FIA and fia failed the workbook"; }
if "$py" -c 'import openpyxl' 2>/dev/null; then
	"$py" -c 'import openpyxl, sys; print(" ".join(openpyxl.load_workbook(sys.argv[1]).sheetnames))' cased.xlsx >cased-sheets.txt
	grep -q "^FIA " cased-sheets.txt || fail "sheets: $(cat cased-sheets.txt)"
	! grep -qi " fia" cased-sheets.txt || fail "a second FIA sheet: $(cat cased-sheets.txt)"
fi
