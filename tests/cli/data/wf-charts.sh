#!/bin/sh
# tests/cli/data/wf-charts.sh - the store of wf-views.sh stage 3 (dti-2021,
# dti-2022, dti-2023 published over the 63 provinces, 62 ranked in 2023)
# and a cycle of the 34 provinces, for the cases of 'dti chart' (570-599):
#
#   dti-2025   pdti-2022, year 2025, the demo 2022 figures re-based onto
#              the units of 2025-07-01 ('dti rebase --data-only': each
#              merged province the plain average of its predecessors'
#              main indicators), imported, approved and published
#
# No cycle of 2024: a trend has a gap there.  Needs $DTI and $TMP; the
# store is $TMP/dti.db, the clock fixed ($DTI_NOW, default
# 2026-01-15T09:00:00Z).
set -eu
: "${DTI_NOW:=2026-01-15T09:00:00Z}"
export DTI_NOW
sh tests/cli/data/wf-views.sh 3
DTI_DB=$TMP/dti.db
export DTI_DB
as() {
	u=$1
	shift
	"$DTI" "$@" --user "$u" >/dev/null
}
"$DTI" rebase -f pdti-2022 "$TMP/d2022.csv" --to 2025-07-01 --data-only |
	sed 's/^2022,/2025,/' >"$TMP/d2025.csv"
as olga cycle create dti-2025 --year 2025 --framework pdti-2022
as olga cycle open dti-2025
as olga submission import dti-2025 "$TMP/d2025.csv" --and-submit
as olga cycle review dti-2025
as rita review approve dti-2025 --all-submitted
as olga cycle close dti-2025
as olga publish dti-2025
