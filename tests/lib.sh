# Shared helpers for the end-to-end tests (sourced: . "$TESTLIB").
set -eu
PATH="$IFS_BIN:$PATH"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_status N command...  — runs command, checks its exit status
expect_status() {
	want=$1; shift
	set +e; "$@"; got=$?; set -e
	[ "$got" = "$want" ] || fail "expected exit $want, got $got: $*"
}
# same_file A B — byte-identical, with a diff on failure
same_file() { cmp -s "$1" "$2" || { diff -u "$1" "$2" | head -40 >&2; fail "$1 and $2 differ"; }; }
contains() { grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; head -20 "$1" >&2; fail "$1 lacks: $2"; }; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 contains: $2"; }
