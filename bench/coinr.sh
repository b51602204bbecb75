#!/bin/sh
# bench/coinr.sh - dti beside COINr (the EU JRC's R toolkit), in the same
# run, on the same files.
#
#   bench/coinr.sh [BUILD] [--runs N] [--sizes "63x98 10000x100 10000x200"]
#                  [--ua-runs "200 10000"] [--sa-samples "100 2000"]
#                  [--goal-sizes "63x98 10000x100"] [--goal-coinr-runs "50 3"]
#                  [--goal-ua-runs 10000] [--goal-sa-samples 1000]
#
# For each size UNITSxINDICATORS a COINr case is generated: iMeta.csv
# (indicators in pillars of ten under one index, some pointing down,
# weights 1-3) and iData.csv (random figures, 1 % missing).  COINr builds
# it with new_coin + Normalise (min-max onto [0,100]) + Aggregate
# (weighted arithmetic mean), timed inside R by time_coinr.R (reading the
# CSVs not timed; one warm-up, then RUNS builds).  dti reads the same two
# files (`dti compute -f iMeta.csv iData.csv`), timed as a whole process:
# start, reading, checking, computing, ranking and writing every unit's
# index as CSV.  Printed: the median and fastest of each, their ratio,
# and how far the two indexes are apart (largest difference, ranks that
# differ), so that the speed is that of the same result.
#
# Then the uncertainty analysis on COINr's ASEM example (51 units, 49
# indicators): every weight within ±25 % (COINr: get_noisy_weights and
# get_sensitivity(SA_type = "UA"), bench/coinr_ua.R, COINr's runs; dti:
# dti uncertainty --weight-noise 0.25, dti's runs, every core), the
# seconds per run of each, and how far their rank statistics agree (the
# nominal ranks, and the median ranks within one place).  And the
# sensitivity analysis on ASEM with two inputs, the weights (±25 %) and
# one indicator left out or none (COINr: get_sensitivity(SA_type = "SA")
# with new_coin's exclude, bench/coinr_sa.R; dti: dti sensitivity
# --weight-noise 0.25 --leave-one-out), each input's first-order and
# total indices with their 5-95 % bootstrap intervals side by side, and
# whether the intervals overlap.
#
# Last, the analyses at the sizes the index is built for, on generated
# cases as above (--goal-sizes, default 63x98 and 10000x100): dti
# uncertainty with 10,000 runs (--weight-noise 0.25) and dti sensitivity
# with N = 1,000 over five inputs (weights, aggregation, leave-one-out,
# normalisation, imputation: 7,000 runs), whole processes on every core;
# and COINr's get_sensitivity(SA_type = "UA") on the same files with a few
# runs (--goal-coinr-runs, default 50 and 3: at 10,000 units a COINr
# build takes seconds), timed in the same run.  COINr's figure for
# 10,000 or 7,000 runs is its measured time a run times the runs, said so.
#
# COINr comes from ../shared/anchors/coinr beside the project (or
# $COINR_ANCHOR): its install.sh installs R from Debian and COINr into a
# private library ($COINR_LIB, default ~/.local/lib/R-coinr) when they are
# missing.  Without the anchor, the comparison is skipped (said, exit 0).
set -eu
cd "$(dirname "$0")/.."
build=build
runs=5
sizes="63x98 10000x100 10000x200"
ua_runs="200 10000"
sa_samples="100 2000"
goal_sizes="63x98 10000x100"
goal_coinr="50 3"
goal_ua=10000
goal_sa=1000
while [ $# -gt 0 ]; do
	case $1 in
	--goal-sizes) goal_sizes=$2; shift 2 ;;
	--goal-coinr-runs) goal_coinr=$2; shift 2 ;;
	--goal-ua-runs) goal_ua=$2; shift 2 ;;
	--goal-sa-samples) goal_sa=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--ua-runs) ua_runs=$2; shift 2 ;;
	--sa-samples) sa_samples=$2; shift 2 ;;
	-*) echo "bench/coinr.sh: unknown option $1" >&2; exit 2 ;;
	*) build=$1; shift ;;
	esac
done
dti=$(pwd)/$build/src/cli/dti
[ -x "$dti" ] || { echo "bench/coinr.sh: no $dti (build first)" >&2; exit 1; }
anchor=${COINR_ANCHOR:-$(pwd)/../shared/anchors/coinr}
if [ ! -f "$anchor/time_coinr.R" ] || [ ! -f "$anchor/install.sh" ]; then
	echo "bench/coinr.sh: COINr not found in $anchor (set COINR_ANCHOR):" \
		"the comparison with COINr is skipped"
	exit 0
fi
export COINR_LIB=${COINR_LIB:-$HOME/.local/lib/R-coinr}
sh "$anchor/install.sh" "$COINR_LIB" >/dev/null ||
	{ echo "bench/coinr.sh: COINr could not be installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

python3 - "$dti" "$anchor/time_coinr.R" "$work" "$runs" "$ua_runs" \
	"$(pwd)/bench/coinr_ua.R" "$(pwd)/tests/data/coinr-asem" "$sa_samples" \
	"$(pwd)/bench/coinr_sa.R" "$goal_sizes" "$goal_coinr" "$goal_ua" \
	"$goal_sa" $sizes <<'PY'
import csv, json, os, random, statistics, subprocess, sys, time

dti, timer, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ua_coinr, ua_dti = (int(x) for x in sys.argv[5].split())
ua_script, asem = sys.argv[6], sys.argv[7]
sa_coinr, sa_dti = (int(x) for x in sys.argv[8].split())
sa_script = sys.argv[9]
goal_sizes = sys.argv[10].split()
goal_coinr = [int(x) for x in sys.argv[11].split()]
goal_ua, goal_sa = int(sys.argv[12]), int(sys.argv[13])
if len(goal_coinr) != len(goal_sizes):
    sys.exit("bench/coinr.sh: --goal-coinr-runs needs one count per goal size")
sizes = sys.argv[14:]
rver = subprocess.run(["Rscript", "-e", "cat(R.version.string)"],
                      capture_output=True, text=True).stdout.strip()
cver = subprocess.run(
    ["Rscript", "-e", "cat(as.character(packageVersion('COINr', lib.loc="
     "Sys.getenv('COINR_LIB'))))"], capture_output=True, text=True).stdout
dver = subprocess.run([dti, "--version"], capture_output=True,
                      text=True).stdout.split()[1]
cpu = "?"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
print("dti %s beside COINr %s (%s); %s, %d CPUs; load %.2f" % (
    dver, cver, rver, cpu, os.cpu_count(), os.getloadavg()[0]))
print("COINr: new_coin + Normalise (min-max [0,100]) + Aggregate (weighted "
      "mean), inside R, reading not timed;")
print("dti: dti compute -f iMeta.csv iData.csv -o index.csv, the whole "
      "process; medians of %d runs" % runs)
print()
print("%-11s %11s %9s %11s %9s %8s %12s %6s" % (
    "size", "COINr med s", "min s", "dti med s", "min s", "COINr/dti",
    "max |diff|", "ranks"))


def case(dirn, nu, ni):
    rnd = random.Random(nu * 1000 + ni)
    os.makedirs(dirn)
    npil = (ni + 9) // 10
    with open(os.path.join(dirn, "iMeta.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Level", "iCode", "iName", "Direction", "Weight",
                    "Parent", "Type"])
        for i in range(ni):
            w.writerow([1, "i%04d" % (i + 1), "Indicator %d" % (i + 1),
                        -1 if i % 7 == 3 else 1, 1 + i % 3,
                        "P%02d" % (i // 10 + 1), "Indicator"])
        for p in range(npil):
            w.writerow([2, "P%02d" % (p + 1), "Pillar %d" % (p + 1), 1,
                        1 + p % 2, "Index", "Aggregate"])
        w.writerow([3, "Index", "Index", 1, 1, "", "Aggregate"])
    with open(os.path.join(dirn, "iData.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["uCode", "uName"] + ["i%04d" % (i + 1)
                                         for i in range(ni)])
        for u in range(nu):
            row = ["U%05d" % (u + 1), "Unit %d" % (u + 1)]
            for i in range(ni):
                if rnd.random() < 0.01:
                    row.append("")
                else:
                    v = 10 * (i % 17) + (1 + i % 7) * 10 * rnd.random()
                    row.append("%.6g" % v)
            w.writerow(row)


for size in sizes:
    nu, ni = (int(x) for x in size.split("x"))
    dirn = os.path.join(work, size)
    case(dirn, nu, ni)
    r = subprocess.run(["Rscript", timer, dirn, str(runs)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("COINr failed on %s: %s" % (size, r.stderr[-2000:]))
    with open(os.path.join(dirn, "coinr_times.csv")) as f:
        ct = [float(row["elapsed"]) for row in csv.DictReader(f)]
    out = os.path.join(dirn, "dti.csv")
    cmd = [dti, "compute", "-f", os.path.join(dirn, "iMeta.csv"),
           os.path.join(dirn, "iData.csv"), "--nodes", "Index", "-o", out]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up
    dt = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        dt.append(time.perf_counter() - t0)
    with open(os.path.join(dirn, "coinr_index.csv")) as f:
        coinr = {row["uCode"]: (float(row["Index"]), row["Rank"])
                 for row in csv.DictReader(f)}
    with open(out) as f:
        lines = [l for l in f if not l.startswith("#")]
    mine = {row["unit_id"]: (float(row["Index"]), row["rank"])
            for row in csv.DictReader(lines)}
    if set(mine) != set(coinr):
        sys.exit("%s: dti and COINr ranked other units" % size)
    # dti ranks the index as published, at the framework's precision (4
    # decimals): units closer than that share a rank there and not in
    # COINr; any other difference of rank counts
    diff = max(abs(mine[u][0] - coinr[u][0]) for u in coinr)
    vals = sorted(v for v, _ in coinr.values())
    close = set()
    for a, b in zip(vals, vals[1:]):
        if b - a < 1e-4:
            close.update((a, b))
    bad = sum(1 for u in coinr
              if mine[u][1] != coinr[u][1] and coinr[u][0] not in close)
    print("%-11s %11.4f %9.4f %11.4f %9.4f %8.1fx %12.2g %6s" % (
        size, statistics.median(ct), min(ct), statistics.median(dt),
        min(dt), statistics.median(ct) / statistics.median(dt), diff,
        "same" if not bad else "%d off" % bad))
    sys.stdout.flush()

# the uncertainty analysis on ASEM
d = os.path.join(work, "asem")
os.makedirs(d)
for f in ("iMeta.csv", "iData.csv"):
    with open(os.path.join(asem, f), "rb") as a, open(os.path.join(d, f), "wb") as b:
        b.write(a.read())
r = subprocess.run(["Rscript", ua_script, d, str(ua_coinr)],
                   capture_output=True, text=True)
if r.returncode != 0:
    sys.exit("COINr's uncertainty analysis failed: " + r.stderr[-2000:])
ct = float(r.stdout.strip().splitlines()[-1])
cmd = [dti, "uncertainty", "-f", os.path.join(d, "iMeta.csv"),
       os.path.join(d, "iData.csv"), "--weight-noise", "0.25", "--runs",
       str(ua_dti), "--format", "csv", "-o", os.path.join(d, "dti_ua.csv")]
t0 = time.perf_counter()
subprocess.run(cmd, check=True, capture_output=True)
dt = time.perf_counter() - t0
with open(os.path.join(d, "coinr_ua.csv")) as f:
    cu = {row["uCode"]: row for row in csv.DictReader(f)}
with open(os.path.join(d, "dti_ua.csv")) as f:
    du = {row["id"]: row for row in csv.DictReader(f)}
same_nom = sum(1 for u in cu if int(float(cu[u]["Nominal"])) ==
               int(du[u]["nominal"]))
near_med = sum(1 for u in cu if abs(float(cu[u]["Median"]) -
                                    float(du[u]["median"])) <= 1)
print()
print("uncertainty on ASEM (51 x 49), weights within +-25 %%: COINr %d runs "
      "in %.2f s (%.1f ms a run); dti %d runs in %.2f s (%.3f ms a run, "
      "the whole process), %.0f x faster a run" % (
          ua_coinr, ct, ct / ua_coinr * 1e3, ua_dti, dt, dt / ua_dti * 1e3,
          (ct / ua_coinr) / (dt / ua_dti)))
print("  nominal ranks equal for %d of %d units; median ranks within one "
      "place for %d" % (same_nom, len(cu), near_med))

# the sensitivity analysis on ASEM: weights and one indicator left out
r = subprocess.run(["Rscript", sa_script, d, str(sa_coinr)],
                   capture_output=True, text=True)
if r.returncode != 0:
    sys.exit("COINr's sensitivity analysis failed: " + r.stderr[-2000:])
cs = float(r.stdout.strip().splitlines()[-1])
cmd = [dti, "sensitivity", "-f", os.path.join(d, "iMeta.csv"),
       os.path.join(d, "iData.csv"), "--weight-noise", "0.25",
       "--leave-one-out", "--samples", str(sa_dti), "--format", "json"]
t0 = time.perf_counter()
p = subprocess.run(cmd, check=True, capture_output=True, text=True)
ds_ = time.perf_counter() - t0
mine = {i["input"]: i for i in json.loads(p.stdout)["inputs"]}
with open(os.path.join(d, "coinr_sa.csv")) as f:
    theirs = {row["input"]: row for row in csv.DictReader(f)}
print()
print("sensitivity on ASEM, weights (+-25 %%) and one indicator left out: "
      "COINr N = %d (%d runs) in %.2f s, %.1f ms a run; dti N = %d (%d "
      "runs) in %.3f s, %.3f ms a run" % (
          sa_coinr, 4 * sa_coinr, cs, cs / (4 * sa_coinr) * 1e3, sa_dti,
          4 * sa_dti, ds_, ds_ / (4 * sa_dti) * 1e3))
print("  %-14s %-28s %-28s %s" % ("input", "first: COINr / dti",
                                   "total: COINr / dti", "intervals"))
for name, cname in (("weights", "Weights"), ("leave_one_out", "Exclude")):
    m, t = mine[name], theirs[cname]
    def iv(a, b):
        return "[%.2f, %.2f]" % (a, b)
    over = all(max(float(t[k + "_5"]), m[k + "_5"]) <=
               min(float(t[k + "_95"]), m[k + "_95"])
               for k in ("first", "total"))
    print("  %-14s %.2f %s / %.2f %s   %.2f %s / %.2f %s   %s" % (
        name, float(t["first"]), iv(float(t["first_5"]), float(t["first_95"])),
        m["first"], iv(m["first_5"], m["first_95"]),
        float(t["total"]), iv(float(t["total_5"]), float(t["total_95"])),
        m["total"], iv(m["total_5"], m["total_95"]),
        "overlap" if over else "DISAGREE"))

# the analyses at the index's sizes: dti's whole runs, COINr's time a run
print()
print("analyses at full size: dti uncertainty (%d runs, weights +-25 %%) and "
      "sensitivity (N = %d, five inputs: %d runs), whole processes, %d "
      "threads; COINr get_sensitivity(SA_type = \"UA\") timed over a few "
      "runs of the same files" % (goal_ua, goal_sa, goal_sa * 7,
                                  os.cpu_count()))
print("%-10s %14s %16s %14s %16s %14s" % (
    "size", "COINr s a run", "dti UA s", "COINr UA est.", "dti SA s",
    "COINr SA est."))
for size, nrun in zip(goal_sizes, goal_coinr):
    nrun = max(3, nrun)  # get_sensitivity needs N > 2
    nu, ni = (int(x) for x in size.split("x"))
    dirn = os.path.join(work, "goal-" + size)
    case(dirn, nu, ni)
    r = subprocess.run(["Rscript", ua_script, dirn, str(nrun)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("COINr's uncertainty analysis failed on %s: %s" % (
            size, r.stderr[-2000:]))
    crun = float(r.stdout.strip().splitlines()[-1]) / nrun
    f, d = os.path.join(dirn, "iMeta.csv"), os.path.join(dirn, "iData.csv")
    t0 = time.perf_counter()
    subprocess.run([dti, "uncertainty", "-f", f, d, "--weight-noise", "0.25",
                    "--runs", str(goal_ua), "--format", "csv", "-o",
                    os.path.join(dirn, "ua.csv")], check=True,
                   capture_output=True)
    tua = time.perf_counter() - t0
    t0 = time.perf_counter()
    p = subprocess.run([dti, "sensitivity", "-f", f, d, "--weight-noise",
                        "0.25", "--vary-aggregation", "--leave-one-out",
                        "--vary-normalisation", "--vary-imputation",
                        "--samples", str(goal_sa), "--format", "json"],
                       check=True, capture_output=True, text=True)
    tsa = time.perf_counter() - t0
    sa = json.loads(p.stdout)
    if sa["runs"] != goal_sa * 7:
        sys.exit("%s: dti sensitivity made %s runs, not %d" % (
            size, sa["runs"], goal_sa * 7))
    print("%-10s %14.4f %16s %14s %16s %14s" % (
        size, crun, "%.2f (%.3f ms)" % (tua, tua / goal_ua * 1e3),
        "%.0f s" % (crun * goal_ua), "%.2f (%.3f ms)" % (
            tsa, tsa / (goal_sa * 7) * 1e3), "%.0f s" % (crun * goal_sa * 7)))
    sys.stdout.flush()
print("(COINr's estimates: its measured seconds a run, %s runs at each size, "
      "times the runs; not run in full)" % " and ".join(
          str(max(3, n)) for n in goal_coinr))
PY
