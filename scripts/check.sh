#!/bin/sh
# Builds and runs every test, and ends with the line "N passed, N failed".
#
#   scripts/check.sh          the four builds below
#   scripts/check.sh --quick  the normal build only
#
# The builds, each in its own directory (created when missing, reused
# otherwise; warnings are errors in all of them):
#   build       gcc: every test, with the lint (clang-format, cppcheck) and
#               the allocation-failure test, which only this build has
#   build-asan  gcc, AddressSanitizer + UndefinedBehaviorSanitizer: every
#               test but the command-line scripts on PostgreSQL (suite
#               pg-cli), the SIGKILL import test smaller (10 kills, 1000
#               communes instead of 50 and 2500)
#   build-tsan  clang, ThreadSanitizer: the unit and server tests (and, as
#               it builds everything, the whole tree compiled by clang with
#               -Werror)
#   build-fuzz  clang, libFuzzer + ASan + UBSan: the fuzz targets only,
#               fuzzed together briefly (tests/fuzz/run-fuzz.sh)
# Each phase prints its wall time.  Missing Debian packages are installed
# first.  Exit status 0 only when no test failed.
set -u
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0
t_all=$(date +%s)

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

# run DIR [SETUP-OPTION...]: sets up DIR when needed, builds $targets (all
# when empty), runs the tests with $test_args, $jobs at a time, and counts
# them, printing the time of each step.
targets=""
test_args=""
jobs=2
run() {
	dir=$1
	shift
	t0=$(date +%s)
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; failed=$((failed + 1)); return; }
		rm -f "$dir.setup.log"
	else
		meson configure "$dir" -Dwerror=true >/dev/null 2>&1
	fi
	# shellcheck disable=SC2086
	if ! ninja -C "$dir" $targets >"$dir.ninja.log" 2>&1; then
		cat "$dir.ninja.log"
		failed=$((failed + 1))
		return
	fi
	rm -f "$dir.ninja.log"
	t1=$(date +%s)
	rm -f "$dir/meson-logs/testlog.json"
	# shellcheck disable=SC2086
	meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$jobs" \
		$test_args >"$dir.test.log" 2>&1 || cat "$dir.test.log"
	t2=$(date +%s)
	count "$dir"
	echo "$dir: build $((t1 - t0)) s, tests $((t2 - t1)) s"
}

run build
if [ $quick = 0 ]; then
	# ASan and UBSan: every test but two slow ones, which the normal
	# build runs: the whole-year and round-trip scripts on PostgreSQL
	# (suite pg-cli; the backend's unit tests on PostgreSQL and the same
	# scripts on SQLite run here); the SIGKILL import test kills 10
	# imports of a smaller store
	test_args="--no-suite pg-cli"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions="$(pwd)/tests/lsan-suppressions.txt":print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	DTI_KILL_ROUNDS=10 DTI_KILL_COMMUNES=1000 \
		run build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dbench=false
	# ThreadSanitizer: the unit tests (the engine's threads test above
	# all) and the server's (its worker threads, group commit, mailer,
	# watchdog); a report fails the test (the server exits non-zero).
	# Built with clang, so that clang compiles the whole tree too (the
	# fuzz build compiles only its part)
	test_args="--suite unit --suite server"
	CC=clang TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		run build-tsan -Db_sanitize=thread -Db_lundef=false -Dbench=false
	# libFuzzer: the fuzz targets alone, the rest is tested above; the
	# six run at once (in one wave rather than two: each gets about a
	# third of a core of the two, for the same wall time)
	targets="tests/fuzz/fuzz_csv tests/fuzz/fuzz_framework"
	targets="$targets tests/fuzz/fuzz_number"
	targets="$targets tests/fuzz/fuzz_srv_json tests/fuzz/fuzz_srv_request"
	targets="$targets tests/fuzz/fuzz_multipart"
	test_args="--suite fuzz"
	jobs=6
	CC=clang run build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbench=false -Dtests=true
fi
echo "all builds: $(($(date +%s) - t_all)) s"
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
