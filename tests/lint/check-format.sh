#!/bin/sh
# Every C file of lib/, src/, include/ and tests/ must be as clang-format
# (the repository's .clang-format) writes it; the test names the files that
# are not.  tests/lint/format-exclude.txt lists the files left out, each
# with its reason.
#
#   check-format.sh [CLANG-FORMAT [SOURCE-ROOT]]        check (the test)
#   check-format.sh --fix [CLANG-FORMAT [SOURCE-ROOT]]  format them (make format)
set -u
fix=0
[ "${1:-}" = "--fix" ] && { fix=1; shift; }
clang_format=${1:-$(command -v clang-format)}
cd "${2:-$(dirname "$0")/../..}" || exit 1
if [ ! -x "$clang_format" ]; then
	echo "clang-format not found: scripts/install-deps.sh installs it" >&2
	exit 1
fi
excluded=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tests/lint/format-exclude.txt)
files=$(find lib src include tests -name '*.[ch]' | LC_ALL=C sort |
	grep -v -x -F "$excluded")
[ -n "$files" ] || { echo "no C files found" >&2; exit 1; }
if [ $fix = 1 ]; then
	# shellcheck disable=SC2086
	exec "$clang_format" -i $files
fi
"$clang_format" --version
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
"$clang_format" --dry-run --Werror $files 2>"$log"
status=$?
n=$(echo "$files" | wc -l)
if [ $status != 0 ]; then
	bad=$(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' "$log" |
		uniq -c | awk '{ print "  " $2 " (" $1 " places)" }')
	[ -n "$bad" ] || cat "$log"
	echo "not formatted ($n files checked; 'make format' fixes them):"
	echo "$bad"
	exit 1
fi
echo "$n files formatted as .clang-format says"
