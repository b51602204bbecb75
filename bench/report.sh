#!/bin/sh
# bench/report.sh - the time of 'dti report' for the 63 provinces.
#
#   bench/report.sh [DTI] [RUNS]      (default: build/src/cli/dti, 3 runs)
#
# Publishes DTI 2021 and DTI 2022 from the bundled demo data in a store in
# a temporary directory, then writes the Vietnamese report of dti-2022
# (69 pages: 63 unit pages, each with two charts) RUNS times as a whole
# process, and prints each wall-clock time and their median.
set -eu
cd "$(dirname "$0")/.."
dti=$(cd "$(dirname "${1:-build/src/cli/dti}")" && pwd)/$(basename "${1:-build/src/cli/dti}")
runs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DTI_DB=$tmp/dti.db
export DTI_DB
unset DTI_USER DTI_LANG DTI_NOW
demo=data/demo/pdti-2022-demo.csv
{
	"$dti" db init --admin admin
	"$dti" user add owner --user admin
	"$dti" user role owner owner --user admin
	"$dti" user add reviewer --user admin
	"$dti" user role reviewer reviewer --user admin
	for y in 2021 2022; do
		"$dti" cycle create dti-$y --year $y --framework pdti-2022 --user owner
		"$dti" cycle open dti-$y --user owner
		"$dti" submission import dti-$y "$demo" --data-cycle $y \
			--and-submit --user owner
		"$dti" cycle review dti-$y --user owner
		"$dti" review approve dti-$y --all-submitted --user reviewer
		"$dti" cycle close dti-$y --user owner
		"$dti" publish dti-$y --user owner
	done
} >/dev/null
times=""
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(date +%s.%N)
	"$dti" report --cycle dti-2022 --lang vi -o "$tmp/report.pdf"
	t1=$(date +%s.%N)
	t=$(echo "$t1 $t0" | awk '{printf "%.3f", $1 - $2}')
	echo "report run $((i + 1)): $t s"
	times="$times $t"
	i=$((i + 1))
done
size=$(wc -c <"$tmp/report.pdf")
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v n="$runs" -v sz="$size" '
	{ t[NR] = $1 }
	END { printf "dti report, 63 provinces, 69 pages (%d bytes): median of %d %.3f s\n", sz, n, t[int((n + 1) / 2)] }'
