#!/bin/sh
# tests/cli/check-listed.sh - every case and script of tests/cli is run.
#
# meson.build lists the cases and scripts by name; a file added to cases/ or
# scripts/ without its line would silently never run.  This fails on such a
# file, on a listed name without a file, and on a case without the three
# sections every case needs (description, args, exit).
#
#   tests/cli/check-listed.sh [DIR]      DIR: tests/cli (default: beside this)
set -u
dir=${1:-$(dirname "$0")}
fail=0
listed() {
	grep -q "^  '$1',\$" "$dir/meson.build"
}
for f in "$dir"/cases/*.test; do
	n=$(basename "$f" .test)
	listed "$n" || { echo "cases/$n.test is not listed in meson.build"; fail=1; }
	for s in description args exit; do
		grep -q "^--- $s\$" "$f" || { echo "cases/$n.test has no '--- $s' section"; fail=1; }
	done
done
for f in "$dir"/scripts/*.sh; do
	n=$(basename "$f" .sh)
	listed "$n" || { echo "scripts/$n.sh is not listed in meson.build"; fail=1; }
done
for n in $(sed -n "s/^  '\([^']*\)',\$/\1/p" "$dir/meson.build"); do
	[ -f "$dir/cases/$n.test" ] || [ -f "$dir/scripts/$n.sh" ] ||
		{ echo "meson.build lists '$n', which has no file"; fail=1; }
done
[ $fail = 0 ] && echo "check-listed: every case and script is listed"
exit $fail
