#!/bin/sh
# The benchmarks, in a release build of their own.
#
#   scripts/bench.sh [BUILD] [bench_compute options...]
#
# BUILD is the everyday build directory (default: build); the figures come
# from a release build beside it, BUILD-bench (build-bench by default, or
# $BENCH_DIR), set up with --buildtype=release -Dtests=false when missing and
# switched to release when it is not.  Options after BUILD go to
# bench_compute (see bench_compute --help, bench/README.md).
set -eu
cd "$(dirname "$0")/.."

build=build
if [ $# -gt 0 ]; then
	case $1 in
	-*) ;;
	*) build=$1; shift ;;
	esac
fi
case $build in
*-bench) dir=${BENCH_DIR:-$build} ;;
*) dir=${BENCH_DIR:-$build-bench} ;;
esac

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
# a build set up before bench/ existed has no bench target yet
if ! ninja -C "$dir" -t targets all 2>/dev/null | grep -q '^bench/bench_compute:'; then
	meson setup --reconfigure "$dir" >/dev/null
fi
ninja -C "$dir" bench/bench_compute >/dev/null

exec "$dir/bench/bench_compute" "$@"
