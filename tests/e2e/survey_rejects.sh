# Bad rows are rejected with file:line: reason; every other row is kept; the summary adds up.
. "$TESTLIB"
cd "$FIXTURES/ifs"
expect_status 65 sh -c "ifs-survey --rejects '$T/rejects.tsv' with-errors.csv >'$T/out.rec' 2>'$T/err'"
cat >"$T/expected.err" <<'END'
ifs-survey: with-errors.csv:5: column 8 (question tillvara): unknown answer "Jättebra"; expected one of Inte alls, Till liten del, Till viss del, Till stor del, Till mycket stor del, Helt och hållet, Vet ej / Ej aktuellt, Vet ej/Ej aktuellt, Vet ej, Ej aktuellt, Vet inte
ifs-survey: with-errors.csv:6: bad answer date "2022-13-01" (expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY)
ifs-survey: with-errors.csv:7: no answer date
ifs-survey: with-errors.csv:8: column 5 (gender): unknown gender "Q"; expected Kvinna, Man, Annat, Vill ej uppge or empty (the row is kept without it)
ifs-survey: with-errors.csv:9: expected 11 fields, found 8
ifs-survey: 9 rows read = 6 written (23 answer records) + 3 rejected; 1 answers rejected (their rows kept); 1 genders unreadable (their rows kept)
END
same_file "$T/expected.err" "$T/err"
# The kept rows are the three good ones before the errors, R-5001 less its one unknown
# answer (a bad cell costs that answer only), R-5004 without its gender "Q" (a typo in the
# gender costs the gender: counted among all, not among women or men), and R-5006 after them.
ifs-dump "$T/out.rec" | awk -F'\t' 'NR>1 && $9=="nytta" {print $2, $10, $7}' >"$T/kept.txt"
printf '2021-11-01 6 K\n2021-12-14 6 K\n2022-01-20 5 K\n2022-03-01 5 K\n2022-03-02 1 \n2022-03-04 6 M\n' | same_file - "$T/kept.txt"
ifs-dump "$T/out.rec" | awk -F'\t' 'NR>1 && $2=="2022-03-01" {print $9}' | tr '\n' ' ' >"$T/r5001.txt"
echo "nytta redo hantera " | tr -d '\n' | same_file - "$T/r5001.txt"
# The reject file keeps each row verbatim with its reason, and is private.
[ "$(wc -l <"$T/rejects.tsv")" = 6 ] || fail "reject file should hold a header and 5 rows"
contains "$T/rejects.tsv" "file	line	reason	row"
contains "$T/rejects.tsv" "with-errors.csv	5	column 8 (question tillvara): unknown answer \"Jättebra\"; expected one of Inte alls, Till liten del, Till viss del, Till stor del, Till mycket stor del, Helt och hållet, Vet ej / Ej aktuellt, Vet ej/Ej aktuellt, Vet ej, Ej aktuellt, Vet inte	R-5001;2022-03-01;FIA;Avslutad;Kvinna;40;Till mycket stor del;Jättebra;Till stor del;Inte alls;"
contains "$T/rejects.tsv" "with-errors.csv	9	expected 11 fields, found 8	R-5005;2022-03-03;FIA;Avslutad;Man;41;Inte alls;Inte alls"
contains "$T/rejects.tsv" "with-errors.csv	8	column 5 (gender): unknown gender \"Q\"; expected Kvinna, Man, Annat, Vill ej uppge or empty (the row is kept without it)	R-5004;2022-03-02;FIA;Avslutad;Q;41;Inte alls;Inte alls;Inte alls;Inte alls;"
[ "$(stat -c %a "$T/rejects.tsv")" = 600 ] || fail "reject file mode $(stat -c %a "$T/rejects.tsv")"
# A reject file that was there, open to others, is not left so: it holds rows of the export.
printf 'old\n' >"$T/old-rejects.tsv" && chmod 644 "$T/old-rejects.tsv"
expect_status 65 sh -c "ifs-survey --rejects '$T/old-rejects.tsv' with-errors.csv >/dev/null 2>/dev/null"
[ "$(stat -c %a "$T/old-rejects.tsv")" = 600 ] || fail "an old reject file kept mode $(stat -c %a "$T/old-rejects.tsv")"
cmp -s "$T/rejects.tsv" "$T/old-rejects.tsv" || fail "the old reject file was not replaced whole"

# Exports without insats or group columns: the command line supplies them.
expect_status 65 sh -c "ifs-survey fia-pagaende-utan-insats.csv >/dev/null 2>'$T/noinsats.err'"
same_file - "$T/noinsats.err" <<'END'
ifs-survey: fia-pagaende-utan-insats.csv:1: no insats column (Insats, Verksamhet); name the intervention with --insats
ifs-survey: output stream left unfinished because an input could not be read whole
ifs-survey: 0 rows read = 0 written (0 answer records) + 0 rejected; some files unusable, see above
END
ifs-survey --insats FIA --group pagaende --forbund Finnveden fia-pagaende-utan-insats.csv 2>"$T/ok.err" | ifs-dump >"$T/supplied.tsv"
contains "$T/ok.err" "8 rows read = 8 written (16 answer records) + 0 rejected"
awk -F'\t' 'NR>1 {print $4, $5, $6}' "$T/supplied.tsv" | sort -u >"$T/supplied.txt"
echo "Finnveden FIA pagaende" | same_file - "$T/supplied.txt"
expect_status 64 sh -c "ifs-survey --group nobody fia-pagaende-utan-insats.csv >/dev/null 2>'$T/usage.err'"
contains "$T/usage.err" 'ifs-survey: --group: unknown group "nobody"'
