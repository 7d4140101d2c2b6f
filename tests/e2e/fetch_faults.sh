# ifs-fetch against a real local HTTP server that injects faults: each fault gets the
# right behaviour (retry and succeed, or a clear error naming the source), never a
# partial file, and the previous file kept.
. "$TESTLIB"
cd "$T"
mkdir -p served out
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Fråga 1\nR1;2022-01-10;FIA;Avslutad;Helt och hållet\n' >served/x.csv
SERVE_DIR="$T/served" . "$ROOT/tests/server/start.sh"
fast="--backoff 0.05 --connect-timeout 5 --max-time 20"
no_temp_files() { ! ls -a out | grep -q '\.tmp\.' || fail "temporary file left behind: $(ls -a out)"; }
keeps_old() { same_file out/old.csv out/keep.csv; no_temp_files; }
reset_old() { printf 'old contents\n' >out/old.csv; cp out/old.csv out/keep.csv; }

# Plain fetch, then a conditional one: 304, the file untouched (same inode and mtime).
ifs-fetch $fast -o out/x.csv "$BASE/files/x.csv"
same_file served/x.csv out/x.csv
[ "$(stat -c %a out/x.csv)" = 600 ] || fail "fetched file mode $(stat -c %a out/x.csv)"
grep -q '"etag":.*"[0-9a-f]\{16\}' out/x.csv.meta || fail "no ETag kept in out/x.csv.meta"
before=$(stat -c '%i %Y' out/x.csv)
sleep 1
ifs-fetch $fast -o out/x.csv "$BASE/files/x.csv"
[ "$(stat -c '%i %Y' out/x.csv)" = "$before" ] || fail "unchanged export was rewritten"
tail -1 "$SERVER_LOG" | grep -q "^GET /files/x.csv 304 .*if-none-match" || fail "no conditional request: $(tail -1 "$SERVER_LOG")"

# 500 twice, then fine: retried and written.
ifs-fetch $fast --retries 3 -o out/r.csv "$BASE/fault/500/x.csv?times=2" 2>err.500
same_file served/x.csv out/r.csv
[ "$(grep -c 'retrying in' err.500)" = 2 ] || { cat err.500; fail "expected two retries"; }
# 500 for ever: gives up, exit 75, the source named, the old file kept.
reset_old
expect_status 75 sh -c "ifs-fetch $fast --retries 2 -o out/old.csv '$BASE/fault/500/x.csv' 2>err.500b"
contains err.500b "ifs-fetch: $BASE/fault/500/x.csv: HTTP 500 (gave up after 3 attempts)"
keeps_old
# 503 and 429 with Retry-After: 1 — honoured, then success.
for code in 503 429; do
	ifs-fetch $fast --retries 2 -o out/$code.csv "$BASE/fault/$code/x.csv?times=1" 2>err.$code
	contains err.$code "HTTP $code; retrying in 1.0 s"
	same_file served/x.csv out/$code.csv
done
# A body that trickles: the low-speed limit ends it; old file kept.
reset_old
expect_status 75 sh -c "ifs-fetch $fast --retries 0 --low-speed-time 2 -o out/old.csv '$BASE/fault/slow/x.csv' 2>err.slow"
grep -q "ifs-fetch: $BASE/fault/slow/x.csv: Operation too slow" err.slow || { cat err.slow; fail "slow body not reported"; }
keeps_old
# Connection dropped mid-body: once -> retried; always -> error, old file kept.
ifs-fetch $fast --retries 2 -o out/d.csv "$BASE/fault/drop/x.csv?times=1" 2>/dev/null
same_file served/x.csv out/d.csv
reset_old
expect_status 75 sh -c "ifs-fetch $fast --retries 1 -o out/old.csv '$BASE/fault/drop/x.csv' 2>err.drop"
contains err.drop "(gave up after 2 attempts)"
keeps_old
# Truncated gzip and a Content-Length the body never reaches.
for fault in truncated-gzip wrong-length; do
	reset_old
	expect_status 75 sh -c "ifs-fetch $fast --retries 1 -o out/old.csv '$BASE/fault/$fault/x.csv' 2>err.$fault"
	contains err.$fault "ifs-fetch: $BASE/fault/$fault/x.csv: "
	keeps_old
done
# 401: not retried, exit 77; a token from a private file or the environment works,
# and never appears in a message.
reset_old
# Timeouts far beyond any load: a retry after a timeout must not pass for a retried 401.
expect_status 77 sh -c "ifs-fetch --backoff 0.05 --connect-timeout 120 --max-time 240 -o out/old.csv '$BASE/fault/401/x.csv' 2>err.401"
contains err.401 "HTTP 401: not authorised (check the token)"
[ "$(grep -c 'GET /fault/401/x.csv 401' "$SERVER_LOG")" = 1 ] || fail "a 401 was retried"
keeps_old
printf 's3cret-token-value\n' >token && chmod 600 token
# The test server speaks plain http: the token goes there only with --allow-http.
expect_status 78 sh -c "ifs-fetch $fast --token-file token -o out/auth.csv '$BASE/fault/401/x.csv' 2>err.clear"
contains err.clear "a token is sent only over https; this URL would send it in clear (--allow-http"
[ ! -e out/auth.csv ] || fail "fetched with a token over plain http"
requests=$(wc -l <"$SERVER_LOG")
ifs-fetch $fast --allow-http --token-file token -o out/auth.csv "$BASE/fault/401/x.csv" 2>err.auth
same_file served/x.csv out/auth.csv
IFS_TEST_TOKEN=s3cret-token-value ifs-fetch $fast --allow-http --token-env IFS_TEST_TOKEN -o out/auth2.csv "$BASE/fault/401/x.csv"
same_file served/x.csv out/auth2.csv
# A token from the environment with CR/LF would smuggle a header in: refused before any request.
requests=$(wc -l <"$SERVER_LOG")
expect_status 78 env IFS_TEST_TOKEN="$(printf 'abc\r\nX-Injected: yes')" sh -c \
	"ifs-fetch $fast --allow-http --token-env IFS_TEST_TOKEN -o out/inj.csv '$BASE/fault/401/x.csv' 2>err.inj"
contains err.inj "the token holds a space or control character"
[ "$(wc -l <"$SERVER_LOG")" = "$requests" ] || fail "a request was sent with a bad token"
chmod 644 token
expect_status 77 sh -c "ifs-fetch $fast --token-file token -o out/auth3.csv '$BASE/fault/401/x.csv' 2>err.mode"
contains err.mode "token is readable by group or others (mode 0644); run chmod 600 token"
[ ! -e out/auth3.csv ] || fail "fetched with an unsafe token file"
lacks err.auth "s3cret"; lacks err.mode "s3cret"; lacks err.401 "s3cret"
# Oversized body: refused, exit 65, nothing written.
reset_old
expect_status 65 sh -c "ifs-fetch $fast --max-size 1000000 -o out/old.csv '$BASE/fault/big/x.csv' 2>err.big"
contains err.big "response larger than the limit of 1000000 bytes"
keeps_old
# Redirects: to http followed; to file:// refused.
ifs-fetch $fast -o out/redir.csv "$BASE/fault/redirect/x.csv"
same_file served/x.csv out/redir.csv
reset_old
expect_status 69 sh -c "ifs-fetch $fast -o out/old.csv '$BASE/fault/redirect-file/x.csv' 2>err.redir"
contains err.redir "refused:"
keeps_old
# 404: exit 66, not retried.
expect_status 66 sh -c "ifs-fetch $fast -o out/nf.csv '$BASE/files/missing.csv' 2>err.404"
contains err.404 "HTTP 404: not found"
# file:// works, and the URL's secrets never reach a message.
ifs-fetch -o out/file.csv "file://$T/served/x.csv"
same_file served/x.csv out/file.csv
# A file:// URL naming a directory reads as an empty body: refused, the old export kept.
reset_old
expect_status 66 sh -c "ifs-fetch -o out/old.csv 'file://$T/served' 2>err.dir"
contains err.dir "not a regular file (a directory)"
keeps_old
# Numbers that are not: inf, nan, 1e300.
for bad in inf nan 1e300; do
	expect_status 64 sh -c "ifs-fetch --max-size $bad -o out/n.csv 'file://$T/served/x.csv' 2>/dev/null"
done
expect_status 75 sh -c "ifs-fetch $fast --retries 0 -o out/q.csv '$BASE/fault/500/x.csv?times=100&key=hemligt' 2>err.query"
lacks err.query "hemligt"

# Config mode: prints the files newly written, then nothing when unchanged.
cat >sources.json <<END
{ "dir": "$T/raw",
  "sources": [
    { "name": "fia-ifs", "url": "$BASE/files/x.csv", "kind": "survey", "insats": "FIA", "group": "avslut" },
    { "name": "lokal", "url": "file://$T/served/x.csv", "kind": "survey" } ] }
END
ifs-fetch --config sources.json >first.out
printf '%s\n' "$T/raw/fia-ifs.export" "$T/raw/lokal.export" | same_file - first.out
ifs-fetch --config sources.json >second.out
[ ! -s second.out ] || fail "unchanged sources were reported as new: $(cat second.out)"
ifs-fetch --config sources.json --list >list.out
printf 'fia-ifs\tsurvey\tFIA\tavslut\t\t%s\n' "$T/raw/fia-ifs.export" | head -1 >want.list
head -1 list.out | same_file want.list -
printf '{"dir": "x", "sources": [{"name": "a", "url": "file:///x", "kind": "pdf"}]}' >bad.json
expect_status 65 sh -c "ifs-fetch --config bad.json 2>err.cfg"
contains err.cfg 'ifs-fetch: bad.json: source "a": "kind" must be "survey", "health" or "participants"'

# Hostile or mistyped configs: each refused with its reason, none crashes or is half-read.
bad_config() { # JSON, expected message
	printf '%s' "$1" >hostile.json
	expect_status 65 sh -c "ifs-fetch --config hostile.json --list >/dev/null 2>err.hostile"
	contains err.hostile "$2"
}
bad_config '{"sources":[[1]]}' 'source 1: not an object'
# a path where a URL goes is said when the config is read (--list), not at fetch time in curl's words
bad_config '{"dir":"d","sources":[{"name":"a","url":"/srv/x.csv","kind":"survey"}]}' \
	'source "a": "url" must begin with https://, http:// or file:// (a file on this machine: file:///srv/export.csv)'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey","insats":"FIA\nb\u001fsurvey"}]}' \
	'"insats" holds a control character'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey","group":"a\u001fb"}]}' \
	'"group" holds a control character'
bad_config '{"dir":"d","sources":[{"name":"a","name":"b","url":"file:///x","kind":"survey"}]}' 'key "name" given twice'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey"}]} trailing' 'not a JSON object (or text after it)'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey","insats":5}]}' '"insats" must be a non-empty string'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey","auth":"x"}]}' '"auth" must be an object'
bad_config '{"dir":"d","sources":[{"name":"a","url":"file:///x","kind":"survey","auth":{"token":"x"}}]}' 'unknown key "token"'
bad_config '{"dir":5,"sources":[{"name":"a","url":"file:///x","kind":"survey"}]}' '"dir" must be a non-empty string'
