#!/bin/sh
# Runs every benchmark script in bench/ and prints their tables.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for script in "$here"/*.sh; do
	[ "$(basename "$script")" = run-all.sh ] && continue
	echo "== $(basename "$script")"
	sh "$script"
	echo
done
