#!/bin/sh
# cppcheck over every file the build compiles (its compile_commands.json:
# libdti, the CLI, the tests, the benchmarks) and the fuzz targets and
# tools it does not compile, with warning, performance and portability
# checks.  A finding fails the test; tests/lint/cppcheck-suppressions.txt
# lists the findings that are not faults, each with its reason.
#
#   cppcheck.sh CPPCHECK SOURCE-ROOT BUILD-DIR
set -u
cppcheck=$1
src=$2
build=$3
if [ ! -x "$cppcheck" ]; then
	echo "cppcheck not found: scripts/install-deps.sh installs it" >&2
	exit 1
fi
"$cppcheck" --version
check() {
	"$cppcheck" --enable=warning,performance,portability \
		--error-exitcode=1 -q \
		--suppressions-list="$src/tests/lint/cppcheck-suppressions.txt" \
		--template='{file}:{line}:{column}: {severity}/{id}: {message}' \
		"$@"
}
status=0
check -j 2 --project="$build/compile_commands.json" || status=1
check -D_POSIX_C_SOURCE=200809L -I"$src/include" -I"$src/lib" \
	-I"$src/src/cli" -I"$src/tests/fuzz" \
	"$src"/tests/fuzz/*.c "$src"/tools/*.c || status=1
[ $status = 0 ] && echo "cppcheck: no finding"
exit $status
