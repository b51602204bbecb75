#!/bin/sh
# tests/cli/data/wf-year.sh - builds the store of a small DTI year, up to a
# stage, for the setup of the workflow cases (2xx-*.test).
#
#   sh tests/cli/data/wf-year.sh STAGE      (from the source root)
#
# Needs $DTI (the program) and $TMP (the case's temporary directory); the
# store is $TMP/dti.db and the clock is fixed ($DTI_NOW, default
# 2026-01-15T09:00:00Z), so that times and hashes are the same on every
# run.  Stages, each including the ones before:
#
#   1 init       a store with the admin "admin", the six provinces of
#                data/wf-provinces.csv (level province) and framework
#                pdti-2022
#   2 users      olga (owner), rita (reviewer), ed-dn (editor of 48 Đà
#                Nẵng), ed-south (editor of 22, 46, 79, 92), vic (viewer)
#   3 open       cycle dti-2022 (year 2022, pdti-2022, submissions until
#                2026-02-28, review until 2026-03-31), opened: six
#                submissions
#   4 figures    the published DTI 2022 figures of the top five imported
#                (data/published/dti-2022-top5.csv); ed-dn sets smart_city
#                of Đà Nẵng to 0.5 with a comment and attaches a PDF
#   5 review     the five submitted; Hà Nội (no figures) excluded with a
#                reason; the cycle in review
#   6 reviewed   rita adjusts smart_city of Huế (0.3, with a reason),
#                returns Quảng Ninh; ed-south comments and resubmits it;
#                rita approves every submitted one
#   7 closed     the cycle closed
#   8 published  the cycle published
#
# Files made in $TMP: plan.pdf (a small PDF), pw-olga (a password).
set -eu
stage=${1:?usage: wf-year.sh STAGE}
: "${DTI_NOW:=2026-01-15T09:00:00Z}"
DTI_DB=$TMP/dti.db
export DTI_NOW DTI_DB
unset DTI_USER

as() {
	u=$1
	shift
	"$DTI" "$@" --user "$u"
}

# 1 init
"$DTI" db init --admin admin --allow-dti-now --empty \
	--units tests/cli/data/wf-provinces.csv --level province
as admin db framework pdti-2022
[ "$stage" -ge 2 ] || exit 0

# 2 users
printf 'olga-secret\n' >"$TMP/pw-olga"
as admin user add olga --name 'Owner Olga' --password-file "$TMP/pw-olga"
as admin user role olga owner
as admin user add rita --name 'Reviewer Rita'
as admin user role rita reviewer
as admin user add ed-dn --name 'Editor of Đà Nẵng'
as admin user role ed-dn editor --unit 'Đà Nẵng'
as admin user add ed-south --name 'Editor of four provinces'
as admin user role ed-south editor --unit 22 --unit Huế --unit HCM \
	--unit 'Cần Thơ'
as admin user add vic --name 'Viewer Vic'
as admin user role vic viewer
[ "$stage" -ge 3 ] || exit 0

# 3 open
as olga cycle create dti-2022 --year 2022 --framework pdti-2022 \
	--submit-deadline 2026-02-28 --review-deadline 2026-03-31 \
	--title 'DTI 2022 (test)'
as olga cycle open dti-2022
[ "$stage" -ge 4 ] || exit 0

# 4 figures
as olga submission import dti-2022 data/published/dti-2022-top5.csv
as ed-dn submission edit dti-2022 'Đà Nẵng' smart_city=0.5 \
	--comment 'smart_city=IOC vận hành từ 2019'
printf '%%PDF-1.4\n%% plan\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' \
	>"$TMP/plan.pdf"
as ed-dn evidence add dti-2022 48 --indicator smart_city \
	--number 123/KH-UBND --date 2022-02-01 --issuer 'UBND TP. Đà Nẵng' \
	--title 'Kế hoạch chuyển đổi số 2022' --file "$TMP/plan.pdf"
[ "$stage" -ge 5 ] || exit 0

# 5 review
as ed-dn submission submit dti-2022 48
for u in 79 22 46 92; do
	as ed-south submission submit dti-2022 "$u"
done
as olga submission exclude dti-2022 'Hà Nội' \
	--reason 'figures not delivered by the deadline'
as olga cycle review dti-2022
[ "$stage" -ge 6 ] || exit 0

# 6 reviewed
as rita review adjust dti-2022 Huế smart_city --value 0.3 \
	--reason 'IOC not in operation before 2022-12-31'
as rita review return dti-2022 'Quảng Ninh' \
	--comment 'attach the evidence of awareness'
as ed-south submission edit dti-2022 22 \
	--comment 'awareness=Kế hoạch 45/KH-UBND'
as ed-south submission submit dti-2022 22
as rita review approve dti-2022 --all-submitted
[ "$stage" -ge 7 ] || exit 0

# 7 closed
as olga cycle close dti-2022
[ "$stage" -ge 8 ] || exit 0

# 8 published
as olga publish dti-2022
