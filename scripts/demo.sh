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
# directory (DTI_DEMO_DIR may name another directory; DTI_DB a file or a
# postgresql:// URI), then the store served on the loopback interface.
if [ -n "${DTI_DEMO_DIR:-}" ]; then
    store_dir=$DTI_DEMO_DIR
    mkdir -p "$store_dir"
    keep=1
else
    store_dir=$(mktemp -d)
    keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$store_dir"; }
trap cleanup EXIT
DTI_DB=${DTI_DB:-$store_dir/dti.db}
export DTI_DB
# A fixed clock: the transcript is the same on every run.  DTI 2021 is
# published a year before DTI 2022 (unless a time is given).
demo_now=${DTI_NOW:-2023-03-15T09:00:00Z}
DTI_NOW=${DTI_NOW:-2022-03-15T09:00:00Z}
export DTI_NOW
echo "== a DTI 2022 assessment year in a store ($DTI_DB)"
run() { echo "\$ $*"; "$@"; }
# a password per demo account, printed at the end
pw() { od -An -N9 -tx1 /dev/urandom | tr -d ' \n'; }
admin_pw=$(pw)
printf '%s\n' "$admin_pw" | run "$dti" db init --admin admin --allow-dti-now --password-stdin
export DTI_USER=admin
run "$dti" user add owner --name 'Bộ Thông tin và Truyền thông (demo)'
run "$dti" user role owner owner
export DTI_USER=owner
# The year before, published a year earlier: the pages then show changes.
{
    "$dti" cycle create dti-2021 --year 2021 --framework pdti-2022 --submit-deadline 2022-03-31
    "$dti" cycle open dti-2021
    "$dti" submission import dti-2021 data/demo/pdti-2022-demo.csv --data-cycle 2021 --and-submit
    "$dti" cycle review dti-2021
    "$dti" review approve dti-2021 --all-submitted
    "$dti" cycle close dti-2021
    "$dti" publish dti-2021
} >/dev/null
echo "(DTI 2021 published the year before, from the demo figures of 2021)"
DTI_NOW=$demo_now
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

# The next year, open for data entry: the same synthetic figures as drafts.
run "$dti" cycle create dti-2023 --year 2023 --framework pdti-2022 --submit-deadline "$(date -u -d "+8 weeks" +%F)"
run "$dti" cycle open dti-2023
run "$dti" submission import dti-2023 data/demo/pdti-2022-demo.csv --data-cycle 2022 >/dev/null

# A demo account per role, each with a password of its own.
export DTI_USER=admin
owner_pw=$(pw) reviewer_pw=$(pw) viewer_pw=$(pw) editor_pw=$(pw)
printf '%s\n' "$owner_pw" | "$dti" user passwd owner --password-stdin
"$dti" user add reviewer --name 'Reviewer (demo)' >/dev/null
"$dti" user role reviewer reviewer >/dev/null
"$dti" user add viewer --name 'Viewer (demo)' >/dev/null
"$dti" user role viewer viewer >/dev/null
"$dti" user add editor --name 'Sở TT&TT Đà Nẵng (demo)' >/dev/null
"$dti" user role editor editor --unit 48 >/dev/null
printf '%s\n' "$reviewer_pw" | "$dti" user passwd reviewer --password-stdin
printf '%s\n' "$viewer_pw" | "$dti" user passwd viewer --password-stdin
printf '%s\n' "$editor_pw" | "$dti" user passwd editor --password-stdin
unset DTI_USER DTI_NOW

if [ "${DTI_DEMO_SERVE:-yes}" = no ]; then
    exit 0
fi
echo
echo "== dti serve --demo (the data are synthetic; every response says so)"
echo "demo accounts (user / password / role):"
echo "  admin    $admin_pw  admin: users and roles"
echo "  owner    $owner_pw  owner: cycles, publication"
echo "  reviewer $reviewer_pw  reviewer: adjust, return, approve"
echo "  viewer   $viewer_pw  viewer: reads everything"
echo "  editor   $editor_pw  editor of Đà Nẵng (48) in dti-2023"
echo "stop with Ctrl-C"
"$dti" serve --demo --port "${DTI_DEMO_PORT:-8080}" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; status=$?; cleanup; exit $status' INT TERM
wait $pid
status=$?
cleanup
exit $status
