# The participant register (SPEC §2.3): ifs-participants -> course records; ifs-flow
# counts the flow; ifs-shares counts the outcome goals; ifs-report drafts the text.
# fixtures/participants/make-fixtures.py lists every row; the numbers below were worked
# out by hand from that list.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
P="$FIXTURES/participants"

ifs-participants --key-file key --rejects rejects.tsv "$P/register-2022.csv" >courses.rec 2>courses.err ||
	{ cat courses.err; fail "ifs-participants failed on the register"; }
contains courses.err "ifs-participants: 44 rows read = 44 courses written + 0 rejected"
# One person in FIA with two courses, the personnummer written in two forms: one pseudonym.
ifs-dump --courses courses.rec >courses.tsv
[ "$(awk -F'\t' '$5 == "FIA" && $6 == "M" {print $1}' courses.tsv | sort -u | wc -l)" = 1 ] ||
	fail "one person's two courses got two pseudonyms"
contains courses.tsv "arbete,studier"

# Flow for Enter in 2022: 18 taking part on 1 January (8 women, 10 men), 22 new (8, 13;
# one of unstated gender), 35 ended (14, 21), 5 on 31 December (2, 2): 18 + 22 - 35 = 5.
ifs-flow --year 2022 courses.rec >flow.tsv 2>flow.err || { cat flow.err; fail "ifs-flow failed"; }
head -1 flow.tsv >flow-header.txt
same_file - flow-header.txt <<'END'
period	insats	measure	category	n	n_women	n_men
END
awk -F'\t' '$2 == "Enter" && ($3 == "flow" || $3 == "end_reason" || $3 == "length") {print $3, $4, $5, $6, $7}' flow.tsv >enter-flow.txt
same_file - enter-flow.txt <<'END'
flow start 18 8 10
flow new 22 8 13
flow ended 35 14 21
flow end 5 2 2
end_reason arbete 8 2 6
end_reason arbete_subventionerat 4 1 3
end_reason studier 6 3 3
end_reason fortsatt_rehabilitering 3 1 2
end_reason sjukdom 4 2 2
end_reason egen_begaran 4 2 2
end_reason ater_remittent 4 2 2
end_reason annat 4 2 2
end_reason ej_angiven 0 0 0
length median 272.0 181.0 303.0
length mean 245.3 181.0 288.2
END
# Referrers of the 22 new (women W8-W14 cycle Region, Af, FK, Kommun; men M11-M21 cycle Af,
# FK, Kommun, Region, Annat; O2, O3, O4 and X2 are Af), and support: försörjningsstöd at exit
# for W6, W11, W12 and M9, M13, M19, M20, M21; at intake for the new W11, W12, M11, M13, M15,
# M19, M20 and O2, O4.
awk -F'\t' '$2 == "Enter" && ($3 == "referrer" || ($3 ~ /^support_/ && $4 == "forsorjningsstod")) {print $3, $4, $5, $6, $7}' flow.tsv >enter-referrers.txt
same_file - enter-referrers.txt <<'END'
referrer af 9 3 5
referrer fk 4 2 2
referrer region 4 2 2
referrer kommun 3 1 2
referrer annat 2 0 2
referrer ej_angiven 0 0 0
support_intake forsorjningsstod 9 2 6
support_exit forsorjningsstod 8 3 5
END
# The period is the calendar year: 2021 has X1's end, and none of the 35.
ifs-flow --year 2021 courses.rec | awk -F'\t' '$2 == "Enter" && $3 == "flow" && $4 == "ended" {print $5}' >ended-2021.txt
echo 1 | same_file - ended-2021.txt
ifs-flow --format csv-sv --year 2022 courses.rec | grep -q ';Enter;length;mean;245,3;181,0;288,2'"$(printf '\r')"'$' ||
	fail "csv-sv flow: decimal comma and CRLF"

# Outcome goals: SPEC §2.3's worked example, 15 of the 21 with work capacity to work or
# studies = 71.43 %, met against 40 %; 16 of all 35; 12 of 35 to work; 16 of 35 without
# public support at exit; 14 of the 32 with public support at intake.
ifs-shares -t "$P/targets-register.json" --year 2022 courses.rec >outcomes.tsv 2>outcomes.err ||
	{ cat outcomes.err; fail "ifs-shares failed on course records"; }
awk -F'\t' 'NR > 1 {print $3, $8, $9, $10, $13, $14, $15, $17, $18}' outcomes.tsv >outcomes.txt
same_file - outcomes.txt <<'END'
enter-arbete-studier 21 15 0.7143 met 6 4 15 11
enter-arbete-studier-alla 35 16 0.4571 none 14 5 21 11
enter-arbete 35 12 0.3429 none 14 3 21 9
enter-utan-stod 35 16 0.4571 met 14 6 21 10
enter-utan-stod-bland-offentlig 32 14 0.4375 none 12 4 20 10
fia-arbete-studier 2 2 1.0000 none 1 1 1 1
END
ifs-shares -t "$P/targets-register.json" --year 2022 --format json courses.rec 2>/dev/null >outcomes.json
python3 - outcomes.json <<'PY' >ended.txt
import json, sys
row = json.load(open(sys.argv[1]))["rows"][0]
print(row["kind"], row["outcome"]["among"], row["outcome"]["ended"])
PY
echo "outcome work_capacity {'all': 35, 'women': 14, 'men': 21}" | same_file - ended.txt
# The report says it in the seeds' words, with the right share (the published 76 % was wrong).
ifs-report outcomes.json >report.md
contains report.md "14 kvinnor och 21 män avslutades i Enter under 2022. Av dem bedömdes 21 ha arbetsförmåga. Av dessa började 4 kvinnor och 11 män (71 % av 21) arbeta och/eller studera vid avslut. Målet på 40 % är uppfyllt."
contains report.md "| Deltagarregistret: arbete och/eller studier vid avslut (bland dem som bedömts ha arbetsförmåga) | 21 (6 / 15) | 71,4 % |"
# the introduction says how the register's goals are counted (low.md, below, has none)
contains report.md "Deltagarregistrets mål räknas på dem som avslutades under kalenderåret, efter avslutsdatum."

# Bad rows: an end before the start and a bad end date reject the course; an unknown end
# reason costs that field only; every message names file, line and column.
printf 'Personnummer;Insats;K\366n;Inskrivningsdatum;Avslutsdatum;Avslutsorsak;Arbetsf\366rm\345ga\r\n' >bad.csv
printf '19850312-1231;Enter;Man;2022-05-01;2022-04-01;Arbete;Ja\r\n' >>bad.csv
printf 'K-17;Enter;Kvinna;2022-05-01;2022-13-01;Arbete;Ja\r\n' >>bad.csv
printf 'K-18;Enter;Kvinna;2022-05-01;2022-06-01;Pension;Kanske\r\n' >>bad.csv
printf '1,97901E+11;Enter;Man;2022-05-01;2022-06-01;Arbete;Ja\r\n' >>bad.csv
expect_status 65 sh -c "ifs-participants --key-file key --rejects bad-rejects.tsv bad.csv >bad.rec 2>bad.err"
contains bad.err "bad.csv:2: the course ends (2022-04-01) before it starts (2022-05-01)"
contains bad.err 'bad.csv:3: bad end date "2022-13-01"'
contains bad.err 'bad.csv:4: column 6 (end reason): unknown end reason "Pension"; expected arbete'
contains bad.err 'bad.csv:4: column 7 (work capacity): unknown work capacity "Kanske"; expected Ja, Nej or Ej bedömd'
contains bad.err "bad.csv:5: the participant id is a number in Excel's scientific notation"
contains bad.err "4 rows read = 1 courses written + 3 rejected; 2 cells unreadable (their courses kept without them)"
ifs-dump --courses bad.rec | awk -F'\t' 'NR > 1 {print $3, $8 "|" $10}' >bad-kept.txt
echo "2022-06-01 |unreadable" | same_file - bad-kept.txt
expect_status 64 sh -c "ifs-participants '$P/register-2022.csv' >/dev/null 2>nokey.err"
contains nokey.err "--key-file is required"

# Not one personnummer, in any written form, in anything the register path wrote.
for out in courses.rec courses.tsv courses.err rejects.tsv flow.tsv outcomes.tsv outcomes.json report.md \
	bad.rec bad.err bad-rejects.tsv; do
	while read -r id; do
		digits=$(printf '%s' "$id" | tr -cd '0-9')
		if grep -qF -- "$id" "$out" || grep -qF -- "$digits" "$out"; then fail "$out holds a raw identifier"; fi
	done <"$P/identifiers.txt"
	! grep -q '19850312\|850312-1231' "$out" || fail "$out holds a raw identifier"
done

# "among" is checked: only the denominators that belong to the indicator.
printf '{"goals": [{"id": "x", "insats": "Enter", "indicator": "outcome.work", "among": "public_at_intake"}]}' >bad-among.json
expect_status 65 sh -c "ifs-shares -t bad-among.json courses.rec >/dev/null 2>bad-among.err"
contains bad-among.err 'goal "x": bad "among" (expected "all" or "work_capacity" for outcome.work)'
printf '{"goals": [{"id": "y", "insats": "Enter", "indicator": "nytta", "group": "avslut", "level": "positivt", "among": "all"}]}' >bad-among2.json
expect_status 65 sh -c "ifs-shares -t bad-among2.json courses.rec >/dev/null 2>bad-among2.err"
contains bad-among2.err 'goal "y": "among" belongs to register goals (outcome.*)'

# Response rates: with register data, every avslut-group IFS goal and every health goal gets
# ended (courses of the insats that ended in the goal's own period: mätår 2022 for IFS, 25
# of Enter's; calendar 2022 for health, 35) and response_rate (18 respondents of 25 = 0.72;
# 23 pairs of 35 = 0.6571); a goal of another group gets neither.
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" >health.rec 2>/dev/null
cat ifs.rec health.rec courses.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 >rates.tsv 2>/dev/null
head -1 rates.tsv | cut -f20- >rates-header.txt
printf 'flags\tended\tresponse_rate\n' | same_file - rates-header.txt
awk -F'\t' 'NR > 1 {print $3, $21 "|" $22}' rates.tsv >rates.txt
same_file - rates.txt <<'END'
fia-nytta 2|6.5000
fia-tillvara 2|6.5000
fia-redo 2|6.5000
enter-halsa 35|0.6571
enter-nytta 25|0.7200
enter-tillvara 25|0.7200
nova-nytta |
END
cat ifs.rec health.rec courses.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json 2>/dev/null | ifs-report >rates.md
contains rates.md "Av de 25 som avslutades i Enter under perioden besvarade 18 (72 %) enkäten."
contains rates.md "Av de 35 som avslutades i Enter under perioden besvarade 23 (66 %) hälsoenkäten både vid inskrivning och avslut."
# More answers than the register has ended (the fixtures' FIA people are not the same): said, not 650 %.
contains rates.md "Fler har svarat (13) än registret visar avslutade i FIA under perioden (2): kontrollera att registret och enkäten avser samma insats och period."
lacks rates.md "650 %"
# Below half: 5 answered of 12 who ended; the text says to read the share with care.
printf 'Personnummer;Insats;K\366n;Inskrivningsdatum;Avslutsdatum\r\n' >fia-register.csv
for i in 10 11 12 13 14 15 16 17 18 19 20 21; do printf 'F-%s;FIA;Man;2022-01-03;2022-03-%s\r\n' $i $i >>fia-register.csv; done
# A register of FIA only: Enter's goals get no "0 ended" that nobody counted, but empty
# cells and a warning; FIA's get its 12 courses (13 answered: 1.0833, as the report says).
ifs-participants --key-file key fia-register.csv >fia-only.rec 2>/dev/null
cat ifs.rec health.rec fia-only.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 >fia-only.tsv 2>fia-only.err
awk -F'\t' 'NR > 1 {print $3, $21 "|" $22}' fia-only.tsv >fia-only.txt
same_file - fia-only.txt <<'END'
fia-nytta 12|1.0833
fia-tillvara 12|1.0833
fia-redo 12|1.0833
enter-halsa |
enter-nytta |
enter-tillvara |
nova-nytta |
END
contains fia-only.err 'goal "enter-nytta": the register data has no course of insats "Enter": ended and response rate left empty'
contains fia-only.err 'goal "enter-halsa": the register data has no course of insats "Enter"'
lacks fia-only.err 'goal "fia-nytta": the register'
lacks fia-only.err 'goal "nova-nytta": the register'
# ... said in the JSON too (its warnings), once per goal.
cat ifs.rec health.rec fia-only.rec | ifs-shares -t "$FIXTURES/targets.json" --years 2021-2022 --format json 2>/dev/null >fia-only.json
[ "$(grep -o 'the register data has no course of insats \\"Enter\\"' fia-only.json | wc -l)" = 3 ] || fail "3 notes in the JSON warnings"
# ... and in the report's words, for each of Enter's goals, never for FIA's.
cat ifs.rec health.rec fia-only.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json 2>/dev/null | ifs-report >fia-only.md
[ "$(grep -o 'Deltagarregistret i underlaget har inga deltagare i Enter, så svarsfrekvensen kan inte anges.' fia-only.md | wc -l)" = 3 ] ||
	fail "the report does not say why Enter has no response rate"
lacks fia-only.md "inga deltagare i FIA"
# --suppress masks a register's count of ended under min_n, and the rate made of it, as
# ifs-flow masks the same count: 2 FIA courses ended, 13 answered (11 of them n).
printf 'Personnummer;Insats;K\366n;Inskrivningsdatum;Avslutsdatum\r\nF-30;FIA;Man;2022-01-03;2022-03-01\r\nF-31;FIA;Kvinna;2022-01-03;2022-03-02\r\n' >two-fia.csv
ifs-participants --key-file key two-fia.csv >two-fia.rec 2>/dev/null
cat ifs.rec two-fia.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 2>/dev/null | awk -F'\t' '$3 == "fia-nytta" {print $21 "|" $22}' >two-fia.txt
echo "2|6.5000" | same_file - two-fia.txt
cat ifs.rec two-fia.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --suppress 2>/dev/null | awk -F'\t' '$3 == "fia-nytta" {print $8 "|" $21 "|" $22}' >two-fia-masked.txt
echo "11||" | same_file - two-fia-masked.txt
cat ifs.rec two-fia.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 --suppress --format json 2>/dev/null >two-fia.json
/usr/bin/python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["rows"] if x["goal"]=="fia-nytta"][0]; print(r["ended"], r["response_rate"])' two-fia.json >two-fia-json.txt
echo "None None" | same_file - two-fia-json.txt
ifs-participants --key-file key fia-register.csv >fia-courses.rec 2>/dev/null
ifs-survey "$FIXTURES/real/ifs-age-gender.csv" 2>/dev/null | cat - fia-courses.rec |
	ifs-shares -t "$FIXTURES/targets.json" --year 2022 --format json 2>/dev/null | ifs-report >low.md
contains low.md "Av de 12 som avslutades i FIA under perioden besvarade 5 (42 %) enkäten. Eftersom färre än hälften svarade kan andelen skilja sig från vad alla som avslutades skulle ha svarat; läs den med försiktighet."
[ -s low.md ] && lacks low.md "Deltagarregistrets mål"

# The participants table heads the insats' section (ifs-report --flow).
ifs-flow --year 2022 --format json courses.rec >flow.json
ifs-report --flow flow.json outcomes.json >flow-report.md
contains flow-report.md "| Avslutade | 35 | 14 | 21 |"
contains flow-report.md "| Avslutsorsak: arbete med subvention | 4 | 1 | 3 |"
contains flow-report.md "| Insatsens längd för de avslutade, median (dagar) | 272 | 181 | 303 |"
lacks flow-report.md "Avslutsorsak: ej angiven"
# Under it, what a reader adding up would stumble on: one new participant of neither
# gender (22 new, 8 + 13), and 37 end reasons for 35 who ended (two ended for two reasons).
contains flow-report.md "| Nya deltagare | 22 | 8 | 13 |"
contains flow-report.md "I Alla ingår också deltagare med annat eller ej angivet kön; de räknas inte bland kvinnor eller män."
contains flow-report.md "En deltagare som avslutades av mer än ett skäl räknas under vart och ett av dem, så avslutsorsakerna är fler än de avslutade."
ifs-report --format html --flow flow.json outcomes.json >flow-report.html
contains flow-report.html '<p class="flow-note">En deltagare som avslutades av mer än ett skäl'
echo '{"rows": 1}' >bad-flow.json
expect_status 65 sh -c "ifs-report --flow bad-flow.json outcomes.json >/dev/null 2>bad-flow.err"
contains bad-flow.err "not ifs-flow --format json output"
expect_status 65 sh -c "ifs-report --format xlsx -o bad-flow.xlsx --flow bad-flow.json outcomes.json 2>bad-flow-x.err"
contains bad-flow-x.err "not ifs-flow --format json output"
[ ! -e bad-flow.xlsx ] || fail "a workbook was left after a bad --flow"
# The workbook has the same participants table (numbers, not text) under the goal table,
# which stays at row 4, and the notes.
ifs-report --format xlsx -o flow.xlsx --flow flow.json --note "Registret är från 2022-12-31." outcomes.json ||
	fail "ifs-report --format xlsx --flow failed"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	/usr/bin/python3 - flow.xlsx <<'PY' >flow-xlsx.txt || fail "the workbook with --flow does not read back"
import sys
import openpyxl
sheet = openpyxl.load_workbook(sys.argv[1])["Enter"]
rows = list(sheet.iter_rows(values_only=True))
print(rows[3][:2])
for row in rows:
    if row[0] and (row[0].startswith("Obs:") or row[0] in ("Deltagare", "Avslutade", "Avslutsorsak: arbete med subvention")
                   or row[0].startswith("Insatsens") or row[0].startswith("I Alla") or row[0].startswith("En deltagare")):
        print(row[:4])
PY
	same_file - flow-xlsx.txt <<'END'
('Mål', 'Indikator')
('Obs: Registret är från 2022-12-31.', None, None, None)
('Deltagare', None, None, None)
('Avslutade', 35, 14, 21)
('Avslutsorsak: arbete med subvention', 4, 1, 3)
('Insatsens längd för de avslutade, median (dagar)', 272, 181, 303)
('I Alla ingår också deltagare med annat eller ej angivet kön; de räknas inte bland kvinnor eller män.', None, None, None)
('En deltagare som avslutades av mer än ett skäl räknas under vart och ett av dem, så avslutsorsakerna är fler än de avslutade.', None, None, None)
END
fi

# -c: a register of its own words.  Headers and labels the built-in codebook does not
# know; the file names them, code by code (the other codes keep their built-in labels).
# A register without a gender column: its courses count among all, and standard error
# says so once, at the first row.
printf 'Personnummer;Insats;Startdatum;Slutdatum\n19800102-1115;Enter;2022-02-01;2022-05-01\n19800103-1122;Enter;2022-02-01;\n' >no-gender.csv
ifs-participants --key-file key no-gender.csv 2>no-gender.err | ifs-dump --courses | awk -F'\t' 'NR > 1 {print $6 "|"}' >no-gender.txt
printf '|\n|\n' | same_file - no-gender.txt
[ "$(grep -c "no gender column" no-gender.err)" = 1 ] || { cat no-gender.err; fail "the missing gender column said not once"; }
contains no-gender.err "ifs-participants: warning: no-gender.csv: no gender column (Kön): its courses count among all, not among women or men"
printf 'Deltagarkod;Verksamhet;K\366n;Startdag;Slutdag;Resultat\r\n' >own.csv
printf 'D-1;Enter;Kvinna;2022-01-10;2022-05-01;Pension\r\nD-2;Enter;Man;2022-01-10;2022-06-01;Arbete\r\n' >>own.csv
expect_status 65 sh -c "ifs-participants --key-file key own.csv >/dev/null 2>own-default.err"
contains own-default.err "own.csv:1: no participant column (Personnummer, Deltagar-ID)"
cat >own-codebook.json <<'END'
{ "headers": { "participant": ["Deltagarkod"], "start": ["Startdag"], "end": ["Slutdag"],
               "end_reason": ["Resultat"] },
  "end_reasons": { "annat": ["Pension", "Annat"] } }
END
ifs-participants -c own-codebook.json --key-file key own.csv >own.rec 2>own.err || { cat own.err; fail "-c did not bind"; }
ifs-dump --courses own.rec | awk -F'\t' 'NR > 1 {print $2, $3, $10}' >own.txt
printf '2022-01-10 2022-05-01 annat\n2022-01-10 2022-06-01 arbete\n' | same_file - own.txt
# A table that adds up has no notes under it.
ifs-flow --year 2022 --format json own.rec >own-flow.json
ifs-report --flow own-flow.json outcomes.json >own-report.md
contains own-report.md "| Avslutade | 2 | 1 | 1 |"
lacks own-report.md "I Alla ingår"
lacks own-report.md "mer än ett skäl"
printf '{"rubriker": {}}' >bad-codebook.json
expect_status 65 sh -c "ifs-participants -c bad-codebook.json --key-file key own.csv >/dev/null 2>bad-codebook.err"
contains bad-codebook.err 'bad-codebook.json: unknown section "rubriker" (expected headers, end_reasons, support, referrer, work_capacity, each an object)'
printf '{"end_reasons": {"pension": ["Pension"]}}' >bad-code.json
expect_status 65 sh -c "ifs-participants -c bad-code.json --key-file key own.csv >/dev/null 2>bad-code.err"
contains bad-code.err 'bad-code.json: end_reasons: unknown key "pension", or not an array of labels'
expect_status 66 sh -c "ifs-participants -c missing.json --key-file key own.csv >/dev/null 2>missing.err"
contains missing.err "missing.json: cannot open"

# The period's edges (2022): a course begun on 1 January is new, not also there at the
# start; one ended on 31 December has ended, not also gone on; so start + new - ended = end.
# "edge" and "EDGE " are the insats "Edge", as ifs-shares reads them: one group, one name.
#   A 2021-06-01..      start, end        B 2022-01-01..      new, end
#   C 2022-03-01..2022-12-31 new, ended   D 2021-05-01..2022-01-01 start, ended
#   E 2021-01-01..2021-12-31 nothing      F 2023-01-01..      nothing
printf 'Personnummer;Insats;Kön;Startdatum;Slutdatum;Avslutsorsak\n%s\n%s\n%s\n%s\n%s\n%s\n' \
	'19800102-1115;Edge;Man;2021-06-01;;' '19700110-2008;edge;Kvinna;2022-01-01;;' \
	'19710211-2021;Edge;Kvinna;2022-03-01;2022-12-31;Arbete' '19800102-1115;EDGE ;Man;2021-05-01;2022-01-01;Studier' \
	'19700110-2008;Edge;Kvinna;2021-01-01;2021-12-31;Arbete' '19710211-2021;Edge;Kvinna;2023-01-01;;' >edges.csv
ifs-participants --key-file key edges.csv 2>/dev/null | ifs-flow --year 2022 |
	awk -F'\t' '$3 == "flow" {print $2, $4, $5, $6, $7}' >edges.got
same_file - edges.got <<'END'
Edge start 2 0 2
Edge new 2 2 0
Edge ended 2 1 1
Edge end 2 1 1
END

# An end reason ifs-participants could not read ("arbete med stöd" is no label of the
# built-in codebook) is unknown for the outcome goals, not a course that did not go to
# work: 3 ended, 1 to work among the 2 that can be told, 1 unknown.
printf 'Personnummer;Insats;Kön;Startdatum;Slutdatum;Avslutsorsak\n%s\n%s\n%s\n' \
	'19800102-1115;Enter;Man;2022-01-10;2022-06-01;arbete med stöd' '19700110-2008;Enter;Kvinna;2022-01-10;2022-06-01;Arbete' \
	'19710211-2021;Enter;Kvinna;2022-01-10;2022-06-01;Studier' >unreadable.csv
expect_status 65 sh -c "ifs-participants --key-file key unreadable.csv >unreadable.rec 2>unreadable.err"
contains unreadable.err 'unreadable.csv:2: column 6 (end reason): unknown end reason "arbete med stöd"'
ifs-dump --courses unreadable.rec | awk -F'\t' 'NR > 1 {print $10}' >unreadable.reasons
printf 'unreadable\narbete\nstudier\n' | same_file - unreadable.reasons
ifs-shares -t "$P/targets-register.json" --year 2022 --min-n 1 --format json unreadable.rec 2>/dev/null |
	python3 -c '
import json, sys
for r in json.load(sys.stdin)["rows"]:
    if r["goal"] == "enter-arbete":
        print(r["total"]["n"], r["total"]["pos"], r["outcome"]["ended"]["all"], r["outcome"]["unknown"], r["men"]["n"])' >unreadable.got
echo "2 1 3 1 0" | same_file - unreadable.got

# The register given twice, or a stream concatenated with itself, counts every course
# once, in the flow and in the outcome goals alike.
cat courses.rec courses.rec >twice.rec
ifs-flow --year 2022 twice.rec >flow-twice.tsv 2>flow-twice.err
same_file flow.tsv flow-twice.tsv
contains flow-twice.err "44 courses given again (the same participant, insats and start date"
ifs-shares -t "$P/targets-register.json" --year 2022 twice.rec >outcomes-twice.tsv 2>outcomes-twice.err
same_file outcomes.tsv outcomes-twice.tsv
contains outcomes-twice.err "44 courses given again"
# A cumulative register: June's export has the course open, December's has it ended.
# One course: new and ended in 2022, not still going on; June's copy does not undo it
# whichever file comes first.
printf 'Personnummer;Insats;Kön;Startdatum;Slutdatum;Avslutsorsak\n19800102-1115;Enter;Man;2022-02-01;;\n' >jun.csv
printf 'Personnummer;Insats;Kön;Startdatum;Slutdatum;Avslutsorsak\n19800102-1115;Enter;Man;2022-02-01;2022-10-01;Arbete\n' >dec.csv
for order in "jun.csv dec.csv" "dec.csv jun.csv"; do
	# shellcheck disable=SC2086
	ifs-participants --key-file key $order 2>/dev/null | ifs-flow --year 2022 2>cumulative.err |
		awk -F'\t' '$3 == "flow" || ($3 == "end_reason" && $4 == "arbete") {print $4, $5}' >cumulative.got
	printf 'start 0\nnew 1\nended 1\nend 0\narbete 1\n' | same_file - cumulative.got
	contains cumulative.err "1 of those courses differed: the one that has ended"
done
# No course ended: no length, empty (null in JSON), not 0 days.
ifs-participants --key-file key jun.csv 2>/dev/null | ifs-flow --year 2022 | awk -F'\t' '$3 == "length" {print $4 "|" $5 "|" $6 "|" $7}' >no-length.got
printf 'median|||\nmean|||\n' | same_file - no-length.got
# ... also when the later export writes the insats in capitals (found by a new user's test).
printf 'Personnummer;Insats;Kön;Startdatum;Slutdatum;Avslutsorsak\n19800102-1115;ENTER;Man;2022-02-01;2022-10-01;Arbete\n' >dec-upper.csv
ifs-participants --key-file key jun.csv dec-upper.csv 2>/dev/null | ifs-flow --year 2022 2>/dev/null |
	awk -F'\t' '$3 == "flow" {print $2, $4, $5}' >upper.got
printf 'Enter start 0\nEnter new 1\nEnter ended 1\nEnter end 0\n' | same_file - upper.got
