#!/bin/sh
# The benchmarks, in a release build of their own.
#
#   scripts/bench.sh [BUILD] [options...]          bench_compute only
#   scripts/bench.sh [BUILD]                       both benchmarks
#   scripts/bench.sh [BUILD] compute [options...]  bench_compute
#   scripts/bench.sh [BUILD] store [options...]    bench_store
#   scripts/bench.sh [BUILD] read [options...]     bench_read (CSV and .xlsx)
#   scripts/bench.sh [BUILD] process [options...]  bench/process.sh: start-up
#                                                  and compute, whole process
#   scripts/bench.sh [BUILD] xlsx [options...]     bench/xlsx.sh: CSV and XLSX
#                                                  written, whole process
#   scripts/bench.sh [BUILD] coinr [options...]    bench/coinr.sh: COINr beside
#                                                  dti on the same files
#
# BUILD is the everyday build directory (default: build); the figures come
# from a release build beside it, BUILD-bench (build-bench by default, or
# $BENCH_DIR), set up with --buildtype=release -Dtests=false when missing and
# switched to release when it is not.  Options go to the benchmark named
# (bench_compute when none is named; see --help of each, bench/README.md).
#
# bench_store compares SQLite with PostgreSQL: unless DTI_TEST_PG names a
# server (or the options say --pg or --no-pg), it runs under
# tests/pg/with-pg.sh, which starts a throwaway server, with --pg-durable
# (that server starts without fsync; the figures need commits on disk, as
# SQLite's).  Without PostgreSQL installed it runs on SQLite alone.
set -eu
cd "$(dirname "$0")/.."

build=build
if [ $# -gt 0 ]; then
	case $1 in
	-* | compute | store | read | process | xlsx | coinr) ;;
	*) build=$1; shift ;;
	esac
fi
case $build in
*-bench) dir=${BENCH_DIR:-$build} ;;
*) dir=${BENCH_DIR:-$build-bench} ;;
esac

what=all
if [ $# -gt 0 ]; then
	case $1 in
	compute | store | read | process | xlsx | coinr) what=$1; shift ;;
	*) what=compute ;;
	esac
fi

if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" --buildtype=release -Dtests=false -Dbench=true
else
	opts=$(meson introspect "$dir" --buildoptions | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o.get("buildtype"), o.get("bench"))')
	if [ "$opts" != "release True" ]; then
		meson configure "$dir" -Dbuildtype=release -Dbench=true >/dev/null
	fi
fi
# a build set up before bench/ (or one of its programs) existed lacks the
# target
targets=$(ninja -C "$dir" -t targets all 2>/dev/null || true)
for t in bench_compute bench_store bench_read; do
	if ! printf '%s\n' "$targets" | grep -q "^bench/$t:"; then
		meson setup --reconfigure "$dir" >/dev/null
		break
	fi
done
ninja -C "$dir" bench/bench_compute bench/bench_store bench/bench_read \
	src/cli/dti >/dev/null

run_store() {
	pg=
	for a in "$@"; do
		case $a in --pg | --no-pg) pg=given ;; esac
	done
	if [ -n "$pg" ] || [ -n "${DTI_TEST_PG:-}" ]; then
		"$dir/bench/bench_store" "$@"
		return
	fi
	status=0
	tests/pg/with-pg.sh "$dir/bench/bench_store" --pg-durable "$@" ||
		status=$?
	if [ "$status" -eq 77 ]; then
		echo "bench.sh: no PostgreSQL server to start: SQLite only" >&2
		"$dir/bench/bench_store" "$@"
		return
	fi
	return "$status"
}

case $what in
compute) exec "$dir/bench/bench_compute" "$@" ;;
store) run_store "$@" ;;
read) exec "$dir/bench/bench_read" "$@" ;;
process) exec bench/process.sh "$dir" "$@" ;;
xlsx) exec bench/xlsx.sh "$dir" "$@" ;;
coinr) exec bench/coinr.sh "$dir" "$@" ;;
all)
	status=0
	"$dir/bench/bench_compute" || status=$?
	echo
	"$dir/bench/bench_read" || status=$?
	echo
	bench/process.sh "$dir" || status=$?
	echo
	# says so and goes on when COINr is not beside the project
	bench/coinr.sh "$dir" || status=$?
	echo
	run_store || status=$?
	exit "$status"
	;;
esac
