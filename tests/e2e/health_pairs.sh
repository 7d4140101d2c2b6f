# ifs-health | ifs-shares on the worked example of SPEC §2.2 (fixtures/health/make-fixtures.py
# lists every questionnaire), bortfall, two rounds, two forms of one personnummer, key-file
# rules, rejects — and no raw identifier anywhere in anything written.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key
H="$FIXTURES/health"

ifs-health --key-file key "$H/enter-2022.csv" >h.rec 2>h.err
# 54 rows: 53 questionnaires + 1 repeated by the cumulative export; 25 pairs (23 Enter in
# 2022, 1 Enter in 2021, 1 NOVA), 2 intakes without exit, 1 exit without intake.
echo "ifs-health: 54 rows read = 53 used + 1 duplicates + 0 rejected; records: 25 pairs, 2 intake only, 1 exit only" | same_file - h.err
# -v says what every column became, and the same stream is written
ifs-health -v --key-file key "$H/enter-2022.csv" >hv.rec 2>hv.err
cmp -s h.rec hv.rec || fail "-v changed the health stream"
contains hv.err "enter-2022.csv: column 1 \"Deltagare\": participant"
contains hv.err "enter-2022.csv: column 4 \"Tillfälle\": occasion"
contains hv.err "enter-2022.csv: column 9 \"VAS\": vas"

# The worked example: 21 of 23 = 0.9130 >= 0.75 -> met; women 8 of 9, men 13 of 14.
ifs-shares -t "$H/targets-health.json" --year 2022 h.rec >shares.tsv 2>shares.err
awk -F'\t' 'NR>1 {print $3, $8, $9, $10, $13, $14, $15, $17, $18}' shares.tsv >got.txt
cat >want.txt <<'END'
enter-halsa 23 21 0.9130 met 9 8 14 13
enter-lq 23 18 0.7826 none 9 8 14 10
enter-vas 23 16 0.6957 none 9 7 14 9
nova-halsa 1 1 1.0000 too_few 1 1 0 0
END
same_file want.txt got.txt
# Bortfall in 2022 and the blank item, in the JSON; 23 pairs from 22 persons (the man
# with two rounds).
ifs-shares -t "$H/targets-health.json" --year 2022 --format json h.rec >shares.json 2>/dev/null
python3 - shares.json <<'PY' >json.txt
import json, sys
row = json.load(open(sys.argv[1]))["rows"][0]
h = row["health"]
print(h["pairs"], h["persons"], h["bortfall"]["intake_only"], h["bortfall"]["exit_only"], h["improved"], h["vas_min_delta"])
PY
cat >want-json.txt <<'END'
23 22 {'all': 2, 'women': 1, 'men': 1} {'all': 1, 'women': 0, 'men': 1} {'lq_better': 18, 'vas_better': 16, 'mental_better': 0} 10
END
same_file want-json.txt json.txt
# Mental health left blank at one exit: that pair cannot be told for mental_better.
printf '{"goals": [{"id": "m", "insats": "Enter", "indicator": "health.mental_better"}]}' >mental.json
ifs-shares -t mental.json --year 2022 --format json h.rec 2>/dev/null | python3 -c '
import json, sys; r = json.load(sys.stdin)["rows"][0]; print(r["total"]["n"], r["health"]["unknown"])' >mental.txt
echo "22 1" | same_file - mental.txt

# Two rounds of one man: two pairs under one pseudonym. The woman written YYYYMMDD-NNNN at
# intake and YYMMDDNNNN at exit forms one pair: with her, exactly 3 bortfall, none extra.
ifs-dump --health h.rec | awk -F'\t' '$1=="pair" {n[$2]++} END {for (p in n) if (n[p] == 2) c++; print c}' >rounds.txt
echo 1 | same_file - rounds.txt
[ "$(ifs-dump --health h.rec | awk -F'\t' '$1 != "pair" && NR > 1' | wc -l)" = 3 ] || fail "wrong bortfall count"
# The same people pseudonymised under another key are other pseudonyms; under the same key, the same.
head -c 32 /dev/urandom >key2 && chmod 600 key2
ifs-health --key-file key2 "$H/enter-2022.csv" 2>/dev/null | ifs-dump --health | cut -f2 | sort >p2.txt
ifs-dump --health h.rec | cut -f2 | sort >p1.txt
ifs-health --key-file key "$H/enter-2022.csv" 2>/dev/null | ifs-dump --health | cut -f2 | sort >p1b.txt
same_file p1.txt p1b.txt
! cmp -s p1.txt p2.txt || fail "pseudonyms do not depend on the key"

# --vas-min-delta 16: the +15 and +10 differences no longer count; the +20 ones do (8 men).
ifs-health --key-file key --vas-min-delta 16 "$H/enter-2022.csv" 2>/dev/null >h16.rec
ifs-shares -t "$H/targets-health.json" --year 2022 h16.rec 2>/dev/null | awk -F'\t' '$3=="enter-vas" {print $9, $15, $18}' >vas16.txt
echo "8 0 8" | same_file - vas16.txt

# Key file rules.
expect_status 64 sh -c "ifs-health '$H/enter-2022.csv' >/dev/null 2>nokey.err"
contains nokey.err "ifs-health: --key-file is required"
expect_status 66 sh -c "ifs-health --key-file missing.key '$H/enter-2022.csv' >/dev/null 2>missing.err"
echo "ifs-health: missing.key: cannot read key file: No such file or directory" | same_file - missing.err
cp key open.key && chmod 644 open.key
expect_status 77 sh -c "ifs-health --key-file open.key '$H/enter-2022.csv' >open.rec 2>open.err"
echo "ifs-health: open.key is readable by group or others (mode 0644); run chmod 600 open.key" | same_file - open.err
[ ! -s open.rec ] || fail "records written with an unsafe key file"
printf 'short' >short.key && chmod 600 short.key
expect_status 65 sh -c "ifs-health --key-file short.key '$H/enter-2022.csv' >/dev/null 2>short.err"
contains short.err "a key needs at least 16 bytes"

# Rejects: reasons with lines, never the number; the reject file private and scrubbed.
expect_status 65 sh -c "ifs-health --key-file key --rejects rejects.tsv '$H/with-errors.csv' >e.rec 2>e.err"
cat >want-e.err <<END
ifs-health: $H/with-errors.csv:3: invalid personnummer (check digit)
ifs-health: $H/with-errors.csv:4: column 7 (livskvalitet): unknown answer "Jättebra"; expected one of Bättre, Förbättrad, Oförändrad, Samma, Sämre, Försämrad
ifs-health: $H/with-errors.csv:5: no occasion (Tillfälle: Inskrivning or Avslut)
ifs-health: $H/with-errors.csv:6: expected 10 fields, found 4
ifs-health: 6 rows read = 3 used + 0 duplicates + 3 rejected; records: 1 pairs, 0 intake only, 1 exit only; 1 answers rejected (their questionnaires kept)
END
same_file want-e.err e.err
[ "$(stat -c %a rejects.tsv)" = 600 ] || fail "reject file mode $(stat -c %a rejects.tsv)"
[ "$(grep -c '\[id removed\]' rejects.tsv)" = 3 ] || { cat rejects.tsv; fail "identifiers not removed from every rejected row"; }
# A row whose fields cannot be read may hold its identifier anywhere: it is not kept at all.
contains rejects.tsv "6	expected 10 fields, found 4	[row not kept: it may hold an identifier that could not be located]"

# Not one raw identifier, in any written form, in anything the tools wrote.
ifs-dump --health h.rec >h.tsv
ifs-shares -t "$H/targets-health.json" --year 2022 --format csv-sv h.rec >shares.csv 2>/dev/null
for out in h.rec h16.rec e.rec h.err e.err rejects.tsv h.tsv shares.tsv shares.json shares.csv shares.err; do
	while read -r id; do
		if grep -qF -- "$id" "$out"; then fail "$out holds a raw identifier"; fi
	done <"$H/identifiers.txt"
done

# The same export as Windows-1252 with tabs and CRLF, gzipped, and as JSON: identical records.
python3 - "$H/enter-2022.csv" <<'PY'
import csv, gzip, json, sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = list(csv.reader(text.splitlines(), delimiter=";"))
open("cp1252.txt", "wb").write("\r\n".join("\t".join(r) for r in rows).encode("cp1252") + b"\r\n")
gzip.open("export.gz", "wb").write(text.encode("utf-8"))
json.dump([dict(zip(rows[0], r)) for r in rows[1:]], open("export.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
for variant in cp1252.txt export.gz export.json; do
	ifs-health --key-file key "$variant" 2>/dev/null | ifs-dump --health >"$variant.tsv"
	same_file h.tsv "$variant.tsv"
done

# A typo in the gender costs the gender, not the questionnaire: the pair is kept (its
# gender from the exit), an intake with "Mann" stays intake only, each cell reported; exit 65.
printf 'Deltagare;Datum;Insats;Tillfälle;Kön;Livskvalitet;VAS\n198503141239;2022-01-10;Enter;Inskrivning;Kvinan;;50\n198503141239;2022-03-01;Enter;Avslut;Kvinna;Bättre;70\n811218-9876;2022-01-11;Enter;Inskrivning;Mann;;40\n' >gender-typo.csv
expect_status 65 sh -c "ifs-health --key-file key --rejects gender-typo.rej gender-typo.csv >gender-typo.rec 2>gender-typo.err"
contains gender-typo.err 'gender-typo.csv:2: column 5 (gender): unknown gender "Kvinan"; expected Kvinna, Man, Annat, Vill ej uppge or empty (the row is kept without it)'
contains gender-typo.err 'gender-typo.csv:4: column 5 (gender): unknown gender "Mann"'
contains gender-typo.err "3 rows read = 3 used + 0 duplicates + 0 rejected; records: 1 pairs, 1 intake only, 0 exit only; 2 genders unreadable (their questionnaires kept)"
ifs-dump --health gender-typo.rec | awk -F'\t' 'NR > 1 {print $1, $3, $4, $7}' | LC_ALL=C sort >gender-typo.txt
same_file - gender-typo.txt <<'END'
intake_only 2022-01-11  
pair 2022-01-10 2022-03-01 K
END
lacks gender-typo.rej "811218"
# Without a gender column the pairs count among all, and standard error says so.
cut -d';' -f1-4,6- "$H/enter-2022.csv" >no-gender.csv
ifs-health --key-file key no-gender.csv 2>no-gender.err | ifs-dump --health | awk -F'\t' 'NR > 1' >no-gender.txt
[ -s no-gender.txt ] || fail "no pairs read from a health export without a gender column"
[ -z "$(awk -F'\t' '$7 != ""' no-gender.txt)" ] || fail "pairs of an export without a gender column have one"
contains no-gender.err "ifs-health: warning: no-gender.csv: no gender column (Kön): its answers count among all, not among women or men"
lacks h.err "no gender column"
# The same pairs under "Enter" and under "enter " (another export of them, typed so) are
# one insats and count once: the table of either alone.
sed 's/;Enter;/;enter ;/' "$H/enter-2022.csv" >lower-insats.csv
ifs-health --key-file key lower-insats.csv >lower.rec 2>/dev/null
ifs-shares -t "$H/targets-health.json" --year 2022 h.rec >alone.tsv 2>/dev/null
ifs-shares -t "$H/targets-health.json" --year 2022 h.rec lower.rec >both.tsv 2>both.err
same_file alone.tsv both.tsv
contains both.err "answers given again"
