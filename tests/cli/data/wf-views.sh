#!/bin/sh
# tests/cli/data/wf-views.sh - a store of published DTI years for the
# cases of the published views (530-549: rank --cycle, explain --cycle,
# submission preview).
#
#   sh tests/cli/data/wf-views.sh [STAGE]      (from the source root)
#
# Needs $DTI and $TMP; the store is $TMP/dti.db, the clock fixed
# ($DTI_NOW, default 2026-01-15T09:00:00Z).  The figures are the bundled
# demo data (data/demo/pdti-2022-demo.csv: synthetic, 63 provinces, 2021
# and 2022), entered through the workflow as an owner would hand in
# figures sent on paper.  Stages, each including the ones before:
#
#   1 2021       the admin "admin", owner olga, reviewer rita, viewer vic,
#                editors ed-tq (Tuyên Quang, 08) and ed-hn (Hà Nội, 01);
#                cycle dti-2021 (pdti-2022) with the demo 2021 figures,
#                published
#   2 2022       cycle dti-2022 with the demo 2022 figures, published
#   3 2023       cycle dti-2023: the demo 2022 figures again, but Tuyên
#                Quang's digital-society activity adjusted by rita from
#                0.2490 to 0.6000 (with a reason) and Hà Giang excluded;
#                published
#   4 2024-open  cycle dti-2024 (pdti-2022), open, with the demo 2022
#                figures of every province but Tuyên Quang, whose editor
#                has entered five of its nine indicators so far
set -eu
stage=${1:-4}
: "${DTI_NOW:=2026-01-15T09:00:00Z}"
DTI_DB=$TMP/dti.db
export DTI_NOW DTI_DB
unset DTI_USER

as() {
	u=$1
	shift
	"$DTI" "$@" --user "$u" >/dev/null
}
demo=data/demo/pdti-2022-demo.csv
# the demo rows of year $1, labelled year $2, without the units of $3
rows() {
	awk -F, -v y="$1" -v to="$2" -v skip="${3:-}" '
	    /^#/ || /^year,/ { print; next }
	    $1 == y && $2 != skip { sub(/^[0-9]+/, to); print }' "$demo"
}
# publishes cycle $1 of year $2 from the figures in file $3
year() {
	as olga cycle create "$1" --year "$2" --framework pdti-2022
	as olga cycle open "$1"
	as olga submission import "$1" "$3" --and-submit
}
close() {
	as olga cycle review "$1"
	as rita review approve "$1" --all-submitted
	as olga cycle close "$1"
	as olga publish "$1"
}

"$DTI" db init --admin admin --allow-dti-now >/dev/null
as admin user add olga
as admin user role olga owner
as admin user add rita
as admin user role rita reviewer
as admin user add vic
as admin user role vic viewer
as admin user add ed-tq
as admin user role ed-tq editor --unit 08
as admin user add ed-hn
as admin user role ed-hn editor --unit 01

rows 2021 2021 >"$TMP/d2021.csv"
year dti-2021 2021 "$TMP/d2021.csv"
close dti-2021
[ "$stage" -ge 2 ] || exit 0

rows 2022 2022 >"$TMP/d2022.csv"
year dti-2022 2022 "$TMP/d2022.csv"
close dti-2022
[ "$stage" -ge 3 ] || exit 0

rows 2022 2023 'Hà Giang' >"$TMP/d2023.csv"
year dti-2023 2023 "$TMP/d2023.csv"
as olga submission exclude dti-2023 02 --reason 'not assessed in this test'
as olga cycle review dti-2023
as rita review adjust dti-2023 08 soc_activity --value 0.6 \
	--reason 'community digital teams counted after review'
as rita review approve dti-2023 --all-submitted
as olga cycle close dti-2023
as olga publish dti-2023
[ "$stage" -ge 4 ] || exit 0

rows 2022 2024 'Tuyên Quang' >"$TMP/d2024.csv"
as olga cycle create dti-2024 --year 2024 --framework pdti-2022
as olga cycle open dti-2024
as olga submission import dti-2024 "$TMP/d2024.csv"
as ed-tq submission edit dti-2024 08 awareness=0.9807 institutions=0.8 \
	infrastructure=0.6562 human_resources=0.3953 cybersecurity=0.6201
