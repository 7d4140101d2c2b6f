# Respondents identified by personnummer or participant code: never kept raw, never
# hashed without a key; with --key-file they are the keyed pseudonyms ifs-health makes.
. "$TESTLIB"
cd "$T"
export_file="$FIXTURES/ifs/personnummer-ids.csv"
head -c 32 /dev/urandom >key && chmod 600 key

# Without a key the row number stands in for every personal id.  The one rejected
# row keeps its place with the id removed; the row whose fields cannot be read, and
# so whose id cannot be found, is not kept at all.  The same person twice (rows 2 and
# 3, in two written forms), told apart in memory, is said to count twice.
expect_status 65 sh -c "ifs-survey --rejects plain-rejects.tsv '$export_file' >plain.rec 2>plain.err"
# (said as the row is read, or, past the repeat check's memory, at the end)
contains plain.err "ifs-survey: warning: $export_file:3: the same respondent answered again with other answers (2022-03-15), but the id is not kept without --key-file: both questionnaires are written, and count twice"
grep -v ":3: the same respondent answered again" plain.err >plain.err.rest
same_file - plain.err.rest <<END
ifs-survey: $export_file:6: column 8 (question tillvara): unknown answer "Jättebra"; expected one of Inte alls, Till liten del, Till viss del, Till stor del, Till mycket stor del, Helt och hållet, Vet ej / Ej aktuellt, Vet ej/Ej aktuellt, Vet ej, Ej aktuellt, Vet inte
ifs-survey: $export_file:8: expected 8 fields, found 7
ifs-survey: $export_file: 6 respondents identified by personnummer or participant code: not kept without --key-file (the row number stands in)
ifs-survey: warning: 1 questionnaires answered again with other answers by a respondent whose personnummer or participant code is not kept without --key-file (above) are written beside the earlier, and count as well; give --key-file KEY to count only the later
ifs-survey: 7 rows read = 6 written (11 answer records) + 1 rejected; 1 answers rejected (their rows kept)
END
# (past the repeat check's memory, those told apart are written at the end)
ifs-dump plain.rec | awk -F'\t' 'NR > 1 {print $1}' | sort -u >plain-respondents.txt
printf '%s\n' 0000000000000001 0000000000000002 0000000000000003 0000000000000004 0000000000000005 0000000000000006 |
	same_file - plain-respondents.txt
cut -f2- plain-rejects.tsv >plain-rejects.cut
same_file - plain-rejects.cut <<'END'
line	reason	row
6	column 8 (question tillvara): unknown answer "Jättebra"; expected one of Inte alls, Till liten del, Till viss del, Till stor del, Till mycket stor del, Helt och hållet, Vet ej / Ej aktuellt, Vet ej/Ej aktuellt, Vet ej, Ej aktuellt, Vet inte	[id removed];2022-06-01;Enter;Avslutad;Kvinna;29;Till viss del;Jättebra
8	expected 8 fields, found 7	[row not kept: it may hold an identifier that could not be located]
END

# A cumulative download without a key: the export, and a later one holding it and one
# more row.  The same questionnaires again are found by the ids told apart in memory
# (never written), and counted once: of later.csv's rows only 19770921-7893 (a damaged
# personnummer, not told apart: the row stands alone) and 9207044562 again in September
# (other answers) are written.  Enter nytta: the six of the export, those two: n 8,
# where writing every row gave 13.
cp "$export_file" first.csv
{ cat "$export_file"; printf '19920704-4562;2022-09-01;Enter;Avslutad;Man;30;Till stor del;Till stor del\n'; } >later.csv
expect_status 65 sh -c "ifs-survey first.csv later.csv >cumulative.rec 2>cumulative.err"
contains cumulative.err "15 rows read = 8 written (15 answer records) + 5 repeated (the same questionnaire again: counted once) + 2 rejected"
printf '{"goals": [{"id": "e", "insats": "Enter", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.75}]}\n' >enter.json
ifs-shares -t enter.json --year 2022 cumulative.rec 2>/dev/null | awk -F'\t' 'NR == 2 {print $8}' >cumulative-n.txt
echo 8 | same_file - cumulative-n.txt
contains cumulative.err "later.csv:9: the same respondent answered again with other answers (2022-09-01), but the id is not kept without --key-file: both questionnaires are written, and count twice"
contains cumulative.err "warning: 2 questionnaires answered again with other answers by a respondent whose personnummer or participant code is not kept"
ifs-dump cumulative.rec | awk -F'\t' 'NR > 1 && $1 !~ /^0000000000/' | grep . && fail "a respondent written as anything but its row number"

# The same answers again under a later date: the earlier questionnaire is written
# already under its row's number, so the later is dropped (counted once, under the
# earlier date), not written beside it.
printf 'Deltagare;Svarsdatum;Insats;Enkät;Kön;Ålder;nytta;tillvara\n%s\n%s\n' \
	"ENT-0100;2022-03-01;Enter;Avslutad;Kvinna;37;Helt och hållet;Till stor del" \
	"ENT-0100;2022-04-01;Enter;Avslutad;Kvinna;37;Helt och hållet;Till stor del" >same.csv
ifs-survey same.csv >same.rec 2>same.err || fail "same answers under a later date: $(cat same.err)"
contains same.err "same.csv:3: the same respondent's same answers came again under another, later date (2022-04-01), and the id is not kept without --key-file: the earlier date is kept"
contains same.err "2 rows read = 1 written (2 answer records) + 1 repeated"
ifs-dump same.rec | awk -F'\t' 'NR > 1 {print $2}' | sort -u >same-dates.txt
echo 2022-03-01 | same_file - same-dates.txt

# With a key: one pseudonym per person whichever form the number was written in, a
# malformed personnummer rejected, and the ids gone from the reject file.
expect_status 65 sh -c "ifs-survey --key-file key --rejects keyed-rejects.tsv '$export_file' >keyed.rec 2>keyed.err"
contains keyed.err "$export_file:5: invalid personnummer (check digit)"
contains keyed.err "7 rows read = 5 written (9 answer records) + 2 rejected; 1 answers rejected (their rows kept)"
# The same person answered twice (in both written forms): reported, the later answers count.
contains keyed.err "$export_file:3: the same respondent answered again with other answers (2022-03-15): the later answers are kept"
lacks keyed.err "not kept without --key-file"
ifs-dump keyed.rec | awk -F'\t' 'NR > 1 {print $2, $1}' | uniq >keyed-respondents.txt
[ "$(wc -l <keyed-respondents.txt)" = 5 ] || fail "expected 5 written questionnaires"
# (one pseudonym in two questionnaires; with everything spilled the second of them is
# written at the end, so not by its place)
first=$(cut -d' ' -f2 keyed-respondents.txt | sort | uniq -d)
[ -n "$first" ] && [ "$(echo "$first" | wc -l)" = 1 ] || fail "19850314-1239 and 850314-1239 got different pseudonyms"
[ "$(cut -d' ' -f2 keyed-respondents.txt | sort -u | wc -l)" = 4 ] || fail "four people expected"
[ "$(grep -c '\[id removed\]' keyed-rejects.tsv)" = 2 ] || { cat keyed-rejects.tsv; fail "ids not removed"; }
[ "$(stat -c %a keyed-rejects.tsv)" = 600 ] || fail "reject file mode $(stat -c %a keyed-rejects.tsv)"

# The same person in the health questionnaire, under the same key: the same pseudonym.
printf 'Deltagare;Datum;Insats;Tillfälle;Kön;Livskvalitet;VAS\n198503141239;2022-01-10;Enter;Inskrivning;Kvinna;;50\n850314-1239;2022-03-01;Enter;Avslut;Kvinna;Bättre;70\n' >health.csv
ifs-health --key-file key health.csv 2>health.err | ifs-dump --health | awk -F'\t' 'NR == 2 {print $2}' >health-participant.txt
echo "$first" | same_file - health-participant.txt

# A key readable by others is refused before anything is read.
cp key open.key && chmod 644 open.key
expect_status 77 sh -c "ifs-survey --key-file open.key '$export_file' >/dev/null 2>open.err"
contains open.err "open.key is readable by group or others (mode 0644); run chmod 600 open.key"
expect_status 66 sh -c "ifs-survey --key-file missing.key '$export_file' >/dev/null 2>missing.err"

# Not one identifier, in any written form, in anything written.
for out in plain.rec plain.err plain-rejects.tsv keyed.rec keyed.err keyed-rejects.tsv cumulative.rec cumulative.err; do
	while read -r id; do
		if grep -qF -- "$id" "$out"; then fail "$out holds the identifier $id"; fi
	done <"$FIXTURES/ifs/personnummer-ids.identifiers"
done

# A survey tool's own response ids are kept (hashed) without a key, as before.
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" 2>/dev/null | ifs-dump | awk -F'\t' 'NR == 2 {print $1}' >response-id.txt
[ "$(cat response-id.txt)" != 0000000000000001 ] || fail "a response id was dropped"

# "-", "N/A" and "#N/A" name nobody: six rows are six respondents (the row number stands
# in), not three whose later answers replace the earlier; 3 of 6 klart positive.
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Kön;Fråga 1\n-;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet\n-;2022-03-02;FIA;Avslutad;Man;Inte alls\nN/A;2022-03-03;FIA;Avslutad;Man;Inte alls\nN/A;2022-03-04;FIA;Avslutad;Kvinna;Till mycket stor del\n#N/A;2022-03-05;FIA;Avslutad;Kvinna;Helt och hållet\n  ;2022-03-06;FIA;Avslutad;Man;Till stor del\n' >placeholders.csv
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --min-n 1 placeholders.csv 2>placeholders.err |
	awk -F'\t' '$3 == "fia-nytta" {print $8, $9}' >placeholders.got
echo "6 3" | same_file - placeholders.got
lacks placeholders.err "repeated"
printf 'Deltagare;Datum;Insats;Tillfälle;VAS\n-;2022-02-01;Enter;Inskrivning;40\n-;2022-09-01;Enter;Avslut;70\n' >health-placeholder.csv
expect_status 65 sh -c "ifs-health --key-file key health-placeholder.csv >/dev/null 2>health-placeholder.err"
contains health-placeholder.err 'health-placeholder.csv:2: no participant id ("-" stands for none)'
contains health-placeholder.err "0 pairs"

# ifs-shares reading exports tells people apart in memory, under a key of the run's own:
# a cumulative download identified by personnummer counts each answer once. June has 5,
# October the same 5 and 2 more, one of them the first person again (ten digits) with a
# later, other answer: 6 people, klart positive 19710211 and 19811218; 3 women (1), 3 men (1).
cat >pn-june.csv <<'CSV'
Personnummer;Svarsdatum;Insats;Enkät;Kön;Fråga 1
19800101-9200;2022-03-01;FIA;Avslutad;Kvinna;Helt och hållet
19700110-2008;2022-03-02;FIA;Avslutad;Kvinna;Inte alls
19710211-2021;2022-03-03;FIA;Avslutad;Kvinna;Till mycket stor del
19800102-1115;2022-03-04;FIA;Avslutad;Man;Till stor del
19811218-9876;2022-03-05;FIA;Avslutad;Man;Helt och hållet
CSV
{ cat pn-june.csv; printf '19850312-1231;2022-04-01;FIA;Avslutad;Man;Inte alls\n8001019200;2022-04-02;FIA;Avslutad;Kvinna;Inte alls\n'; } >pn-october.csv
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --min-n 1 pn-june.csv pn-october.csv 2>pn.err |
	awk -F'\t' '$3 == "fia-nytta" {print $8, $9, $14, $15, $17, $18}' >pn.got
echo "6 2 3 1 3 1" | same_file - pn.got
contains pn.err "6 answers given again"
lacks pn.err "not kept"
lacks pn.err "19800101"
# The same file twice (under two names too) is refused: rows without an id would count twice.
expect_status 64 sh -c "ifs-shares -t '$FIXTURES/targets.json' --year 2022 pn-june.csv ./pn-june.csv >/dev/null 2>twice.err"
contains twice.err "./pn-june.csv: the same file as pn-june.csv: name each input once"
expect_status 64 sh -c "ifs-survey pn-june.csv pn-june.csv >/dev/null 2>twice-survey.err"
contains twice-survey.err "pn-june.csv: given twice"

# A stream made with --key-file beside an export read by ifs-shares: the same respondents
# meet only under the same key.  Without it ifs-shares says so (the cumulative download's
# 3 repeated respondents count twice: 7, not 4); with it, each answer counts once.
R="$FIXTURES/real"
ifs-survey --key-file key "$R/ifs-cumulative-early.csv" >early-keyed.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 early-keyed.rec "$R/ifs-cumulative-later.csv" 2>mixed.err |
	awk -F'\t' '$3 == "fia-nytta" {print $8}' >mixed.got
echo 7 | same_file - mixed.got
contains mixed.err "exports read here without a key beside ifs-survey streams made with the key $(ifs-health --key-file key --key-fingerprint)"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --key-file key early-keyed.rec "$R/ifs-cumulative-later.csv" 2>mixed-key.err |
	awk -F'\t' '$3 == "fia-nytta" {print $8, $9, $14, $15, $17, $18}' >mixed-key.got
echo "4 3 2 1 2 2" | same_file - mixed-key.got
lacks mixed-key.err "never meet"
# Streams made under two keys: a person is two, and ifs-shares says so.
head -c 32 /dev/urandom >key2 && chmod 600 key2
ifs-survey --key-file key2 "$R/ifs-cumulative-later.csv" >later-key2.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 early-keyed.rec later-key2.rec >/dev/null 2>two-keys.err
contains two-keys.err "ifs-survey streams made under different keys ($(ifs-health --key-file key --key-fingerprint), $(ifs-health --key-file key2 --key-fingerprint))"
# A stream made without a key beside one made with a key: hashes and pseudonyms never meet.
ifs-survey "$R/ifs-cumulative-later.csv" >later-nokey.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 early-keyed.rec later-nokey.rec >/dev/null 2>keyed-unkeyed.err
contains keyed-unkeyed.err "ifs-survey streams made under different keys ($(ifs-health --key-file key --key-fingerprint), none)"
ifs-shares -t "$FIXTURES/targets.json" --year 2022 --key-file key later-nokey.rec "$R/ifs-cumulative-early.csv" >/dev/null 2>unkeyed-export.err
contains unkeyed-export.err "exports read here with --key-file beside ifs-survey streams made without a key"
ifs-survey "$R/ifs-cumulative-early.csv" >early-nokey.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 early-nokey.rec later-nokey.rec >/dev/null 2>unkeyed-both.err
lacks unkeyed-both.err "never meet"
# Health pairs (keyed) beside answers (unkeyed) never meet, and need not: no warning.
ifs-health --key-file key "$FIXTURES/health/enter-2022.csv" >health-keyed.rec 2>/dev/null
ifs-shares -t "$FIXTURES/targets.json" --year 2022 early-nokey.rec health-keyed.rec >/dev/null 2>kinds.err
lacks kinds.err "never meet"
lacks kinds.err "different keys"
