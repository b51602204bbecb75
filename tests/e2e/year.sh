#!/bin/sh
# tests/e2e/year.sh - a whole DTI year for the 63 provinces, run from the
# shell as the index owner, the provinces and the reviewers would run it.
#
#   tests/e2e/year.sh DTI_BINARY SRCDIR
#
# The store is a fresh SQLite file, or the PostgreSQL database named by
# $DTI_TEST_PG (the '-pg' variant runs under tests/pg/with-pg.sh).  Each
# province's figures (the bundled DTI 2022 demo data) are entered by that
# province's own editor; reviewers adjust, return and approve; the owner
# publishes.  The published ranking must equal the one the engine computes
# from a CSV of the same, reviewed figures with 'dti compute', the audit
# chain must verify, and refused calls must change nothing.
set -eu
dti=$1
src=$2
work=$(mktemp -d /tmp/dti-e2e-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT INT TERM

if [ -n "${DTI_TEST_PG:-}" ]; then
    DTI_DB=$DTI_TEST_PG
    backend=postgresql
else
    DTI_DB=$work/dti.db
    backend=sqlite
fi
DTI_NOW=2023-03-01T08:00:00Z
export DTI_DB DTI_NOW
unset DTI_USER

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE CMD...: the command must exit with CODE
expect() {
    code=$1; shift
    set +e; "$@" >"$work/out" 2>"$work/err"; got=$?; set -e
    [ "$got" -eq "$code" ] || { cat "$work/err" >&2; fail "$* exited $got, expected $code"; }
}

data=$src/data/demo/pdti-2022-demo.csv
inds="awareness institutions infrastructure human_resources cybersecurity smart_city gov_activity econ_activity soc_activity"

"$dti" db init --admin minister --allow-dti-now >/dev/null
export DTI_USER=minister
"$dti" user add dti-team --name "Nhóm DTI" >/dev/null
"$dti" user role dti-team owner >/dev/null
"$dti" user add rv1 >/dev/null
"$dti" user role rv1 reviewer >/dev/null
"$dti" user add press >/dev/null
"$dti" user role press viewer >/dev/null

# The 2022 rows of the demo data: "unit;v1;...;v9", names as published.
awk -F, '!/^#/ && $1 == "2022" { printf "%s", $2; for (i = 3; i <= 11; i++) printf ";%s", $i; print "" }' "$data" >"$work/rows"
[ "$(wc -l <"$work/rows")" -eq 63 ] || fail "expected 63 rows of 2022"

# One editor per province, scoped to it.  Names are shared across the
# 2025 merger ("Tuyên Quang" before and after), so roles take the 2022 id.
n=0
while IFS=';' read -r name rest; do
    n=$((n + 1))
    id=$("$dti" units show --date 2022-12-31 "$name" | head -1 |
        sed 's/.*(\(.*\))$/\1/')
    echo "$n;$name;$id" >>"$work/editors"
    "$dti" user add "ed$n" >/dev/null
    "$dti" user role "ed$n" editor --unit "$id" >/dev/null
done <"$work/rows"

export DTI_USER=dti-team
"$dti" cycle create dti-2022 --year 2022 --framework pdti-2022 \
    --submit-deadline 2023-03-31 --review-deadline 2023-05-31 >/dev/null
"$dti" cycle open dti-2022 >/dev/null
"$dti" cycle status dti-2022 --json >"$work/status.json"
grep -q '"draft":63' "$work/status.json" || fail "63 draft submissions expected"

# Each province enters, attaches evidence and submits, as its own editor.
printf '%%PDF-1.4\n%% plan\n' >"$work/ke-hoach.pdf"
n=0
while IFS=';' read -r name v1 v2 v3 v4 v5 v6 v7 v8 v9; do
    n=$((n + 1))
    set -- $inds
    DTI_USER=ed$n "$dti" submission edit dti-2022 "$name" \
        "$1=$v1" "$2=$v2" "$3=$v3" "$4=$v4" "$5=$v5" "$6=$v6" "$7=$v7" \
        "$8=$v8" "$9=$v9" >/dev/null
    if [ $((n % 9)) -eq 1 ]; then
        DTI_USER=ed$n "$dti" evidence add dti-2022 "$name" \
            --indicator institutions --number "$n/KH-UBND" \
            --date 2022-02-01 --title "Kế hoạch chuyển đổi số 2022" \
            --file "$work/ke-hoach.pdf" >/dev/null
    fi
    DTI_USER=ed$n "$dti" submission submit dti-2022 "$name" >/dev/null
done <"$work/rows"

# Refusals change nothing: another province, a submitted one, bad values.
"$dti" audit log --json >"$work/audit-before"
expect 10 env DTI_USER=ed1 "$dti" submission edit dti-2022 "Hà Giang" awareness=0.5
expect 9 env DTI_USER=ed1 "$dti" submission edit dti-2022 "Hà Nội" awareness=0.5
expect 9 env DTI_USER=rv1 "$dti" review approve dti-2022 "Hà Nội"
expect 12 "$dti" submission add dti-2022 "Hà Nội"
"$dti" audit log --json >"$work/audit-after"
cmp -s "$work/audit-before" "$work/audit-after" || fail "a refused call changed the audit log"

"$dti" cycle review dti-2022 >/dev/null
expect 6 env DTI_USER=rv1 "$dti" review adjust dti-2022 "Hà Nội" nonsense \
    --value 0.5 --reason "no such indicator"
expect 4 env DTI_USER=rv1 "$dti" review adjust dti-2022 "Hà Nội" awareness \
    --value 1.5 --reason "out of range"
expect 4 env DTI_USER=rv1 "$dti" review adjust dti-2022 "Hà Nội" awareness \
    --value 0.5 --reason ""
# Review: two adjustments with reasons, one return answered by the unit.
export DTI_USER=rv1
"$dti" review adjust dti-2022 "Hà Nội" smart_city --value 0.3 \
    --reason "Đô thị thông minh: chưa có nền tảng IOC vận hành" >/dev/null
"$dti" review adjust dti-2022 "Cà Mau" institutions --value 0.5 \
    --reason "Kế hoạch ban hành sau kỳ đánh giá" >/dev/null
"$dti" review return dti-2022 "Đà Nẵng" --comment "Bổ sung minh chứng an toàn thông tin" >/dev/null
dn=$(grep ';Đà Nẵng;' "$work/editors" | cut -d';' -f1)
DTI_USER=ed$dn "$dti" evidence add dti-2022 "Đà Nẵng" --indicator cybersecurity \
    --title "Báo cáo diễn tập" --link https://example.org/bao-cao >/dev/null
DTI_USER=ed$dn "$dti" submission submit dti-2022 "Đà Nẵng" >/dev/null
"$dti" review approve dti-2022 --all-submitted >/dev/null

export DTI_USER=dti-team
expect 9 "$dti" publish dti-2022
"$dti" cycle close dti-2022 >/dev/null
"$dti" publish dti-2022 >/dev/null
"$dti" cycle status dti-2022 --json >"$work/status.json"
grep -q '"state":"published"' "$work/status.json" || fail "not published"
grep -q '"approved":63' "$work/status.json" || fail "63 approved expected"

# The published ranking against the engine on the same reviewed figures.
{
    echo "# framework: pdti-2022"
    printf 'unit'; for i in $inds; do printf ',%s' "$i"; done; echo
    sed 's/;/,/g' "$work/rows"
} >"$work/reviewed.csv"
sed -i -e '/^Hà Nội,/ s/^\(\([^,]*,\)\{6\}\)[^,]*/\10.3/' \
       -e '/^Cà Mau,/ s/^\(\([^,]*,\)\{2\}\)[^,]*/\10.5/' "$work/reviewed.csv"
unset DTI_USER
"$dti" results dti-2022 --format csv >"$work/published.csv"
"$dti" rank -f pdti-2022 "$work/reviewed.csv" --format csv >"$work/engine.csv"
cut -d, -f2- "$work/published.csv" | sort >"$work/p"
cut -d, -f2- "$work/engine.csv" | sort >"$work/e"
[ "$(wc -l <"$work/p")" -eq 64 ] || { cat "$work/published.csv" >&2; fail "64 lines expected"; }
if ! cmp -s "$work/p" "$work/e"; then
    diff "$work/p" "$work/e" >&2 || true
    fail "the published ranking differs from the engine's"
fi
"$dti" results dti-2022 >"$work/results.json"
grep -q '"audit_hash":"[0-9a-f]\{64\}"' "$work/results.json" || fail "no audit head in the snapshot"
grep -q '"data_hash":"[0-9a-f]\{64\}"' "$work/results.json" || fail "no data hash"

# The audit trail: complete, filterable, intact.
export DTI_USER=press
"$dti" audit verify >"$work/verify"
grep -q "intact" "$work/verify" || fail "audit chain not intact"
"$dti" audit log --unit 48 --json >"$work/dn.log"
for a in submission.edit submission.submit review.return evidence.add review.approve; do
    grep -q "\"action\":\"$a\"" "$work/dn.log" || fail "no $a event for Đà Nẵng"
done
"$dti" audit log --user rv1 --cycle dti-2022 --json >"$work/rv.log"
[ "$(grep -c '"action":"review.approve"' "$work/rv.log")" -eq 63 ] ||
    fail "63 approvals by rv1 expected"

echo "e2e year ($backend): 63 provinces entered, reviewed, published; ranking equals the engine's; audit intact ($(awk '{print $4}' "$work/verify") events)"
