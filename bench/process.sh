#!/bin/sh
# bench/process.sh - dti as a whole process: start-up, and compute from a
# CSV file to a CSV file.
#
#   bench/process.sh [BUILD] [--runs N] [--sizes "63x98 10000x200"]
#
# `dti --version` is run 10 x RUNS times (start-up: loading the program
# and libdti, nothing read); then, for each size UNITSxINDICATORS, a
# framework of ratio indicators under one index (weights, min-max) and a
# data file of random figures (1 % missing, as bench_read's) are
# generated, and `dti compute -f framework.csv data.csv -o out.csv` is run
# RUNS times (default 11): reading, checking, computing, ranking every
# node and writing them all.  Printed: median, fastest and slowest wall
# time (from the fork to the exit), the median CPU time (user + system).
set -eu
cd "$(dirname "$0")/.."
build=build
runs=11
sizes="63x98 10000x200"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	-*) echo "bench/process.sh: unknown option $1" >&2; exit 2 ;;
	*) build=$1; shift ;;
	esac
done
dti=$(pwd)/$build/src/cli/dti
[ -x "$dti" ] || { echo "bench/process.sh: no $dti (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

python3 - "$dti" "$work" "$runs" $sizes <<'PY'
import os, random, resource, statistics, subprocess, sys, time

dti, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cpu = "?"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
ver = subprocess.run([dti, "--version"], capture_output=True,
                     text=True).stdout.split()[1]
print("dti %s as a whole process; %s, %d CPUs, %s; load %.2f" % (
    ver, cpu, os.cpu_count(), os.uname().release, os.getloadavg()[0]))
print("%-28s %10s %10s %10s %10s" % ("run", "median ms", "min ms",
                                    "max ms", "CPU ms"))


def timed(cmd, n):
    wall, cpu = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall.append((time.perf_counter() - t0) * 1e3)
        if status != 0:
            sys.exit("%s failed" % " ".join(cmd))
        cpu.append((ru.ru_utime + ru.ru_stime) * 1e3)
    return wall, cpu


def show(name, wall, cpu):
    print("%-28s %10.2f %10.2f %10.2f %10.2f" % (
        name, statistics.median(wall), min(wall), max(wall),
        statistics.median(cpu)))
    sys.stdout.flush()


timed([dti, "--version"], 3)
show("dti --version", *timed([dti, "--version"], 10 * runs))

for size in sys.argv[4:]:
    nu, ni = (int(x) for x in size.split("x"))
    d = os.path.join(work, size)
    os.makedirs(d)
    fw = os.path.join(d, "framework.csv")
    data = os.path.join(d, "data.csv")
    with open(fw, "w") as f:
        f.write("# dti-framework: 1\n# id: bench-process\n# version: bench\n"
                "# title_en: Benchmark\n# status: example\n"
                "# scoring: weights\n# scale: 100\n# precision: 4\n"
                "# missing: exclude\n# normalise: minmax\n"
                "code,parent,kind,name_en,weight\nidx,,index,Index,\n")
        for i in range(ni):
            f.write("i%04d,idx,indicator,Indicator %d,%d\n" % (
                i + 1, i + 1, 1 + i % 3))
    rnd = random.Random(nu * 1000 + ni)
    with open(data, "w") as f:
        f.write("# synthetic: yes\nyear,unit," +
                ",".join("i%04d" % (i + 1) for i in range(ni)) + "\n")
        for u in range(nu):
            cells = []
            for i in range(ni):
                if rnd.random() < 0.01:
                    cells.append("")
                else:
                    v = 10 * (i % 17) + (1 + i % 7) * 10 * rnd.random()
                    cells.append(("%.3f" % v).rstrip("0").rstrip("."))
            f.write("2025,Unit %05d," % (u + 1) + ",".join(cells) + "\n")
    mb = os.path.getsize(data) / 1e6
    cmd = [dti, "compute", "-f", fw, data, "-o", os.path.join(d, "out.csv")]
    timed(cmd, 1)
    show("compute %s (%.1f MB)" % (size, mb), *timed(cmd, runs))
PY
