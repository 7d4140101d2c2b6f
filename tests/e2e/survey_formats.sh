# One export in every encoding, separator, line end, quoting, gzip, JSON and with label
# numbers instead of labels: every one dumps to byte-identical records.
. "$TESTLIB"
cd "$FIXTURES/ifs"
ifs-survey deltagare-2022.csv >"$T/master.rec" 2>"$T/master.err"
ifs-dump "$T/master.rec" >"$T/master.tsv"
contains "$T/master.err" "ifs-survey: 37 rows read = 37 written (148 answer records) + 0 rejected"
same_file "$ROOT/tests/e2e/golden/deltagare-2022.dump.tsv" "$T/master.tsv"
for variant in variants/*; do
	name=$(basename "$variant")
	ifs-survey "$variant" >"$T/$name.rec" 2>"$T/$name.err" || { cat "$T/$name.err"; fail "$name: exit $?"; }
	ifs-dump "$T/$name.rec" >"$T/$name.tsv"
	same_file "$T/master.tsv" "$T/$name.tsv"
done
# stdin works as well as a named file, gzip included.
ifs-survey <variants/export.csv.gz | ifs-dump >"$T/stdin.tsv"
same_file "$T/master.tsv" "$T/stdin.tsv"
# Counts worked out from make-fixtures.py: 148 = 37 questionnaires x 4 questions.
[ "$(tail -n +2 "$T/master.tsv" | wc -l)" = 148 ] || fail "expected 148 answer lines"
# FIA nytta in mätår 2022: levels 6,6,5,5,6,5,5,6,4,3,2, one Vet ej (0), one blank.
awk -F'\t' '$5=="FIA" && $9=="nytta" && $3==2022 {c[$10==""?"blank":$10]++}
	END {printf "6=%d 5=%d 4=%d 3=%d 2=%d 1=%d 0=%d blank=%d\n", c[6],c[5],c[4],c[3],c[2],c[1],c[0],c["blank"]}' \
	"$T/master.tsv" >"$T/fia-nytta.txt"
echo "6=4 5=4 4=1 3=1 2=1 1=0 0=1 blank=1" | same_file - "$T/fia-nytta.txt"
# Mätår boundaries: 2021-10-31 belongs to 2021, 2021-11-01 and 2022-10-31 to 2022, 2022-11-01 to 2023.
awk -F'\t' '$9=="nytta" {print $2, $3}' "$T/master.tsv" | sort -u | grep -E '^(2021-10-31|2021-11-01|2022-10-31|2022-11-01) ' >"$T/matar.txt"
printf '2021-10-31 2021\n2021-11-01 2022\n2022-10-31 2022\n2022-11-01 2023\n' | same_file - "$T/matar.txt"
# Gender (counted from make-fixtures.py): 16 Kvinna, 17 Man, 1 Annat, 3 unstated (2 blank, 1 "Vill ej uppge").
awk -F'\t' '$9=="nytta" {g[$7==""?"none":$7]++} END {print g["K"], g["M"], g["annat"], g["none"]}' "$T/master.tsv" >"$T/genders.txt"
echo "16 17 1 3" | same_file - "$T/genders.txt"
# Several files in one run make one stream; the same export saved twice (CSV and JSON)
# counts once: every questionnaire of the second is a repeat.
ifs-survey deltagare-2022.csv variants/export.json 2>"$T/two.err" | ifs-dump | tail -n +2 | wc -l | tr -d ' ' >"$T/two.txt"
echo 148 | same_file - "$T/two.txt"
contains "$T/two.err" "74 rows read = 37 written (148 answer records) + 37 repeated (the same questionnaire again: counted once) + 0 rejected"
# An export without a gender column: its answers count among all, and standard error says
# so once (at its first row, on either thread), so that empty women's and men's columns are
# not taken for a count of none.  A file with no rows says only that it has none.
cut -d';' -f1-4,6- deltagare-2022.csv >"$T/no-gender.csv"
for jobs in 1 2; do
	ifs-survey --jobs $jobs "$T/no-gender.csv" 2>"$T/no-gender-$jobs.err" | ifs-dump | awk -F'\t' 'NR > 1 && $7 != ""' >"$T/gendered.txt"
	[ ! -s "$T/gendered.txt" ] || fail "answers of an export without a gender column have one"
	[ "$(grep -c "no gender column" "$T/no-gender-$jobs.err")" = 1 ] || { cat "$T/no-gender-$jobs.err"; fail "--jobs $jobs: the missing gender column said not once"; }
	contains "$T/no-gender-$jobs.err" "ifs-survey: warning: $T/no-gender.csv: no gender column (Kön): its answers count among all, not among women or men"
	contains "$T/no-gender-$jobs.err" "37 rows read = 37 written (148 answer records) + 0 rejected"
done
head -n 1 "$T/no-gender.csv" >"$T/no-gender-header.csv"
expect_status 65 sh -c "ifs-survey '$T/no-gender-header.csv' >/dev/null 2>'$T/no-gender-header.err'"
lacks "$T/no-gender-header.err" "no gender column"
lacks "$T/master.err" "no gender column"
