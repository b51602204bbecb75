#!/bin/sh
# tests/fuzz/run-fuzz.sh - runs one libFuzzer target briefly, as a test.
#
#   tests/fuzz/run-fuzz.sh TARGET SEED-CORPUS-DIR [DICTIONARY]
#
# The seed corpus is copied into a temporary directory, which the fuzzer
# grows; nothing is written into the source tree.  The run lasts
# $DTI_FUZZ_SECONDS seconds (default 20, or 60 when $CI is "true"), with a
# 2 GiB memory limit and 10 s per input.  Any crash, leak, timeout,
# out-of-memory or sanitizer report fails the test: the input that caused
# it is kept in $DTI_FUZZ_ARTIFACTS (default: fuzz-artifacts/ in the current
# directory, the build directory under meson) and shown as a hex dump.
#
# Exit status: 0 no finding, 1 a finding, 99 bad usage.
set -u
if [ $# -lt 2 ]; then
	echo "usage: run-fuzz.sh TARGET SEED-CORPUS-DIR [DICTIONARY]" >&2
	exit 99
fi
target=$1
seeds=$2
dict=${3:-}
name=$(basename "$target")

if [ -n "${DTI_FUZZ_SECONDS:-}" ]; then
	secs=$DTI_FUZZ_SECONDS
elif [ "${CI:-}" = true ]; then
	secs=60
else
	secs=20
fi
artifacts=${DTI_FUZZ_ARTIFACTS:-$(pwd)/fuzz-artifacts}

work=$(mktemp -d "${TMPDIR:-/tmp}/dti-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/found"
if [ -d "$seeds" ]; then
	cp -R "$seeds"/. "$work/corpus/"
fi

# UBSan findings must stop the run like ASan's do.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}

set -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="$work/found/"
[ -n "$dict" ] && [ -f "$dict" ] && set -- "$@" -dict="$dict"

echo "$name: fuzzing for $secs s from $(ls "$work/corpus" | wc -l) seeds"
"$target" "$@" "$work/corpus" >"$work/log" 2>&1
rc=$?
# the end of the log (stats, or the report of a finding), without the
# dictionary libFuzzer recommends
sed '/^###### Recommended dictionary/,/^###### End of recommended dictionary/d' \
	"$work/log" | tail -n 60
if [ $rc -eq 0 ] && [ -z "$(ls "$work/found")" ]; then
	echo "$name: no finding; corpus now $(ls "$work/corpus" | wc -l) inputs"
	exit 0
fi
echo "$name: FINDING (exit status $rc)"
mkdir -p "$artifacts"
for f in "$work/found"/*; do
	[ -f "$f" ] || continue
	cp "$f" "$artifacts/$name-$(basename "$f")"
	echo "input kept as $artifacts/$name-$(basename "$f"); reproduce with:"
	echo "  $target $artifacts/$name-$(basename "$f")"
	od -A d -c "$f" | head -n 40
done
exit 1
