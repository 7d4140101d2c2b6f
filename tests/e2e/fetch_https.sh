# ifs-fetch against a real HTTPS server on the loopback, with a certificate made here
# by openssl: verification is always on (refused without --cacert, accepted with it),
# a token goes over https only, and an https source never continues over plain http.
. "$TESTLIB"
cd "$T"
mkdir -p served out
printf 'Respondent-ID;Svarsdatum;Insats;Enkät;Fråga 1\nR1;2022-01-10;FIA;Avslutad;Helt och hållet\n' >served/x.csv
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout server.key -out server.pem 2>openssl.err ||
	{ cat openssl.err; fail "openssl could not make a test certificate"; }
SERVER_LOG="$T/server.log"
: >"$SERVER_LOG"
python3 "$ROOT/tests/server/fault_server.py" --dir "$T/served" --port-file "$T/port" --log "$SERVER_LOG" \
	--cert server.pem --key server.key &
server_pid=$!
trap 'kill $server_pid 2>/dev/null' EXIT
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || fail "the HTTPS test server did not start"
BASE="https://127.0.0.1:$(cat "$T/port")"
fast="--backoff 0.05 --retries 0 --connect-timeout 10 --max-time 20"

# A certificate no CA on this machine vouches for: refused, nothing written.
expect_status 69 sh -c "ifs-fetch $fast -o out/x.csv '$BASE/files/x.csv' 2>err.verify"
contains err.verify "ifs-fetch: $BASE/files/x.csv:"
[ ! -e out/x.csv ] || fail "fetched from an unverified server"
# With the certificate as the CA bundle: verified and fetched.
ifs-fetch $fast --cacert server.pem -o out/x.csv "$BASE/files/x.csv" 2>err.ok || { cat err.ok; fail "verified fetch failed"; }
same_file served/x.csv out/x.csv

# The token goes over https without --allow-http, and is accepted.
printf 's3cret-token-value\n' >token && chmod 600 token
ifs-fetch $fast --cacert server.pem --token-file token -o out/auth.csv "$BASE/fault/401/x.csv" 2>err.auth ||
	{ cat err.auth; fail "token over https refused"; }
same_file served/x.csv out/auth.csv
grep -q "GET /fault/401/x.csv 200 .*authorization" "$SERVER_LOG" || fail "the token was not sent over https"
lacks err.auth "s3cret"

# An https source that redirects to plain http: refused (the content could be changed on
# the way), and the token never sent in clear.
requests=$(grep -c . "$SERVER_LOG")
expect_status 69 sh -c "ifs-fetch $fast --cacert server.pem --token-file token -o out/down.csv '$BASE/fault/redirect-http/x.csv' 2>err.down"
contains err.down "refused:"
[ ! -e out/down.csv ] || fail "followed a redirect from https to http"
[ "$(grep -c . "$SERVER_LOG")" = $((requests + 1)) ] || fail "a request followed the downgrade"
