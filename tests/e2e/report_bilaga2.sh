# ifs-report over the whole pipeline on the fixtures: golden Markdown and HTML, a real HTML
# parser (html5lib, strict), and — when chromium is installed — a real browser reading the
# rendered DOM, with a screenshot kept among the test outputs.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" >health.rec 2>/dev/null
cat ifs.rec health.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json >shares.json 2>/dev/null
ifs-report shares.json >report.md
ifs-report --format html shares.json >report.html
same_file "$ROOT/tests/e2e/golden/report-2022.md" report.md
same_file "$ROOT/tests/e2e/golden/report-2022.html" report.html
# Figures worked out by hand (see shares_goals.sh and health_pairs.sh).
# FIA nytta: 11 answers, 6 women, 3 men and 2 of other or unstated gender (R-1009 blank,
# R-1010 "Vill ej uppge"): said in the text and in a note, never hidden in the total.
contains report.md "| 11 (6 / 3) [1,2] | 72,7 % | 83,3 % / 100,0 % | 75 % | 43,4–90,3 % | Inom felmarginalen |"
contains report.md "[2] I n ingår också personer med annat eller ej angivet kön; de räknas inte bland kvinnor eller män."
contains report.md "besvarades vid avslut av 11 deltagare i FIA (6 kvinnor, 3 män och 2 med annat eller ej angivet kön)."
contains report.md "| 23 (9 / 14) | 91,3 % | 88,9 % / 92,9 % | 75 % | 73,2–97,6 % | Uppfyllt |"
# Health: 23 pairs from 22 persons (one man went through Enter twice): counted as pairs, and said so.
contains report.md "I Enter finns 23 par av hälsoenkäter besvarade både vid inskrivning och avslut (9 från kvinnor, 14 från män), från 22 personer: 1 har gått igenom insatsen mer än en gång under perioden och räknas en gång per genomgång. 8 kvinnor och 10 män anger en bättre livskvalitet"
contains report.md "Totalt 21 av 23 (91 %) har bättre hälsa och/eller livskvalitet."
contains report.md "Bortfall: 2 besvarade enkäten bara vid inskrivning och 1 bara vid avslut."
contains report.md "| 4 (2 / 2) [1,2,3] | 100,0 % |"
# "Vet ej" drawn to the scale of the levels: FIA redo, men: 3 on the scale (400 units) and
# 1 Vet ej, so 133.3 units; the chart widens to hold it, the n label after it.
contains report.html '<rect x="476.0" y="60" width="133.3" height="18" fill="url(#vetej)"'
contains report.html '<text x="619" y="73" font-size="10">n = 3</text>'
# stdin works, and bad input is refused.
ifs-report --format md <shares.json | same_file report.md -
echo '{"rows": 3}' >bad.json
expect_status 65 sh -c "ifs-report bad.json >/dev/null 2>bad.err"
contains bad.err 'ifs-report: bad.json: not ifs-shares --format json output (no "rows" array)'

# Suppression carried through: masked cells show a dash and the reason once.
ifs-survey "$FIXTURES/shares/suppress.csv" 2>/dev/null | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --suppress --format json 2>/dev/null | ifs-report >masked.md
contains masked.md "| 12 (– / –) |"
# a masked count is not told in the text either, not even as "0 svar" (found by a new user's test)
lacks masked.md "Med 0 svar"
contains masked.md "Med färre än 5 svar görs ingen bedömning av måluppfyllelsen"
[ "$(grep -c 'färre än 5 svar, så att enskilda personer inte kan identifieras' masked.md)" = 1 ] || fail "the masking reason is not stated exactly once"

# A real HTML parser, strict: no parse errors at all. Debian's python3-html5lib.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import html5lib' 2>/dev/null; then
	"$py" - report.html <<'PY' || fail "report.html does not parse cleanly"
import html5lib, sys
parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
doc = parser.parse(open(sys.argv[1], "rb"))
rows = doc.findall(".//tbody/tr")
assert len(rows) == 7, len(rows)
assert len(doc.findall(".//{http://www.w3.org/2000/svg}svg")) == 6  # one chart per IFS goal
PY
elif [ -n "${IFS_REQUIRE_BROWSER:-}" ]; then
	fail "python3-html5lib is not installed"
else
	echo "SKIP: html5lib not installed (apt-get install python3-html5lib)" >&2
fi

# A real browser: chromium loads the page; the rendered DOM has the table rows and figures.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	[ -z "${IFS_REQUIRE_BROWSER:-}" ] || fail "chromium is not installed"
	echo "SKIP: chromium not installed (apt-get install chromium)" >&2
	exit 0
fi
flags="--headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir=$T/chromium"
timeout 120 "$browser" $flags --dump-dom "file://$T/report.html" >dom.html 2>chromium.err || { tail chromium.err; fail "chromium could not load the report"; }
timeout 120 "$browser" $flags --window-size=1240,1754 --screenshot="$T/report.png" "file://$T/report.html" 2>>chromium.err ||
	fail "chromium could not take a screenshot"
[ "$(head -c 4 report.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "no PNG screenshot"
"$py" - dom.html <<'PY' >dom.txt || fail "rendered DOM"
import html5lib, sys
doc = html5lib.parse(open(sys.argv[1], "rb"), namespaceHTMLElements=False)
for tr in doc.findall(".//tbody/tr"):
    cells = ["".join(td.itertext()).strip() for td in tr.findall("td")]
    print(tr.get("data-goal"), "|", cells[2], "|", cells[3], "|", cells[7])
S = "{http://www.w3.org/2000/svg}"
print("charts", len(doc.findall(".//" + S + "svg")), "rects", len(doc.findall(".//" + S + "svg/" + S + "rect")))
PY
cat >want-dom.txt <<'END'
fia-nytta | 11 (6 / 3)1,2 | 72,7 % | Inom felmarginalen
fia-tillvara | 12 (6 / 4)1,2 | 58,3 % | Inom felmarginalen
fia-redo | 9 (5 / 3)1,2 | 44,4 % | Inget mål
enter-halsa | 23 (9 / 14) | 91,3 % | Uppfyllt
enter-nytta | 18 (6 / 10)1 | 88,9 % | Uppfyllt
enter-tillvara | 18 (6 / 10)1 | 83,3 % | Inom felmarginalen
nova-nytta | 4 (2 / 2)1,2,3 | 100,0 % | För få svar
END
head -7 dom.txt | same_file want-dom.txt -
grep -q '^charts 6 rects [1-9]' dom.txt || fail "charts not rendered: $(tail -1 dom.txt)"
mkdir -p "$ROOT/tests/out/screenshots" && cp report.png "$ROOT/tests/out/screenshots/bilaga2-2022${IFS_SAN:+-san}.png"

# A scale other than the IFS six levels: the text and the chart's legend take the
# codebook's words (carried in the shares JSON), not a table of six labels.
python3 - "$ROOT/data/ifs-codebook.json" >four-codebook.json <<'PY'
import json, sys
book = json.load(open(sys.argv[1]))
book["scales"]["fyra"] = {"levels": [{"level": 1, "labels": ["Nej"]}, {"level": 2, "labels": ["Delvis"]},
                                     {"level": 3, "labels": ["Ja"]}, {"level": 4, "labels": ["Ja, helt"]}],
                          "dont_know": ["Vet ej"], "missing": [""]}
for q in book["questions"]:
    if q["id"] == "nytta":
        q["scale"] = "fyra"
print(json.dumps(book, ensure_ascii=False))
PY
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Fråga 1\n' >four.csv
for i in 1 2 3 4 5 6; do printf 'Q-%s;2022-03-01;FIA;Avslutad;Kvinna;Ja, helt\n' $i >>four.csv; done
printf 'Q-7;2022-03-01;FIA;Avslutad;Man;Delvis\nQ-8;2022-03-01;FIA;Avslutad;Man;Nej\n' >>four.csv
printf '{"goals": [{"id": "f", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": 3, "text": "Fyra nivåer"}]}' >four-targets.json
ifs-survey -c four-codebook.json four.csv 2>/dev/null |
	ifs-shares -c four-codebook.json -t four-targets.json --year 2022 --format json 2>/dev/null >four.json
ifs-report four.json >four.md
contains four.md "6 av dem (75 %) svarade med minst nivå 3 (Ja eller Ja, helt)."
ifs-report --format html four.json >four.html
contains four.html '</i>2 Delvis</span>'
contains four.html '<title>Ja, helt: 6</title>'
# Rounding in the text: 149 of 200 (74,5 %) against a target of 75 % is below it, and
# whole percents would say "75 %" beside "lower than the target of 75 %": the sentence
# gives both to a tenth.  1 of 8 klart positiva is 12,5 %: 13 % in whole percents, as a
# reader rounds.
awk 'BEGIN { printf "Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1\r\n"
	for (i = 1; i <= 200; i++) printf "R-%d;2022-03-01;FIA;Avslutad;%s;%s\r\n", i, i % 2 ? "Kvinna" : "Man",
		i <= 149 ? "Helt och hållet" : "Inte alls"
	for (i = 1; i <= 8; i++) printf "E-%d;2022-03-01;Enter;Avslutad;Kvinna;%s\r\n", i, i == 1 ? "Helt och hållet" : "Inte alls" }' >half.csv
printf '{"goals": [%s, %s]}' \
	'{"id": "f", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}' \
	'{"id": "e", "insats": "Enter", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}' >half.json
ifs-shares -t half.json --year 2022 --format json half.csv 2>/dev/null | ifs-report >half.md
contains half.md "149 av dem (74,5 %) svarade"
contains half.md "Andelen är lägre än målet på 75,0 %"
contains half.md "1 av dem (13 %) svarade"
contains half.md "| 12,5 % |"
