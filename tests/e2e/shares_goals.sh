# ifs-shares on the fixtures: rows worked out by hand from fixtures/ifs/make-fixtures.py.
. "$TESTLIB"
cd "$T"
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
tab=$(printf '\t')

# fixtures/targets.json, report year 2022 (mätår 2021-11-01..2022-10-31).
# fia-nytta (klart positivt = 5-6): levels 6,6,5,5,6,5,5,6,4,3,2 -> 8 of 11 = 0.7273,
#   Wilson 0.4344-0.9025 holds 0.75 -> within_margin; women R-1001..1005,1011 -> 5 of 6,
#   men R-1006..1008 -> 3 of 3 (R-1012 answered Vet ej, R-1013 left it blank).
# fia-tillvara: 6,5,5,4,6,3,5,4,4,2,5,5 -> 7 of 12; women 5 of 6; men 2 of 4.
# fia-redo (positivt = 4-6, no target): 5,4,3,6,2,4,3,1,3 -> 4 of 9 -> none.
# enter-halsa: no health records in this stream -> n 0, too_few, warned about.
# enter-nytta (positivt): 18 answers, only 3 (E-2008) and 2 (E-2014) below 4 -> 16 of 18 met.
# enter-tillvara (positivt, 85 %): 3,3,2 below 4 -> 15 of 18 = 0.8333 < 0.85 <= 0.9416: within margin.
# nova-nytta: 4 answers, all positive -> too_few (min_n 5), the share still shown.
ifs-shares -t "$FIXTURES/targets.json" --year 2022 ifs.rec >year.tsv 2>year.err
cat >want.tsv <<END
period${tab}insats${tab}goal${tab}indicator${tab}group${tab}level${tab}target${tab}n${tab}pos${tab}share${tab}ci_low${tab}ci_high${tab}verdict${tab}n_women${tab}pos_women${tab}share_women${tab}n_men${tab}pos_men${tab}share_men${tab}flags${tab}ended${tab}response_rate
2021-11-01..2022-10-31${tab}FIA${tab}fia-nytta${tab}nytta${tab}avslut${tab}klart_positivt${tab}0.7500${tab}11${tab}8${tab}0.7273${tab}0.4344${tab}0.9025${tab}within_margin${tab}6${tab}5${tab}0.8333${tab}3${tab}3${tab}1.0000${tab}small_n_men${tab}${tab}
2021-11-01..2022-10-31${tab}FIA${tab}fia-tillvara${tab}tillvara${tab}avslut${tab}klart_positivt${tab}0.7500${tab}12${tab}7${tab}0.5833${tab}0.3195${tab}0.8067${tab}within_margin${tab}6${tab}5${tab}0.8333${tab}4${tab}2${tab}0.5000${tab}small_n_men${tab}${tab}
2021-11-01..2022-10-31${tab}FIA${tab}fia-redo${tab}redo${tab}avslut${tab}positivt${tab}${tab}9${tab}4${tab}0.4444${tab}0.1888${tab}0.7333${tab}none${tab}5${tab}3${tab}0.6000${tab}3${tab}1${tab}0.3333${tab}small_n_men${tab}${tab}
2022-01-01..2022-12-31${tab}Enter${tab}enter-halsa${tab}health.improved_any${tab}${tab}${tab}0.7500${tab}0${tab}0${tab}${tab}${tab}${tab}too_few${tab}0${tab}0${tab}${tab}0${tab}0${tab}${tab}small_n,small_n_women,small_n_men,no_data${tab}${tab}
2021-11-01..2022-10-31${tab}Enter${tab}enter-nytta${tab}nytta${tab}avslut${tab}positivt${tab}0.7500${tab}18${tab}16${tab}0.8889${tab}0.6720${tab}0.9690${tab}met${tab}6${tab}5${tab}0.8333${tab}10${tab}9${tab}0.9000${tab}${tab}${tab}
2021-11-01..2022-10-31${tab}Enter${tab}enter-tillvara${tab}tillvara${tab}avslut${tab}positivt${tab}0.8500${tab}18${tab}15${tab}0.8333${tab}0.6078${tab}0.9416${tab}within_margin${tab}6${tab}5${tab}0.8333${tab}10${tab}9${tab}0.9000${tab}${tab}${tab}
2021-11-01..2022-10-31${tab}NOVA${tab}nova-nytta${tab}nytta${tab}pagaende${tab}positivt${tab}0.7500${tab}4${tab}4${tab}1.0000${tab}0.5101${tab}1.0000${tab}too_few${tab}2${tab}2${tab}1.0000${tab}2${tab}2${tab}1.0000${tab}small_n,small_n_women,small_n_men${tab}${tab}
END
same_file want.tsv year.tsv
# Without register data the last two columns (ended, response_rate) are empty: the first 20
# never move (SPEC 4.1).
echo 'ifs-shares: warning: goal "enter-halsa": insats "Enter" does not occur in the health data' | same_file - year.err

# One question judged by klart_positivt and by positivt, a not-met goal, a minimum level,
# a goal's own min_n, a group typo and an insats typo (each warned about, never silent).
# redo, FIA, 2022: 5,4,3,6,2,4,3,1,3 -> klart (5-6) 2 of 9 = 0.2222, Wilson high 0.5474 < 0.75:
# not_met; positivt 4 of 9 = 0.4444 >= 0.40: met; min:3 -> 7 of 9, no target.
# Enter nytta klart: 6,5,6,5,6,5,6,5,6,5,6 of 18 -> 11; min_n 20 -> too_few.
ifs-shares -t "$FIXTURES/shares/targets-verdicts.json" --year 2022 ifs.rec >verdicts.tsv 2>verdicts.err
cut -f3,6,7,8,9,10,13 verdicts.tsv >verdicts.cut
cat >want.cut <<END
goal${tab}level${tab}target${tab}n${tab}pos${tab}share${tab}verdict
fia-redo-klart${tab}klart_positivt${tab}0.7500${tab}9${tab}2${tab}0.2222${tab}not_met
fia-redo-positivt${tab}positivt${tab}0.4000${tab}9${tab}4${tab}0.4444${tab}met
fia-redo-min3${tab}min:3${tab}${tab}9${tab}7${tab}0.7778${tab}none
enter-nytta-klart${tab}klart_positivt${tab}0.5000${tab}18${tab}11${tab}0.6111${tab}too_few
nova-nyta${tab}positivt${tab}0.7500${tab}0${tab}0${tab}${tab}too_few
it-sparet${tab}positivt${tab}0.7500${tab}0${tab}0${tab}${tab}too_few
END
same_file want.cut verdicts.cut
cat >want.err <<'END'
ifs-shares: warning: goal "nova-nyta": no answers from group "avslut" in the period 2021-11-01..2022-10-31
ifs-shares: warning: goal "it-sparet": insats "IT-spåret" does not occur in the IFS data
END
same_file want.err verdicts.err
# insats " fia " in the targets file matches FIA, and is shown trimmed
[ "$(awk -F'\t' '$3=="fia-redo-min3" {print $2}' verdicts.tsv)" = fia ] || fail "insats not trimmed"

# Suppression: 3 women and 9 men -> both gender cells masked, the total kept.
ifs-survey "$FIXTURES/shares/suppress.csv" 2>/dev/null >sup.rec
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --suppress sup.rec 2>/dev/null | awk -F'\t' '$3=="fia-nytta"' >sup.tsv
# fia-nytta: women 6,5,3 -> klart 2; men 6,6,5,5,5,4,4,2,1 -> 5; total 7 of 12.
printf '2021-11-01..2022-10-31\tFIA\tfia-nytta\tnytta\tavslut\tklart_positivt\t0.7500\t12\t7\t0.5833\t0.3195\t0.8067\twithin_margin\t\t\t\t\t\t\tsmall_n_women,masked\t\t\n' | same_file - sup.tsv
ifs-shares -t "$FIXTURES/targets.json" --year 2022 sup.rec 2>/dev/null | awk -F'\t' '$3=="fia-nytta" {print $14, $15, $17, $18}' >unsup.txt
echo "3 2 9 5" | same_file - unsup.txt
# 5 women, 6 men and 2 of unstated gender: women and men shown beside the total would
# give the 2 away (13 - 5 - 6), so both are masked; without the 2, both are shown.
{ printf 'Respondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1\n'
  for i in 1 2 3 4 5; do printf 'W-%s;2022-03-01;FIA;Avslutad;Kvinna;Helt och h\345llet\n' $i; done
  for i in 1 2 3 4 5 6; do printf 'M-%s;2022-03-01;FIA;Avslutad;Man;Inte alls\n' $i; done
} >residual0.csv
{ cat residual0.csv; printf 'U-1;2022-03-01;FIA;Avslutad;Vill ej ange;Helt och h\345llet\nU-2;2022-03-01;FIA;Avslutad;;Inte alls\n'; } >residual2.csv
for r in 0 2; do
	ifs-survey residual$r.csv 2>/dev/null | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --suppress 2>/dev/null |
		awk -F'\t' '$3=="fia-nytta" {print $8, $9, "[" $14, $15, $17, $18 "]", $20}' >residual$r.txt
done
echo "11 5 [5 5 6 0] " | same_file - residual0.txt
echo "13 6 [   ] masked" | same_file - residual2.txt

# Periods: 2021-11-01..2021-12-31 holds R-1001 and R-1002 (FIA) and E-2001..2003 (Enter).
ifs-shares -t "$FIXTURES/targets.json" --from 2021-11-01 --to 2021-12-31 ifs.rec 2>/dev/null |
	awk -F'\t' '$3=="fia-nytta" || $3=="enter-nytta" {print $1, $3, $8, $9}' >range.txt
printf '2021-11-01..2021-12-31 fia-nytta 2 2\n2021-11-01..2021-12-31 enter-nytta 3 3\n' | same_file - range.txt
# --since 2022: from 2021-11-01 to the newest answer (2022-11-01, R-1101 level 6).
ifs-shares -t "$FIXTURES/targets.json" --since 2022 ifs.rec 2>/dev/null | awk -F'\t' '$3=="fia-nytta" {print $1, $8, $9}' >since.txt
echo "2021-11-01..2022-11-01 12 9" | same_file - since.txt
# --since a year with no answer on or after its first day: open from that day, in a stream
# (whose older answers are read) as in an export (whose older rows are not), never a range
# that ends before it starts (it was 2029-11-01..2022-11-01 from the stream).
ifs-shares -t "$FIXTURES/targets.json" --since 2030 ifs.rec 2>/dev/null | awk -F'\t' '$3=="fia-nytta" {print $1, $8}' >late.txt
ifs-shares -t "$FIXTURES/targets.json" --since 2030 "$FIXTURES/ifs/variants/cp1252-semicolon-crlf.csv" 2>/dev/null |
	awk -F'\t' '$3=="fia-nytta" {print $1, $8}' >>late.txt
printf '2029-11-01.. 0\n2029-11-01.. 0\n' | same_file - late.txt
# mätår 2021 holds R-0990 (2021-10-31, level 1) only.
ifs-shares -t "$FIXTURES/targets.json" --year 2021 ifs.rec 2>/dev/null | awk -F'\t' '$3=="fia-nytta" {print $1, $8, $9, $13}' >y2021.txt
echo "2020-11-01..2021-10-31 1 0 too_few" | same_file - y2021.txt

# Several streams on stdin are read as one; the same stream twice counts each answer once.
# Of the 148 answers given again, the four of R-0990 (2021-10-31) were answered before
# the period: no answer of it can depend on them (the later date is kept), and they are
# not looked at for repeats.
cat ifs.rec ifs.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 2>double.err | awk -F'\t' '$3=="fia-nytta" {print $8, $9, $10}' >double.txt
echo "11 8 0.7273" | same_file - double.txt
contains double.err "ifs-shares: 144 answers given again"
cat ifs.rec ifs.rec | ifs-shares -t "$FIXTURES/targets.json" --since 2018 2>double-all.err >/dev/null
contains double-all.err "ifs-shares: 148 answers given again"

# csv-sv: BOM, ';', decimal comma, CRLF.
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format csv-sv ifs.rec >sv.csv 2>/dev/null
[ "$(head -c 3 sv.csv | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "csv-sv has no BOM"
# Swedish column names and words: it is for Swedish spreadsheet users.
head -1 sv.csv | tail -c +4 | tr -d '\r' >sv-header.txt
echo 'Period;Insats;Mål;Indikator;Grupp;Nivå;Målnivå;n;Positiva;Andel;95 % KI nedre;95 % KI övre;Bedömning;n kvinnor;Positiva kvinnor;Andel kvinnor;n män;Positiva män;Andel män;Anmärkningar;Avslutade;Svarsfrekvens' | same_file - sv-header.txt
grep -q '^2021-11-01..2022-10-31;FIA;fia-nytta;nytta;Avslutade;klart positivt;0,7500;11;8;0,7273;0,4344;0,9025;Inom felmarginalen;6;5;0,8333;3;3;1,0000;få svar bland män;;'"$(printf '\r')"'$' sv.csv ||
	{ cat sv.csv; fail "csv-sv row for fia-nytta"; }
grep -q ';fia-redo;redo;Avslutade;positivt;;9;4;0,4444;0,1888;0,7333;Inget mål;' sv.csv || fail "csv-sv: a goal without target says Inget mål"

# json: everything, with the answer distribution per level.
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json ifs.rec >all.json 2>/dev/null
python3 - all.json <<'PY' >json.txt
import json, sys
doc = json.load(open(sys.argv[1]))
row = next(r for r in doc["rows"] if r["goal"] == "fia-nytta")
print(row["verdict"], row["total"]["n"], row["total"]["pos"], round(row["total"]["ci_low"], 4),
      row["distribution"]["all"]["levels"], row["distribution"]["all"]["dont_know"],
      row["distribution"]["all"]["missing"], row["question"], doc["period"], len(doc["warnings"]))
PY
echo "within_margin 11 8 0.4344 [0, 1, 1, 1, 4, 4] 1 1 Har du fått stöd på ett sätt som är till stor nytta för dig? {'kind': 'year', 'year': 2022} 1" | same_file - json.txt

# A corrupt or truncated stream: a clear error, exit 65, and no table at all.
size=$(wc -c <ifs.rec)
head -c $((size - 7)) ifs.rec >cut.rec
expect_status 65 sh -c "ifs-shares -t '$FIXTURES/targets.json' --year 2022 ifs.rec cut.rec >cut.out 2>cut.err"
[ ! -s cut.out ] || fail "a table was printed from a truncated stream"
contains cut.err "ifs-shares: cut.rec: byte "
cp ifs.rec flipped.rec
printf 'X' | dd of=flipped.rec bs=1 seek=200 conv=notrunc 2>/dev/null
expect_status 65 sh -c "ifs-shares -t '$FIXTURES/targets.json' flipped.rec >flip.out 2>flip.err"
[ ! -s flip.out ] || fail "a table was printed from a corrupt stream"
contains flip.err "ifs-shares: flipped.rec: byte 176: corrupt record stream: chunk payload CRC mismatch"
# Usage and targets errors.
expect_status 64 sh -c "ifs-shares ifs.rec 2>usage.err"
contains usage.err "ifs-shares: -t TARGETS is required"
expect_status 64 sh -c "ifs-shares -t '$FIXTURES/targets.json' --year 2022 --since 2020 ifs.rec 2>usage2.err"
printf '{"goals": [{"id": "x", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "positivt", "target": 1.5}]}' >bad.json
expect_status 65 sh -c "ifs-shares -t bad.json ifs.rec 2>bad.err"
echo 'ifs-shares: bad.json: goal "x": target outside 0-1 (a share: 0.75 for 75 %)' | same_file - bad.err

# One command from export to table: an export named where a stream may stand is read
# with ifs-survey's own code, in the same process; the table is byte for byte the
# staged pipe's.  Exports and streams mix; an export with rejected rows prints no table.
ifs-shares -t "$FIXTURES/targets.json" --year 2022 "$FIXTURES/ifs/deltagare-2022.csv" >direct.tsv 2>direct.err ||
	{ cat direct.err; fail "ifs-shares could not read an export"; }
ifs-shares -t "$FIXTURES/targets.json" --year 2022 ifs.rec >staged.tsv 2>/dev/null
same_file staged.tsv direct.tsv
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json "$FIXTURES/ifs/variants/excel-title-rows.xlsx" \
	"$FIXTURES/ifs/variants/cp1252-semicolon-crlf.csv" ifs.rec >direct.json 2>direct-mixed.err
# each variant's row of 2021-10-31 (four answers, given again in ifs.rec) is before the
# period: left unread, so not among the repeats (nor are they in a stream's)
contains direct-mixed.err "288 answers given again"
contains direct-mixed.err "cp1252-semicolon-crlf.csv: 1 row answered before 2021-11-01 not read past their date"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json ifs.rec 2>/dev/null | same_file - direct.json
# Exports only: their response ids meet no stream's, and are hashed under a key of the
# run (SipHash) instead of the stream's SHA-256; the same ids in two exports are still one
# respondent: the table and the warnings of their streams.
x1="$FIXTURES/ifs/variants/excel-title-rows.xlsx" x2="$FIXTURES/ifs/variants/cp1252-semicolon-crlf.csv"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json "$x1" "$x2" >exports-only.json 2>exports-only.err
ifs-survey "$x1" >x1.rec 2>/dev/null
ifs-survey "$x2" >x2.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json x1.rec x2.rec >streams-only.json 2>streams-only.err
same_file streams-only.json exports-only.json
# the same warnings and repeats (those before the period are not looked for, in a stream
# either), but for the rows before the period, left unread in the exports
grep -v "not read past their date" exports-only.err | same_file streams-only.err -
contains streams-only.err "ifs-shares: 144 answers given again"
contains exports-only.err "excel-title-rows.xlsx: 1 row answered before 2021-11-01 not read past their date: no answer of the period depends on it (ifs-survey reads it whole)"
# Repeats within one export: R-1 again the same (two answers), R-3 again a month later (two
# answers, both differing: F1 in the answer, F2 in its date only; the later date counts).
# ifs-survey drops R-1's copy before the stream; read here, all four are in the line.
# Either way n 3 and 2 klart positive: R-1 and R-3's later "Helt och hållet", not R-2.
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1;F2\r\n%s\r\n%s\r\n%s\r\n%s\r\n%s\r\n' \
	"R-1;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet;Till stor del" \
	"R-2;2022-03-02;FIA;Avslutad;Man;Inte alls;Till stor del" \
	"R-1;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet;Till stor del" \
	"R-3;2022-03-02;FIA;Avslutad;Man;Inte alls;Till stor del" \
	"R-3;2022-04-02;FIA;Avslutad;Man;Helt och hållet;Till stor del" >repeats-within.csv
printf '{"goals": [{"id": "fia-nytta", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}]}\n' >within.json
ifs-shares -t within.json --year 2022 repeats-within.csv >within-direct.tsv 2>within-direct.err
ifs-survey repeats-within.csv 2>within-survey.err | ifs-shares -t within.json --year 2022 >within-staged.tsv 2>within-staged.err
same_file within-direct.tsv within-staged.tsv
[ "$(cut -f8,9,14,15,17,18 within-direct.tsv | tail -n 1)" = "$(printf '3\t2\t1\t1\t2\t1')" ] ||
	fail "repeats within an export: $(cat within-direct.tsv)"
contains within-direct.err "ifs-shares: 4 answers given again (the same respondent, insats, group and question more than once, in one input or across inputs) counted once"
contains within-direct.err "ifs-shares: warning: 2 repeated answers differed from the first (in the answer or its date): the later answer date counts, and on the same date the one read last"
contains within-survey.err "5 rows read = 4 written (8 answer records) + 1 repeated"
contains within-staged.err "ifs-shares: 2 answers given again"
# An insats is one however it is typed, as goals match it: the same questionnaires under
# "FIA" in one stream and "Fia" (--insats) in another, or "fia " in one export beside
# "FIA" in another, count once.  R-1 klart positiv, R-2 not: n 2, 1 positive.
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1\r\n%s\r\n%s\r\n' \
	"R-1;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet" "R-2;2022-03-02;FIA;Avslutad;Man;Inte alls" >upper.csv
sed 's/;FIA;/;fia ;/' upper.csv >lower.csv
cut -d';' -f1-2,4- upper.csv >no-insats.csv
ifs-survey upper.csv >upper.rec 2>/dev/null
ifs-survey --insats Fia no-insats.csv >typed.rec 2>/dev/null
for inputs in "upper.rec typed.rec" "lower.csv upper.csv" "upper.rec lower.csv"; do
	# shellcheck disable=SC2086
	ifs-shares -t within.json --year 2022 $inputs 2>cased.err | cut -f8,9,14,15,17,18 | tail -n 1 >cased.txt
	printf '2\t1\t1\t1\t1\t0\n' | same_file - cased.txt
	contains cased.err "2 answers given again"
done
# ifs-survey finds those repeats itself, and writes the insats as first spelt.
ifs-survey lower.csv upper.csv 2>cased-survey.err | ifs-dump | awk -F'\t' 'NR > 1 {print $5}' | sort -u >cased-names.txt
echo fia | same_file - cased-names.txt
contains cased-survey.err "4 rows read = 2 written (2 answer records) + 2 repeated"
# A pipe given by name (a FIFO, or <(ifs-survey ...) in bash) is a stream, like standard
# input: nothing is taken from it to tell what it is.  An export through one is refused
# with what to do.
mkfifo survey.fifo
# a writer still waiting for a reader (when ifs-shares never opened the FIFO) let go, not
# waited for forever; ifs-shares waiting for a writer that has gone is stopped by timeout
release_writer() { exec 3<>survey.fifo; exec 3<&-; wait; }
ifs-survey repeats-within.csv 2>/dev/null >survey.fifo &
timeout 60 ifs-shares -t within.json --year 2022 survey.fifo >within-fifo.tsv 2>within-fifo.err ||
	{ release_writer; fail "ifs-shares could not read a stream through a FIFO: $(cat within-fifo.err)"; }
release_writer
same_file within-staged.tsv within-fifo.tsv
same_file within-staged.err within-fifo.err
cat repeats-within.csv >survey.fifo 2>/dev/null &
expect_status 65 sh -c "timeout 60 ifs-shares -t within.json --year 2022 survey.fifo >/dev/null 2>export-fifo.err"
release_writer
contains export-fifo.err "survey.fifo: byte 0: this is an export (CSV, JSON, gzip or a spreadsheet), not a record stream: run ifs-survey or ifs-health on it first"
expect_status 65 sh -c "ifs-shares -t '$FIXTURES/targets.json' --year 2022 '$FIXTURES/ifs/with-errors.csv' >direct-bad.tsv 2>direct-bad.err"
[ ! -s direct-bad.tsv ] || fail "a table was printed from an export read only in part"
contains direct-bad.err "with-errors.csv:6: bad answer date"
contains direct-bad.err "with-errors.csv: 3 rows rejected, 1 answers rejected, 1 genders unreadable (above), so no table: to count what could be read"
# An export's rows answered before the period are not read past their date: no answer
# the period counts can depend on one (a later answer date is kept over an earlier), so
# a bad cell among them stops no table, and the period's numbers are the staged pipe's.
# R-1 answered in mätår 2021 and again in 2022, R-2 in 2020 (a date written day first)
# with an unknown answer and gender, R-4 under Enter in 2019 only.
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;F1\r\n%s\r\n%s\r\n%s\r\n%s\r\n%s\r\n' \
	"R-1;2021-10-15;FIA;Avslutad;Kvinna;Inte alls" "R-2;5/5/2020;FIA;Avslutad;X;Kanske" \
	"R-1;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet" "R-3;2022-05-01;FIA;Avslutad;Man;Till stor del" \
	"R-4;2019-01-01;Enter;Avslutad;Man;Helt och hållet" >early.csv
printf '{"goals": [%s, %s]}\n' \
	'{"id": "fia-nytta", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}' \
	'{"id": "enter-nytta", "insats": "Enter", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}' >early.json
ifs-survey early.csv >early.rec 2>/dev/null || true
# mätår 2022: R-1's later answer (klart positiv, a woman) and R-3's (not, a man); three rows
# before 2021-11-01 unread, R-2's bad cells among them
ifs-shares -t early.json --year 2022 early.csv >early-2022.tsv 2>early-2022.err ||
	fail "rows before the period stopped the table: $(cat early-2022.err)"
[ "$(grep fia-nytta early-2022.tsv | cut -f8,9,14,15,17,18)" = "$(printf '2\t1\t1\t1\t1\t0')" ] ||
	fail "rows before the period: $(cat early-2022.tsv)"
grep fia-nytta early-2022.tsv >early-direct-2022.row
ifs-shares -t early.json --year 2022 early.rec 2>/dev/null | grep fia-nytta | same_file - early-direct-2022.row
contains early-2022.err "early.csv: 3 rows answered before 2021-11-01 not read past their date: no answer of the period depends on them"
contains early-2022.err 'goal "enter-nytta": insats "Enter" does not occur in the IFS data from 2021-11-01 on'
lacks early-2022.err "Kanske"
contains early-2022.err "early.csv: 1 dates written D/M/YYYY were read day first" # as ifs-survey counts them
# mätår 2021: R-1's answer of 2021-10-15 was given again later, and counts there: n 0, as
# the staged pipe has it; R-2 and R-4 unread
ifs-shares -t early.json --year 2021 early.csv >early-2021.tsv 2>early-2021.err
[ "$(grep fia-nytta early-2021.tsv | cut -f8,9)" = "$(printf '0\t0')" ] || fail "mätår 2021: $(cat early-2021.tsv)"
grep fia-nytta early-2021.tsv >early-direct.row
ifs-shares -t early.json --year 2021 early.rec 2>/dev/null | grep fia-nytta | same_file - early-direct.row
contains early-2021.err "early.csv: 2 rows answered before 2020-11-01 not read past their date"
# mätår 2020 reads R-2: its bad cells stop the table, as any do
expect_status 65 sh -c "ifs-shares -t early.json --year 2020 early.csv >early-2020.tsv 2>early-2020.err"
[ ! -s early-2020.tsv ] || fail "a table was printed with R-2's cells unread"
contains early-2020.err 'unknown answer "Kanske"'
contains early-2020.err "early.csv: 1 answers rejected, 1 genders unreadable (above), so no table"
# Only the date is looked at: a row of another shape, or one whose date cannot be read,
# is rejected whenever it was answered
{ cat early.csv; printf 'R-5;2019-02-02;FIA;Avslutad;Man\r\nR-6;2019-02-31;FIA;Avslutad;Man;Inte alls\r\n'; } >early-bad.csv
expect_status 65 sh -c "ifs-shares -t early.json --year 2022 early-bad.csv >/dev/null 2>early-bad.err"
contains early-bad.err "early-bad.csv:7: expected 6 fields, found 5"
contains early-bad.err "early-bad.csv:8: bad answer date \"2019-02-31\": no such day in the calendar"
contains early-bad.err "early-bad.csv: 2 rows rejected (above), so no table"
# Bytes that are no text are found wherever they stand: a byte Windows-1252 does not
# define (81) in a row before the period stops the table as in one of the period
iconv -f UTF-8 -t WINDOWS-1252 early.csv | sed 's/Kanske/Kansk\x81/' >early-1252.csv
expect_status 65 sh -c "ifs-shares -t early.json --year 2022 early-1252.csv >/dev/null 2>early-1252.err"
contains early-1252.err "early-1252.csv:3: byte not defined in Windows-1252"
