# Sourced by tests: starts tests/server/fault_server.py on 127.0.0.1 and a free port,
# serving $SERVE_DIR; sets $BASE (http://127.0.0.1:PORT), $SERVER_LOG; stops it on exit.
serve_dir=${SERVE_DIR:?set SERVE_DIR before sourcing start.sh}
SERVER_LOG="$T/server.log"
: >"$SERVER_LOG"
python3 "$ROOT/tests/server/fault_server.py" --dir "$serve_dir" --port-file "$T/port" --log "$SERVER_LOG" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || fail "test server did not start"
BASE="http://127.0.0.1:$(cat "$T/port")"
