#!/bin/sh
# tests/cli/data/wf-2024.sh - on the store of wf-year.sh stage 2, a closed
# cycle dti-2024 over pdti-2024, whose points are not public: Đà Nẵng's
# main indicators entered (its index cannot be computed from them), the
# other five excluded.  With "pdti" as $1 (a value), Đà Nẵng's index is
# entered too, as the published figure is.
set -eu
DTI_DB=$TMP/dti.db
export DTI_DB
as() {
	u=$1
	shift
	"$DTI" "$@" --user "$u" >/dev/null
}
as admin db framework pdti-2024
as olga cycle create dti-2024 --year 2024 --framework pdti-2024
as olga cycle open dti-2024
as olga submission edit dti-2024 48 awareness=0.9 institutions=0.8 \
	infrastructure=0.7 ${1:+pdti=$1}
as olga submission submit dti-2024 48
for u in 01 22 46 79 92; do
	as olga submission exclude dti-2024 "$u" --reason 'not in this test'
done
as olga cycle review dti-2024
as rita review approve dti-2024 48
as olga cycle close dti-2024
