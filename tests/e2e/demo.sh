#!/bin/sh
# tests/e2e/demo.sh - 'make demo' (scripts/demo.sh), the first of the
# README's two commands: the ranking of the demo data, the published DTI
# 2022 top five, an explanation, a whole year in a store that publishes
# and verifies, then `dti serve --demo` on that store with a demo account
# per role.  Here the server gets a free port, is asked over HTTP and
# stopped with SIGTERM, which must end the demo with exit 0.
#
#   tests/e2e/demo.sh SRCDIR BUILDDIR
set -eu
src=$1
build=$2
out=$(mktemp /tmp/dti-demo-XXXXXX)
pid=
trap 'rm -f "$out"; [ -z "$pid" ] || kill -KILL $pid 2>/dev/null || :' EXIT INT TERM
unset DTI_DB DTI_USER DTI_NOW DTI_DEMO_DIR
fail() { echo "FAIL: $*" >&2; cat "$out" >&2; exit 1; }
DTI_DEMO_PORT=0 "$src/scripts/demo.sh" "$build" >"$out" 2>&1 &
pid=$!
url=
for _ in $(seq 1 600); do
    url=$(sed -n 's|^dti serve: listening on \(http://[^ ]*\)/$|\1|p' "$out")
    [ -n "$url" ] && break
    kill -0 $pid 2>/dev/null || fail "scripts/demo.sh ended before serving"
    sleep 0.5
done
[ -n "$url" ] || fail "dti serve did not start"
for want in '== dti rank -f pdti-2022 data/demo/pdti-2022-demo.csv --top 15' \
    'Đà Nẵng' 'Tuyên Quang' 'cycle dti-2022: published' 'audit chain intact:' \
    'editor of Đà Nẵng (48)'; do
    grep -qF "$want" "$out" || fail "the demo's output lacks '$want'"
done
# every account printed signs in with its password; the server answers
python3 - "$url" "$out" <<'PY' || fail "the demo server did not answer as expected"
import json, re, sys, urllib.request
url, out = sys.argv[1], open(sys.argv[2], encoding='utf-8').read()
with urllib.request.urlopen(url + '/healthz', timeout=10) as r:
    assert r.status == 200, r.status
    # the data are synthetic, and every response says so
    assert r.headers['X-DTI-Data'] == 'synthetic demo data', r.headers
with urllib.request.urlopen(url + '/api/v1/cycles/dti-2022/results', timeout=30) as r:
    assert r.status == 200 and r.headers['X-DTI-Data'], r.headers
# the pages open onto two published years and the one in progress
with urllib.request.urlopen(url + '/', timeout=30) as r:
    home = r.read().decode()
    assert '/cycles/dti-2022' in home and '/cycles/dti-2021' in home, home
with urllib.request.urlopen(url + '/cycles/dti-2022', timeout=30) as r:
    page = r.read().decode()
    assert r.headers['Content-Type'].startswith('text/html')
    assert 'Đà Nẵng' in page and ('▲' in page or '▼' in page), \
        'no changes since 2021 on the ranking page'
accounts = re.findall(r'^  (admin|owner|reviewer|viewer|editor) +([0-9a-f]{18}) ', out, re.M)
assert len(accounts) == 5, accounts
for user, pw in accounts:
    req = urllib.request.Request(url + '/api/v1/session', method='POST',
        data=json.dumps({'user': user, 'password': pw}).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200, (user, r.status)
        assert json.load(r)['user'] == user
PY
kill -TERM $pid
status=0
wait $pid || status=$?
pid=
[ "$status" = 0 ] || fail "the demo exited $status on SIGTERM"
echo "demo: runs to the end, publishes, verifies, serves its pages and stops"
