#!/bin/sh
# tests/e2e/demo.sh - 'make demo' (scripts/demo.sh), the first of the
# README's two commands, runs to the end: the ranking of the demo data,
# the published DTI 2022 top five, an explanation, and a whole year in a
# store that publishes and verifies.
#
#   tests/e2e/demo.sh SRCDIR BUILDDIR
set -eu
src=$1
build=$2
out=$(mktemp /tmp/dti-demo-XXXXXX)
trap 'rm -f "$out"' EXIT INT TERM
unset DTI_DB DTI_USER DTI_NOW
fail() { echo "FAIL: $*" >&2; cat "$out" >&2; exit 1; }
"$src/scripts/demo.sh" "$build" >"$out" 2>&1 || fail "scripts/demo.sh exited $?"
for want in '== dti rank -f pdti-2022 data/demo/pdti-2022-demo.csv --top 15' \
    'Đà Nẵng' 'Tuyên Quang' 'cycle dti-2022: published' 'audit chain intact:'; do
    grep -qF "$want" "$out" || fail "the demo's output lacks '$want'"
done
echo "demo: runs to the end, publishes and verifies"
