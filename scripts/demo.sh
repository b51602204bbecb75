#!/bin/sh
# The demo: the ranking of the bundled synthetic DTI 2022 data, the real
# published top five of DTI 2022, and one province explained.
set -eu
build=${1:-build}
dti="$build/src/cli/dti"
cd "$(dirname "$0")/.."
echo "== dti rank -f pdti-2022 data/demo/pdti-2022-demo.csv --top 15"
"$dti" rank -f pdti-2022 data/demo/pdti-2022-demo.csv --top 15
echo
echo "== dti rank -f pdti-2022 data/published/dti-2022-top5.csv --recompute (published DTI 2022)"
"$dti" rank -f pdti-2022 data/published/dti-2022-top5.csv --recompute --nodes pdti,cqs,kts,xhs
echo
echo "== dti explain -f pdti-2022 data/demo/pdti-2022-demo.csv 'Tuyên Quang' --lang vi"
"$dti" explain -f pdti-2022 data/demo/pdti-2022-demo.csv 'Tuyên Quang' --lang vi
echo

# A whole assessment year in a store: an SQLite file in a temporary
# directory (DTI_DB may name another file, or a postgresql:// URI).
store_dir=$(mktemp -d)
trap 'rm -rf "$store_dir"' EXIT
DTI_DB=${DTI_DB:-$store_dir/dti.db}
export DTI_DB
# A fixed clock: the transcript is the same on every run.
DTI_NOW=${DTI_NOW:-2023-03-15T09:00:00Z}
export DTI_NOW
echo "== a DTI 2022 assessment year in a store ($DTI_DB)"
run() { echo "\$ $*"; "$@"; }
run "$dti" db init --admin owner --allow-dti-now
export DTI_USER=owner
run "$dti" cycle create dti-2022 --year 2022 --framework pdti-2022 --submit-deadline 2023-03-31
run "$dti" cycle open dti-2022
run "$dti" submission import dti-2022 data/demo/pdti-2022-demo.csv --data-cycle 2022
for u in $("$dti" cycle status dti-2022 --json | tr '{' '\n' | sed -n 's/^"unit":"\([^"]*\)".*/\1/p'); do
    "$dti" submission submit dti-2022 "$u" >/dev/null
done
echo "(every province submits)"
run "$dti" cycle review dti-2022
run "$dti" review adjust dti-2022 'Hà Nội' smart_city --value 0.30 --reason 'IOC chưa vận hành / operations centre not running'
run "$dti" review approve dti-2022 --all-submitted
run "$dti" cycle close dti-2022
run "$dti" publish dti-2022
run "$dti" results dti-2022 --format table --lang vi
run "$dti" audit log --unit 01
run "$dti" audit verify
