# Exports as a förbund's office saves them (Swedish Excel: Windows-1252, ';', CRLF):
# what Excel does to identifiers is refused with advice, never paired; age groups
# and unstated gender cost nothing; a decimal comma is read.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
R="$FIXTURES/real"

# Health: two men whose personnummer Excel turned into one number (1,97901E+11) are
# refused, not paired with each other; a leading zero lost is refused; "19850312 1231"
# pairs with "198503121231"; VAS "30,5" is read as 31 (half up), so 41 is clearly better.
expect_status 65 sh -c "ifs-health --key-file key --rejects rejects.tsv '$R/health-excel.csv' >health.rec 2>health.err"
contains health.err "health-excel.csv:2: the participant id is a number in Excel's scientific notation (such as 1,23457E+11): Excel has destroyed the identifier; format the column as text"
contains health.err "health-excel.csv:3: the participant id is a number in Excel's scientific notation"
contains health.err "health-excel.csv:6: the participant id is a personnummer whose leading zero was lost (9 digits)"
contains health.err "7 rows read = 4 used + 0 duplicates + 3 rejected; records: 2 pairs, 0 intake only, 0 exit only"
ifs-dump --health health.rec | awk -F'\t' 'NR > 1 {print $1, $3, $4, $11, $12}' | sort >pairs.txt
same_file - pairs.txt <<'END'
pair 2022-01-12 2022-06-03 45 61
pair 2022-02-02 2022-06-20 31 41
END
! grep -q '503122467\|1,97901E+11' rejects.tsv || fail "the reject file keeps a damaged identifier"

# IFS: "30-44", "34 år", "under 25" as age, "Vill ej ange" and "Ej angivet" as gender:
# every row kept; the unstated count in the total only.
ifs-survey "$R/ifs-age-gender.csv" >ifs.rec 2>ifs.err || { cat ifs.err; fail "age groups or unstated gender rejected rows"; }
contains ifs.err "5 rows read = 5 written (10 answer records) + 0 rejected"
ifs-dump ifs.rec | awk -F'\t' 'NR > 1 && $9 == "nytta" {print $7 "|" $8}' >background.txt
printf 'K|\nM|34\n|\n|\nK|\n' | same_file - background.txt
ifs-shares -t "$FIXTURES/targets.json" --year 2022 ifs.rec 2>/dev/null | awk -F'\t' '$3 == "fia-nytta" {print $8, $9, $14, $15, $17, $18}' >nytta.txt
echo "5 3 2 2 1 0" | same_file - nytta.txt

# Cumulative exports: tonight's repeats last night's.  Each answer counts once, in
# ifs-survey across files and again in ifs-shares across streams; a respondent who
# answered again with other answers counts with the later ones (R-2: 1 on 2022-02-10,
# then 6 on 2022-05-01).  fia-nytta, klart positivt: R-1 6, R-2 6, R-3 4, R-4 5 = 3 of 4;
# women R-1, R-3: 1 of 2; men R-2, R-4: 2 of 2.
early="$R/ifs-cumulative-early.csv" later="$R/ifs-cumulative-later.csv"
ifs-survey "$early" "$later" >both.rec 2>both.err
contains both.err "8 rows read = 5 written (5 answer records) + 3 repeated (the same questionnaire again: counted once) + 0 rejected"
contains both.err "ifs-cumulative-later.csv:6: the same respondent answered again with other answers (2022-05-01): the later answers are kept"
shares_row() { ifs-shares -t "$FIXTURES/targets.json" --year 2022 "$@" 2>>shares.err | awk -F'\t' '$3 == "fia-nytta" {print $8, $9, $14, $15, $17, $18}'; }
echo "4 3 2 1 2 2" >want.txt
shares_row both.rec | same_file want.txt -
# The same file under two names: refused, as rows without an id would count twice.
cp "$later" later-copy.csv
ln later-copy.csv later-link.csv
expect_status 64 sh -c "ifs-survey later-copy.csv later-link.csv >/dev/null 2>twice.err"
contains twice.err "later-link.csv: the same file as later-copy.csv: name each input once"
# A copy is another file: its identified rows add nothing.
ifs-survey "$later" later-copy.csv 2>twice.err | ifs-dump | tail -n +2 | wc -l | tr -d ' ' >twice.txt
echo 5 | same_file - twice.txt
contains twice.err "10 rows read = 5 written (5 answer records) + 5 repeated"
# Normalised apart and concatenated, or named twice: ifs-shares counts each answer once, and says so.
ifs-survey "$early" >early.rec 2>/dev/null
ifs-survey "$later" >later.rec 2>/dev/null
cat early.rec later.rec | shares_row | same_file want.txt -
cp later.rec later-again.rec
shares_row later.rec later-again.rec | same_file want.txt -
contains shares.err "answers given again (the same respondent, insats, group and question more than once, in one input or across inputs) counted once"
# Without a respondent id there is nothing to tell repeats by: two exports are two sets of answers.
cut -d';' -f2- "$early" >no-id.csv
cp no-id.csv no-id-2.csv
ifs-survey no-id.csv no-id-2.csv 2>no-id.err | ifs-dump | tail -n +2 | wc -l | tr -d ' ' >no-id.txt
echo 6 | same_file - no-id.txt
# ... and both tools say so, rather than count twice in silence.
contains no-id.err "warning: 6 rows without a respondent id (or with one not kept without --key-file), from 2 inputs"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 no-id.csv no-id-2.csv >/dev/null 2>no-id-shares.err
contains no-id-shares.err "warning: 6 questionnaires without a respondent id (or with one not kept), from 2 exports or streams"
ifs-survey no-id.csv >no-id.rec 2>/dev/null
cat no-id.rec no-id.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 >/dev/null 2>no-id-cat.err
contains no-id-cat.err "warning: 6 questionnaires without a respondent id (or with one not kept), from 2 exports or streams"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 no-id.csv >/dev/null 2>no-id-one.err
lacks no-id-one.err "without a respondent id"
# Health pairs given twice count once.
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" >pairs.rec 2>/dev/null
cat pairs.rec pairs.rec | ifs-shares -t "$FIXTURES/targets.json" --year 2022 2>/dev/null | awk -F'\t' '$3 == "enter-halsa" {print $8, $9}' >halsa.txt
echo "23 21" | same_file - halsa.txt

# A reworded question ("som varit till stor nytta" for "som är till stor nytta") is the
# same question by its words; a question-like column that matches nothing is named in a
# warning with the question it nearly is; -v says what every column became.
ifs-survey -v "$R/ifs-reworded.csv" >reworded.rec 2>reworded.err
contains reworded.err 'column 6 "Har du fått stöd på ett sätt som varit till stor nytta för d…": question nytta (reworded: matched by its words)'
contains reworded.err 'warning: '"$R"'/ifs-reworded.csv:1: column 7 "Har personalen lyssnat på dig?" matches no question of the codebook; the nearest is tid'
contains reworded.err 'column 2 "Svarsdatum": answer date'
contains reworded.err 'column 8 "Kommentar": not used'
ifs-dump reworded.rec | awk -F'\t' 'NR > 1 {print $9, $10}' >reworded.txt
printf 'nytta 6\nnytta 3\n' | same_file - reworded.txt

# One unknown answer ("Ingen åsikt") costs that answer, not the respondent's others.
printf 'Respondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1;F2\r\nR-9;2022-03-01;FIA;Avslutad;Kvinna;Ingen \345sikt;Helt och h\345llet\r\n' >cell.csv
expect_status 65 sh -c "ifs-survey cell.csv >cell.rec 2>cell.err"
contains cell.err 'cell.csv:2: column 6 (question nytta): unknown answer "Ingen åsikt"; expected one of Inte alls, Till liten del'
contains cell.err "1 rows read = 1 written (1 answer records) + 0 rejected; 1 answers rejected (their rows kept)"
ifs-dump cell.rec | awk -F'\t' 'NR > 1 {print $9, $10}' >cell.txt
echo "tillvara 6" | same_file - cell.txt

# Rows of only separators under the data (Excel leaves them): skipped and counted, not
# rejected; a file with nothing else is still "no data rows".
printf 'Respondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1\r\nR-1;2022-03-01;FIA;Avslutad;Man;Helt och h\345llet\r\n;;;;;\r\n;;;\r\n' >blank.csv
ifs-survey blank.csv >blank.rec 2>blank.err || { cat blank.err; fail "separator-only rows failed the run"; }
contains blank.err "3 rows read = 1 written (1 answer records) + 2 empty + 0 rejected"
printf 'Respondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1\r\n;;;;;\r\n' >only-blank.csv
expect_status 65 sh -c "ifs-survey only-blank.csv >/dev/null 2>only-blank.err"
contains only-blank.err "only-blank.csv: no data rows (header only)"

# A targets file written by hand: each mistake located, explained, and all listed at once.
python3 - "$FIXTURES/targets.json" <<'PY'
import json, sys
text = json.dumps(json.load(open(sys.argv[1])), indent=1, ensure_ascii=False)
open("t-comma.json", "w").write(text.replace('"target": 0.75', '"target": 0,75', 1))
open("t-trailing.json", "w").write(text.replace("\n  }\n ]", "\n  },\n ]", 1))
t = json.loads(text)
t["goals"][0]["target"] = "0,75"
t["goals"][1]["group"] = "avslutade"
t["goals"][2]["level"] = "bra"
open("t-many.json", "w").write(json.dumps(t, indent=1, ensure_ascii=False))
open("t-cp1252.json", "wb").write(text.replace('"FIA"', '"Förberedande"', 1).encode("cp1252"))
PY
for f in t-comma t-trailing t-many t-cp1252; do
	expect_status 65 sh -c "ifs-shares -t $f.json --year 2022 ifs.rec >/dev/null 2>$f.err"
done
contains t-comma.err "t-comma.json:11:17: not valid JSON: a decimal comma? write 0.75, with a point, for 75 %"
contains t-trailing.err "t-trailing.json:65:2: not valid JSON: a comma before } or ] (remove it)"
contains t-many.err 'goal "fia-nytta": "target" is the text "0,75": write a number with a decimal point and no quotes, such as 0.75 for 75 %'
contains t-many.err 'goal "fia-tillvara": bad group "avslutade"'
contains t-many.err 'goal "fia-redo": bad level'
contains t-cp1252.err "t-cp1252.json:7:16: not UTF-8 text (saved as Windows-1252 by Excel or Notepad?): save the file as UTF-8"

# The same questionnaires with the question columns in another order are the same
# questionnaires: repeats, not respondents who answered again.
python3 - "$FIXTURES/ifs/deltagare-2022.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter=";"))
order = [0, 1, 2, 3, 4, 5, 7, 6, 9, 8, 10]
csv.writer(open("reordered.csv", "w", encoding="utf-8", newline=""), delimiter=";").writerows([[r[i] for i in order] for r in rows])
PY
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" reordered.csv >reordered.rec 2>reordered.err
contains reordered.err "74 rows read = 37 written (148 answer records) + 37 repeated"
lacks reordered.err "answered again"

# Dates as Swedish Excel writes them: D/M/YYYY read day first, with a note; a time after
# the date is fine; a day the calendar lacks says so.
printf 'Respondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1\r\nR-1;1/3/2022;FIA;Avslutad;Man;Helt och h\345llet\r\nR-2;15.11.2021;FIA;Avslutad;Man;Helt och h\345llet\r\nR-3;2022-03-04 13:45;FIA;Avslutad;Man;Inte alls\r\nR-4;2022-02-29;FIA;Avslutad;Man;Inte alls\r\n' >dates.csv
expect_status 65 sh -c "ifs-survey dates.csv >dates.rec 2>dates.err"
contains dates.err "dates.csv: 2 dates written D/M/YYYY were read day first, the Swedish way (1/3/2022 is 1 March 2022)"
contains dates.err 'dates.csv:5: bad answer date "2022-02-29": no such day in the calendar'
ifs-dump dates.rec | awk -F'\t' 'NR > 1 {print $2, $3}' >dates.txt
printf '2022-03-01 2022\n2021-11-15 2022\n2022-03-04 2022\n' | same_file - dates.txt
# ifs-health too: separator-only rows are counted in the summary's sum, not rejected.
printf 'Deltagare;Datum;Insats;Tillf\344lle;K\366n;VAS\r\nP-1;2022-01-10;Enter;Inskrivning;Man;30\r\n;;;;;\r\n' >health-blank.csv
ifs-health --key-file key health-blank.csv >/dev/null 2>health-blank.err || { cat health-blank.err; fail "a separator-only row failed ifs-health"; }
contains health-blank.err "2 rows read = 1 used + 0 duplicates + 1 empty + 0 rejected"

# A title line and an empty ';;;;' line above the header (as Excel reports are saved):
# the header is found where it is, the lines above named with -v; a file with no header
# at all still gets the reason of its first line.
printf 'Indikatorenk\344t FIA 2022, uttag 2022-11-20\r\n;;;;;\r\nRespondent-ID;Svarsdatum;Insats;Enk\344t;K\366n;Fr\345ga 1\r\nR-1;2022-03-01;FIA;Avslutad;Man;Helt och h\345llet\r\n' >title.csv
ifs-survey -v title.csv >title.rec 2>title.err || { cat title.err; fail "a title line made the file unusable"; }
contains title.err "title.csv: header on line 3; the 2 line(s) above it (a title, empty lines) skipped"
contains title.err "1 rows read = 1 written (1 answer records) + 0 rejected"
lacks title.err "not used"
printf 'Uttag ur h\344lsoenk\344ten\r\nDeltagare;Datum;Insats;Tillf\344lle;K\366n;VAS\r\nP-1;2022-01-10;Enter;Inskrivning;Man;30\r\n' >health-title.csv
ifs-health --key-file key health-title.csv >/dev/null 2>health-title.err || { cat health-title.err; fail "a title line made the health export unusable"; }
contains health-title.err "1 rows read = 1 used"
printf 'Namn;Adress\r\nA;B\r\nC;D\r\n' >no-header.csv
expect_status 65 sh -c "ifs-survey no-header.csv >/dev/null 2>no-header.err"
contains no-header.err "no-header.csv:1: no answer-date column (expected Datum or Svarsdatum)"

# An Excel workbook as the office keeps it (fixtures/real/make-xlsx.py, written by
# openpyxl): found from its content whatever its name; the header below a title line;
# dates from date cells (one with a time); "30-44", 34 as a number, an answer turned
# into the number 4; a date typed into a General cell is the serial 44628, refused with
# the date it stands for; the second visible sheet is not read, and the tool says so.
cp "$R/ifs-office.xlsx" office-export
expect_status 65 sh -c "ifs-survey -v --rejects office-rejects.tsv office-export >office.rec 2>office.err"
contains office.err "office-export: header on line 3; the 2 line(s) above it (a title, empty lines) skipped"
contains office.err 'office-export: xlsx, sheet "Svar 2022", 8 columns'
contains office.err 'warning: office-export: only the first sheet, "Svar 2022", is read; the workbook has 2 visible sheets'
contains office.err 'office-export:7: bad answer date "44628" (expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY; 44628 is how a spreadsheet stores 2022-03-08: format the column as a date before saving)'
contains office.err "5 rows read = 4 written (8 answer records) + 1 rejected"
ifs-dump office.rec | awk -F'\t' 'NR > 1 {print $2, $7 "|" $8, $9, $10}' >office.txt
same_file - office.txt <<'END'
2022-03-01 K| nytta 6
2022-03-01 K| tillvara 4
2022-03-02 M|34 nytta 1
2022-03-02 M|34 tillvara 3
2022-03-03 | nytta 5
2022-03-03 | tillvara 4
2022-03-05 M| nytta 5
2022-03-05 M| tillvara 6
END
# the reject file holds the row as a ';' line, its line the sheet's row number
awk -F'\t' 'NR == 2 {print $2, $4}' office-rejects.tsv >office-reject.txt
echo "7 X-4;44628;FIA;Avslutad;Kvinna;51;Till stor del;Till stor del" | same_file - office-reject.txt
# from a pipe and gzipped, the same records
ifs-survey - <"$R/ifs-office.xlsx" 2>/dev/null | ifs-dump >office-stdin.tsv || true
ifs-dump office.rec | same_file - office-stdin.tsv
gzip -c "$R/ifs-office.xlsx" >office.xlsx.gz
ifs-survey office.xlsx.gz 2>/dev/null | ifs-dump >office-gz.tsv || true
ifs-dump office.rec | same_file - office-gz.tsv
# a legacy .xls and an OpenDocument sheet get what to save them as; a truncated
# workbook is refused whole, never read short
printf '\320\317\021\340\241\261\032\341\0\0\0\0' >old.xls
expect_status 65 sh -c "ifs-survey old.xls >/dev/null 2>old.err"
contains old.err "old.xls: a legacy Excel .xls workbook (or a password-protected one): open it in Excel and save it as .xlsx without a password, or as CSV UTF-8"
head -c 3000 "$R/ifs-office.xlsx" >cut.xlsx
expect_status 65 sh -c "ifs-survey cut.xlsx >/dev/null 2>cut.err"
contains cut.err "cut.xlsx: a damaged or truncated .xlsx workbook"
# ifs-health reads the same workbook shapes: enter-2022.xlsx (fixtures/health/make-xlsx.py)
# holds enter-2022.csv with dates as date cells and every third personnummer typed
# without its dash, stored by Excel as a number: the same pairs, byte for byte.
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" 2>/dev/null | ifs-dump --health >health-csv.tsv
ifs-health --key-file key "$FIXTURES/health/enter-2022.xlsx" 2>health-xlsx.err | ifs-dump --health >health-xlsx.tsv
contains health-xlsx.err "54 rows read = 53 used + 1 duplicates + 0 rejected; records: 25 pairs, 2 intake only, 1 exit only"
same_file health-csv.tsv health-xlsx.tsv

# A row with more fields than the header is refused even when the extra one is empty at
# the end: here an unquoted ';' in the comment and an empty last answer.  Dropping the empty
# field would shift "Inte alls" from F2 into F1 (found by a new user's test).
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Kommentar;Fråga 1;Fråga 2\r\nR-1;2022-03-01;FIA;Avslutad;Kvinna;Bra; tack;Inte alls;\r\nR-2;2022-03-02;FIA;Avslutad;Man;ok;Inte alls;Helt och hållet\r\n' >shifted.csv
expect_status 65 sh -c "ifs-survey shifted.csv >shifted.rec 2>shifted.err"
contains shifted.err "shifted.csv:2: expected 8 fields, found 9"
contains shifted.err "2 rows read = 1 written (2 answer records) + 1 rejected"
