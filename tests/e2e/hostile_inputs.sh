# Inputs that once hung, crashed, cost gigabytes or were silently half-read.
. "$TESTLIB"
cd "$T"
head -c 32 /dev/urandom >key && chmod 600 key

# A FIFO where a key or token file belongs: refused at once, not waited on for ever.
mkfifo -m 600 fifo
expect_status 77 timeout 20 sh -c "ifs-health --key-file fifo '$FIXTURES/health/enter-2022.csv' >o.rec 2>fifo-health.err"
contains fifo-health.err "fifo: the key file must be a regular file"
expect_status 77 timeout 20 sh -c "ifs-survey --key-file fifo '$FIXTURES/ifs/deltagare-2022.csv' >o.rec 2>fifo-survey.err"
expect_status 77 timeout 20 sh -c "ifs-fetch --token-file fifo -o o.csv https://127.0.0.1:9/x 2>fifo-fetch.err"
contains fifo-fetch.err "fifo: the token file must be a regular file"

# A key written twice in a hand-edited file: the first would silently win, so it is refused.
ifs-survey "$FIXTURES/ifs/deltagare-2022.csv" >ifs.rec 2>/dev/null
printf '{"goals": [{"id": "a", "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt", "target": 0.10, "target": 0.99}]}' >dup.json
expect_status 65 sh -c "ifs-shares -t dup.json --year 2022 ifs.rec >/dev/null 2>dup.err"
contains dup.err 'dup.json: key "target" given twice in one object: say it once'
python3 - "$ROOT/data/ifs-codebook.json" <<'PY' >dup-codebook.json
import sys
text = open(sys.argv[1], encoding="utf-8").read()
# A first "columns" the author forgot to delete: the real one would be ignored.
print(text.replace("{", '{"columns": {},', 1))
PY
grep -q '"columns"' "$ROOT/data/ifs-codebook.json" || fail "the codebook has no columns key: the test needs another"
expect_status 65 sh -c "ifs-survey -c dup-codebook.json '$FIXTURES/ifs/deltagare-2022.csv' >/dev/null 2>dup-codebook.err"
contains dup-codebook.err 'key "columns" given twice in one object'

# Thirty thousand goals, one id twice: found (the check sorts, it no longer compares all pairs).
python3 - <<'PY'
import json
goals = [{"id": "g%d" % i, "insats": "FIA", "indicator": "nytta", "group": "avslut", "level": "klart_positivt",
          "target": 0.75} for i in range(30000)]
json.dump({"goals": goals}, open("many.json", "w"))
goals[29999]["id"] = "g17"
json.dump({"goals": goals}, open("many-dup.json", "w"))
PY
ifs-shares -t many.json --year 2022 ifs.rec 2>/dev/null | wc -l | tr -d ' ' >many.count
echo 30001 | same_file - many.count
expect_status 65 sh -c "ifs-shares -t many-dup.json --year 2022 ifs.rec >/dev/null 2>many-dup.err"
contains many-dup.err 'goal "g17": duplicate id'

# A 140 KB .json.gz that unpacks to 96 MB: refused with advice, within bounded memory.
python3 - <<'PY'
import gzip
with gzip.open("bomb.json.gz", "wb", 9) as f:
    f.write(b"[")
    chunk = b'{"a":1},' * 100000
    for _ in range(120):
        f.write(chunk)
    f.write(b'{"a":1}]')
PY
# (AddressSanitizer's shadow memory and quarantine take their own share.)
limit=300; [ "${IFS_SAN:-}" = 1 ] && limit=1500
python3 - "$(command -v ifs-survey)" "$limit" <<'PY' || fail "the gzip bomb was not refused within $limit MB"
import resource, subprocess, sys
p = subprocess.run([sys.argv[1], "bomb.json.gz"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("status", p.returncode, "peak", int(peak_mb), "MB", p.stderr.decode())
sys.exit(0 if p.returncode == 65 and b"larger than 64 MiB once decompressed" in p.stderr and peak_mb < int(sys.argv[2]) else 1)
PY
