#!/bin/sh
# Builds and runs every test, and ends with the line "N passed, N failed".
#
#   scripts/check.sh          normal build, ASan+UBSan build, brief fuzzing
#   scripts/check.sh --quick  the normal build only
#
# Missing Debian packages are installed first.  Each build directory is
# created when missing and reused otherwise.  Exit status 0 only when no
# test failed.
set -u
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0

count() { # build-dir: add the results of its last meson test run
	log="$1/meson-logs/testlog.json"
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(grep -c '"result": "OK"' "$log")
	f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
	s=$(grep -c '"result": "SKIP"' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "$1: $p passed, $f failed, $s skipped"
}

run() { # build-dir, then meson setup options
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; failed=$((failed + 1)); return; }
		rm -f "$dir.setup.log"
	fi
	if ! ninja -C "$dir" >"$dir.ninja.log" 2>&1; then
		cat "$dir.ninja.log"
		failed=$((failed + 1))
		return
	fi
	rm -f "$dir.ninja.log"
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --print-errorlogs --num-processes 2 "${suites_arg:-}" \
		>"$dir.test.log" 2>&1 || cat "$dir.test.log"
	count "$dir"
}

suites_arg=""
run build
if [ $quick = 0 ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dbench=false
	CC=clang run build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbench=false -Dtests=true
fi
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
