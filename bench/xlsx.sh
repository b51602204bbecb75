#!/bin/sh
# bench/xlsx.sh - writing results as XLSX beside CSV, whole process, in
# the same run.
#
#   bench/xlsx.sh [BUILD] [--runs N] [--sizes "63x98 10000x200"]
#
# For each size UNITSxINDICATORS, a framework of that many ratio
# indicators under one index (weights) and a data file of random figures
# are generated; then `dti compute` writes every node (the index and each
# indicator: INDICATORS + 1 columns) for every unit, with --format csv and
# with --format xlsx, RUNS times each (default 5).  Printed: the median
# and the fastest wall time of each, the size of the output, and the
# median difference (the time XLSX adds over CSV: the workbook itself).
set -eu
cd "$(dirname "$0")/.."
build=build
runs=5
sizes="63x98 10000x200"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	-*) echo "bench/xlsx.sh: unknown option $1" >&2; exit 2 ;;
	*) build=$1; shift ;;
	esac
done
dti=$(pwd)/$build/src/cli/dti
[ -x "$dti" ] || { echo "bench/xlsx.sh: no $dti (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

python3 - "$dti" "$work" "$runs" $sizes <<'PY'
import os, random, statistics, subprocess, sys, time

dti, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("dti %s, %s; %d runs each, whole process (wall time)" % (
    subprocess.run([dti, "--version"], capture_output=True,
                   text=True).stdout.split()[1], os.uname().machine, runs))
print("%-12s %-5s %10s %10s %12s" % ("size", "fmt", "median s", "min s",
                                     "bytes"))
for size in sys.argv[4:]:
    units, ind = (int(x) for x in size.split("x"))
    rnd = random.Random(units * 1000 + ind)
    fw = os.path.join(work, "fw-%s.csv" % size)
    data = os.path.join(work, "data-%s.csv" % size)
    codes = ["i%03d" % k for k in range(ind)]
    with open(fw, "w") as f:
        f.write("# dti-framework: 1\n# id: bench-%s\n# version: 1\n"
                "# scoring: weights\n" % size)
        f.write("code,parent,kind,name_vi,name_en,weight,rule,params\n")
        f.write("idx,,index,Chỉ số,Index,,,\n")
        for c in codes:
            f.write("%s,idx,indicator,Chỉ số %s,Indicator %s,1,ratio,"
                    "floor=0;target=1\n" % (c, c, c))
    with open(data, "w") as f:
        f.write("unit," + ",".join(codes) + "\n")
        for u in range(units):
            f.write("U%05d," % u + ",".join(
                "%.4f" % rnd.random() for _ in codes) + "\n")
    nodes = ",".join(["idx"] + codes)
    med = {}
    for fmt in ("csv", "xlsx"):
        out = os.path.join(work, "out-%s.%s" % (size, fmt))
        cmd = [dti, "compute", "-f", fw, "--no-units", data, "--nodes",
               nodes, "--format", fmt, "-o", out]
        subprocess.run(cmd, check=True)          # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            times.append(time.perf_counter() - t0)
        med[fmt] = statistics.median(times)
        print("%-12s %-5s %10.3f %10.3f %12d" % (
            "%dx%d" % (units, ind), fmt, med[fmt], min(times),
            os.path.getsize(out)))
    print("%-12s %-5s %10.3f   (median xlsx - median csv)" % (
        "", "diff", med["xlsx"] - med["csv"]))
PY
