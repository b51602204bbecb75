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
