#!/bin/sh
# bench/server.sh - dti serve under load, beside nginx serving the same
# bytes as a static file, in the same run.
#
#   bench/server.sh [BUILD] [--runs N] [--seconds S] [--conns "1 64 256"]
#                   [--cases "nginx ranking profile edit"]
#
# The store is the demo's (scripts/demo.sh with DTI_DEMO_SERVE=no): DTI
# 2022 for the 63 provinces published, DTI 2023 open with 63 drafts.
# Measured with wrk on loopback (2 wrk threads, keep-alive), each case
# RUNS times for SECONDS seconds; the median run is printed:
#   ranking   GET /api/v1/cycles/dti-2022/ranking       (published, JSON)
#   profile   GET /api/v1/cycles/dti-2022/units/48/profile
#   edit      PATCH /api/v1/cycles/dti-2023/submissions/48, one figure,
#             Bearer token of the editor of unit 48 (audited, SQLite
#             synchronous=FULL)
#   nginx     the ranking's bytes as a static file (sendfile, no logs)
# and the public pages, each read twice (first rendered, then from
# memory), with their size as sent with and without gzip.
# Figures: requests/s, p50 and p99 latency in ms.
set -eu
cd "$(dirname "$0")/.."
build=build
runs=3
secs=5
conns="1 64 256"
cases="nginx ranking profile edit"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--conns) conns=$2; shift 2 ;;
	--cases) cases=$2; shift 2 ;;
	-*) echo "bench/server.sh: unknown option $1" >&2; exit 2 ;;
	*) build=$1; shift ;;
	esac
done
dti=$(pwd)/$build/src/cli/dti
for p in wrk nginx python3; do
	command -v $p >/dev/null 2>&1 || {
		echo "bench/server.sh: $p is needed (scripts/install-deps.sh)" >&2
		exit 2
	}
done
[ -x "$dti" ] || { echo "bench/server.sh: build first ($dti)" >&2; exit 2; }

d=$(mktemp -d /tmp/dti-bench-server-XXXXXX)
srv_pid=
ngx_pid=
cleanup() {
	[ -z "$srv_pid" ] || kill -TERM $srv_pid 2>/dev/null || :
	[ -z "$ngx_pid" ] || kill -QUIT $ngx_pid 2>/dev/null || :
	wait 2>/dev/null || :
	rm -rf "$d"
}
trap cleanup EXIT INT TERM

echo "building the demo store..." >&2
DTI_DEMO_DIR=$d DTI_DEMO_SERVE=no DTI_DB=$d/dti.db \
	sh scripts/demo.sh "$build" >/dev/null 2>&1
export DTI_DB=$d/dti.db
token=$("$dti" user token editor bench --user admin | awk '{ t = $NF } END { print t }')

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

"$dti" serve --port 0 >"$d/serve.out" 2>"$d/serve.err" &
srv_pid=$!
for _ in $(seq 1 100); do
	grep -q 'listening on' "$d/serve.out" 2>/dev/null && break
	sleep 0.1
done
base=$(sed -n 's|^dti serve: listening on \(http://[^ ]*\)/$|\1|p' "$d/serve.out")
[ -n "$base" ] || { cat "$d/serve.err" >&2; exit 1; }

ranking=/api/v1/cycles/dti-2022/ranking
profile=/api/v1/cycles/dti-2022/units/48/profile

# The public pages, each read once as a browser would first read it (not
# yet rendered: the server reads the store and renders it), then again
# (from memory); bytes as sent with gzip.
pages="/ /cycles/dti-2022 /cycles/dti-2022/units/48 /cycles/dti-2022/compare?u=48&u=01&u=79 /cycles/dti-2022/methodology /en/cycles/dti-2022"
python3 - "$base" $pages >"$d/pages.txt" <<'PY'
import sys, time, urllib.request
base = sys.argv[1]
print(f"{'page':<42} {'first ms':>9} {'again ms':>9} {'gzip bytes':>11} {'bytes':>8}")
for path in sys.argv[2:]:
    times, size, raw = [], 0, 0
    for _ in range(2):
        req = urllib.request.Request(base + path,
                                     headers={'Accept-Encoding': 'gzip'})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        times.append((time.perf_counter() - t0) * 1000)
        size = len(body)
    with urllib.request.urlopen(base + path, timeout=30) as r:
        raw = len(r.read())
    print(f"{path:<42} {times[0]:>9.1f} {times[1]:>9.1f} {size:>11} {raw:>8}")
PY
mkdir -p "$d/www"
chmod 755 "$d" "$d/www"  # nginx workers run as nobody
python3 - "$base$ranking" "$d/www/ranking.json" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
    open(sys.argv[2], 'wb').write(r.read())
PY
size=$(wc -c <"$d/www/ranking.json")

port=$(free_port)
mkdir -p "$d/ngx"
cat >"$d/ngx/nginx.conf" <<EOF
worker_processes auto;
pid $d/ngx/nginx.pid;
error_log $d/ngx/error.log;
daemon off;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $d/ngx/body;
    proxy_temp_path $d/ngx/proxy;
    fastcgi_temp_path $d/ngx/fastcgi;
    uwsgi_temp_path $d/ngx/uwsgi;
    scgi_temp_path $d/ngx/scgi;
    types { application/json json; }
    server {
        listen 127.0.0.1:$port;
        root $d/www;
    }
}
EOF
nginx -p "$d/ngx" -c "$d/ngx/nginx.conf" 2>"$d/ngx/stderr" &
ngx_pid=$!
sleep 0.5
kill -0 $ngx_pid 2>/dev/null || { cat "$d/ngx/stderr" >&2; exit 1; }

cat >"$d/edit.lua" <<EOF
local n = 0
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
request = function()
    n = n + 1
    local v = string.format("%.2f", ((n % 90) + 5) / 100)
    local body = '{"figures":[{"indicator":"awareness","value":' .. v .. '}]}'
    return wrk.format(nil, "/api/v1/cycles/dti-2023/submissions/48", nil, body)
end
EOF

# one wrk run: prints "rps p50 p99"
one() {
	url=$1 c=$2 script=${3:-}
	t=2
	[ "$c" -lt 2 ] && t=1
	if [ -n "$script" ]; then
		wrk -t$t -c$c -d${secs}s --latency -s "$script" "$url" >"$d/wrk.out" 2>&1
	else
		wrk -t$t -c$c -d${secs}s --latency "$url" >"$d/wrk.out" 2>&1
	fi
	awk '
	function ms(v) {
		if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
		if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
		if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
		return v
	}
	/Requests\/sec:/ { rps = $2 }
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + 0 }' "$d/wrk.out"
}

# the median (by requests/s) of RUNS runs
median() {
	i=0
	: >"$d/runs"
	while [ $i -lt "$runs" ]; do
		one "$@" >>"$d/runs"
		i=$((i + 1))
	done
	sort -n "$d/runs" | awk -v n="$runs" 'NR == int((n + 1) / 2)'
}

echo "dti serve beside nginx: wrk on loopback, ${secs} s per run, median of $runs runs"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "published ranking: $size bytes of JSON (63 provinces, pillars, changes)"
printf '%-9s %6s %10s %9s %9s %8s\n' case conns 'req/s' 'p50 ms' 'p99 ms' non-2xx
for c in $conns; do
	for case in $cases; do
		case $case in
		nginx) r=$(median "http://127.0.0.1:$port/ranking.json" "$c") ;;
		ranking) r=$(median "$base$ranking" "$c") ;;
		profile) r=$(median "$base$profile" "$c") ;;
		edit) r=$(median "$base/api/v1/cycles/dti-2023/submissions/48" "$c" "$d/edit.lua") ;;
		esac
		set -- $r
		printf '%-9s %6s %10s %9s %9s %8s\n' "$case" "$c" "$1" "$2" "$3" "$4"
		# requests/s by case and connections, for the ratios below
		echo "$c $1" >>"$d/rps-$case"
	done
done
# the ranking's rate as a share of nginx's, at each number of connections
if [ -f "$d/rps-ranking" ] && [ -f "$d/rps-nginx" ]; then
	awk 'NR == FNR { ngx[$1] = $2; next }
	     ($1 in ngx) { printf "ranking/nginx at %s: %.0f %%\n", $1,
	                   ngx[$1] ? 100 * $2 / ngx[$1] : 0 }' \
		"$d/rps-nginx" "$d/rps-ranking"
fi
echo
echo "pages: the first request renders the page, the second is served from memory"
cat "$d/pages.txt"
"$dti" audit verify >/dev/null && echo "audit chain intact after the edits"
