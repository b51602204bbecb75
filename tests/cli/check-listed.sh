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
# Every case in one awk run: four processes per case took most of a minute
# on a busy machine, past the test's timeout.
cases=$(awk -v mb="$dir/meson.build" '
	FILENAME == mb {
		if ($0 ~ /^  \047[^\047]*\047,$/)
			listed[substr($0, 4, length($0) - 5)] = 1
		next
	}
	FNR == 1 { start(FILENAME) }
	/^--- (description|args|exit)$/ { has[n, substr($0, 5)] = 1 }
	function start(f) {
		n = f
		sub(/.*\//, "", n)
		sub(/\.test$/, "", n)
		order[++k] = n
	}
	END {
		for (i = 1; i <= k; i++) {
			n = order[i]
			if (!(n in listed))
				print "cases/" n ".test is not listed in meson.build"
			split("description args exit", sec, " ")
			for (j = 1; j <= 3; j++)
				if (!((n, sec[j]) in has))
					print "cases/" n ".test has no \047--- " sec[j] "\047 section"
		}
	}' "$dir/meson.build" "$dir"/cases/*.test)
[ -z "$cases" ] || { echo "$cases"; fail=1; }
# an empty case has no first line for awk to see
for f in "$dir"/cases/*.test; do
	[ -s "$f" ] && continue
	n=$(basename "$f" .test)
	listed "$n" || { echo "cases/$n.test is not listed in meson.build"; fail=1; }
	for s in description args exit; do
		echo "cases/$n.test has no '--- $s' section"
	done
	fail=1
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
