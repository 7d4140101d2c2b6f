# ifs-shares --years: one row per goal and year, and the change from the previous listed
# year with Newcombe's hybrid score interval (method 10).  FIA nytta, klart positivt, worked
# out by hand (and checked against an independent calculation):
#   mätår 2019: 9 of 10 = 0.9000          2020: 3 of 10 = 0.3000
#     diff -0.6000, interval -0.8090 .. -0.1705: larger than the margin (0 outside)
#   2021: no answers (n = 0): no share, no diff; 2022's diff is empty too (its previous year has n = 0)
#   2022: 9 of 12 = 0.7500                2023: 8 of 12 = 0.6667
#     diff -0.0833, interval -0.4029 .. 0.2599: within the margin (0 inside)
. "$TESTLIB"
cd "$T"
{
	printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Fråga 1\n'
	row() { printf 'Y%s-%s;%s;FIA;Avslutad;%s;%s\n' "$1" "$2" "$3" "$4" "$5"; }
	for i in 1 2 3 4 5 6 7 8 9; do row 2019 $i 2019-03-01 Kvinna 'Helt och hållet'; done
	row 2019 10 2019-03-01 Man 'Inte alls'
	for i in 1 2 3; do row 2020 $i 2020-03-01 Man 'Till mycket stor del'; done
	for i in 4 5 6 7 8 9 10; do row 2020 $i 2020-03-01 Kvinna 'Till viss del'; done
	for i in 1 2 3 4 5 6 7 8 9; do row 2022 $i 2022-03-01 Man 'Helt och hållet'; done
	for i in 10 11 12; do row 2022 $i 2022-03-01 Kvinna 'Inte alls'; done
	for i in 1 2 3 4 5 6 7 8; do row 2023 $i 2023-03-01 Kvinna 'Till mycket stor del'; done
	for i in 9 10 11 12; do row 2023 $i 2023-03-01 Man 'Till liten del'; done
} >years.csv
ifs-survey years.csv >years.rec 2>/dev/null || fail "ifs-survey failed on the years fixture"
ifs-shares -t "$FIXTURES/targets.json" --years 2019-2023 years.rec >years.tsv 2>years.err || { cat years.err; fail "--years failed"; }
head -1 years.tsv | cut -f20- >header.txt
printf 'flags\tended\tresponse_rate\tprev_share\tdiff\tdiff_ci_low\tdiff_ci_high\n' | same_file - header.txt
awk -F'\t' '$3 == "fia-nytta" {print $1, $8, $9, $10, $23, $24, $25, $26}' years.tsv >fia.txt
same_file - fia.txt <<'END'
2018-11-01..2019-10-31 10 9 0.9000    
2019-11-01..2020-10-31 10 3 0.3000 0.9000 -0.6000 -0.8090 -0.1705
2020-11-01..2021-10-31 0 0     
2021-11-01..2022-10-31 12 9 0.7500    
2022-11-01..2023-10-31 12 8 0.6667 0.7500 -0.0833 -0.4029 0.2599
END
# A list of years compares with the previous listed year: 2019 and 2023 only.
ifs-shares -t "$FIXTURES/targets.json" --years 2019,2023 years.rec 2>/dev/null |
	awk -F'\t' '$3 == "fia-nytta" {print $10, $23, $24, $25, $26}' >listed.txt
python3 -c "
import math
def wilson(x, n, z=1.959963984540054):
    p = x / n; d = 1 + z * z / n; c = p + z * z / (2 * n); r = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - r) / d, (c + r) / d
p1, p2 = 8 / 12, 9 / 10
(l1, u1), (l2, u2) = wilson(8, 12), wilson(9, 10)
d = p1 - p2
print('0.9000    ')
print('%.4f %.4f %.4f %.4f %.4f' % (p1, p2, d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))
" | same_file - listed.txt
# JSON carries the same per row, and the years listed.
ifs-shares -t "$FIXTURES/targets.json" --years 2019-2023 --format json years.rec 2>/dev/null >years.json
python3 - years.json <<'PY' >json.txt
import json, sys
doc = json.load(open(sys.argv[1]))
print(doc["years"])
for r in doc["rows"]:
    if r["goal"] == "fia-nytta":
        print(r["period"], *[None if r[k] is None else "%.4f" % r[k] for k in ("prev_share", "diff", "diff_ci_low", "diff_ci_high")])
PY
same_file - json.txt <<'END'
[2019, 2020, 2021, 2022, 2023]
2018-11-01..2019-10-31 None None None None
2019-11-01..2020-10-31 0.9000 -0.6000 -0.8090 -0.1705
2020-11-01..2021-10-31 None None None None
2021-11-01..2022-10-31 None None None None
2022-11-01..2023-10-31 0.7500 -0.0833 -0.4029 0.2599
END
expect_status 64 sh -c "ifs-shares -t '$FIXTURES/targets.json' --years 2023-2019 years.rec 2>bad.err"
contains bad.err "--years: expected A-B or A,B,C"
expect_status 64 sh -c "ifs-shares -t '$FIXTURES/targets.json' --years 2019-2020 --year 2022 years.rec 2>two.err"
contains two.err "give one of --year, --years, --from/--to, --since"

# ifs-report on --years input: the report year is the last; a years table; the draft
# text compares with the year before using the interval; an HTML trend chart per goal.
ifs-report years.json >years.md
contains years.md "# Bilaga 2 – Måluppfyllelse 2023 (jämfört med 2019–2022)"
contains years.md "| 75 % av avslutade deltagare ur FIA ska ange klart positiva svar på frågan om stöd till stor nytta | 90,0 % (10) | 30,0 % (10) | – | 75,0 % (12) | 66,7 % (12) |"
contains years.md "Andelen var 67 % 2023 mot 75 % 2022; skillnaden ryms inom felmarginalen (95 % intervall för skillnaden −40 till +26 procentenheter)."
ifs-shares -t "$FIXTURES/targets.json" --years 2019-2020 --format json years.rec 2>/dev/null | ifs-report >fall.md
contains fall.md "Andelen var 30 % 2020 mot 90 % 2019, en minskning som är större än felmarginalen (95 % intervall för skillnaden −81 till −17 procentenheter)."
# No share the year before: the text says why there is no comparison (2021 has no
# answers; with --min-n 11 --suppress, 2020's 10 answers are masked, 2022's 12 are not).
ifs-shares -t "$FIXTURES/targets.json" --years 2021-2022 --format json years.rec 2>/dev/null | ifs-report >gap.md
contains gap.md "Målet på 75 % är uppfyllt. För 2021 finns inga svar att jämföra med."
ifs-shares -t "$FIXTURES/targets.json" --years 2020,2022 --min-n 11 --suppress --format json years.rec 2>/dev/null |
	ifs-report >masked.md
contains masked.md "Målet på 75 % är uppfyllt. Andelen 2020 redovisas inte (färre än 11 svar), så någon jämförelse med det året görs inte."
[ "$(grep -c "att jämföra med\|jämförelse med det året" masked.md gap.md | awk -F: '{ s += $2 } END { print s }')" = 2 ] ||
	fail "a no-comparison sentence for a goal without a share this year"
ifs-report --format html years.json >years.html
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import html5lib' 2>/dev/null; then
	"$py" - years.html <<'PY' >trend.txt || fail "the trend chart"
import html5lib, sys
doc = html5lib.parse(open(sys.argv[1], "rb"), namespaceHTMLElements=False)
S = "{http://www.w3.org/2000/svg}"
for svg in doc.iter(S + "svg"):
    title = svg.find(S + "title")
    if title is not None and "år för år" in "".join(title.itertext()):
        points = [("".join(c.find(S + "title").itertext())) for c in svg.iter(S + "circle")]
        dashed = [l for l in svg.iter(S + "line") if l.get("stroke-dasharray")]
        desc = "".join(svg.find(S + "desc").itertext())
        print(len(points), points, len(dashed), "2021: inga svar" in desc)
        break
PY
	echo "4 ['2019: 90,0 % (10)', '2020: 30,0 % (10)', '2022: 75,0 % (12)', '2023: 66,7 % (12)'] 1 True" | same_file - trend.txt
else
	echo "SKIP: html5lib not installed (apt-get install python3-html5lib)" >&2
fi
# In a real browser: the page with its trend chart renders, and the screenshot is kept.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
	flags="--headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir=$T/chromium"
	timeout 120 "$browser" $flags --dump-dom "file://$T/years.html" >dom.html 2>chromium.err ||
		{ tail chromium.err; fail "chromium could not load the report"; }
	grep -q 'andel år för år' dom.html || fail "the rendered page lacks the trend chart"
	timeout 120 "$browser" $flags --window-size=1240,1754 --screenshot="$T/trend.png" "file://$T/years.html" 2>>chromium.err ||
		fail "chromium could not take a screenshot"
	[ "$(head -c 4 trend.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "no PNG screenshot"
else
	[ -z "${IFS_REQUIRE_BROWSER:-}" ] || fail "chromium is not installed"
	echo "SKIP: chromium not installed (apt-get install chromium)" >&2
fi
