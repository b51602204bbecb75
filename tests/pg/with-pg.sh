#!/bin/sh
# tests/pg/with-pg.sh - runs a command against a throwaway PostgreSQL server.
#
#   tests/pg/with-pg.sh CMD [ARGS...]
#
# The PostgreSQL variants of the unit tests (suite 'pg') need a server, and
# CI machines have none running: this script makes one in a temporary
# directory (initdb, no fsync, small buffers, listening on 127.0.0.1 only
# on a free port, its unix socket in the same directory, trust
# authentication), creates a fresh database, runs CMD with DTI_TEST_PG set
# to its postgresql:// URI, then stops the server and deletes everything,
# also when CMD fails or a signal arrives.  It exits with CMD's status, or
# 77 ("skipped" for meson) when PostgreSQL is not installed.
#
# initdb and postgres refuse to run as root: as root the server runs as
# an unprivileged user (nobody, or $DTI_PG_USER) owning the directory.
# Several copies may run at once: each has its own directory, and a port
# that turns out to be taken is replaced by another.
set -u

me=with-pg.sh
if [ $# -eq 0 ]; then
	echo "usage: $me CMD [ARGS...]" >&2
	exit 2
fi

# ---- the server's programs --------------------------------------------

bindir=
if command -v pg_config >/dev/null 2>&1; then
	d=$(pg_config --bindir 2>/dev/null) || d=
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
		bindir=$d
	fi
fi
if [ -z "$bindir" ]; then
	# the highest version installed (Debian keeps them side by side)
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n); do
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
			bindir=$d
		fi
	done
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
	bindir=$(dirname "$(command -v initdb)")
fi
if [ -z "$bindir" ]; then
	echo "$me: PostgreSQL server not installed (no initdb found via" \
		"pg_config --bindir or /usr/lib/postgresql/*/bin); skipping" >&2
	exit 77
fi
for p in initdb pg_ctl pg_isready createdb; do
	if [ ! -x "$bindir/$p" ]; then
		echo "$me: $bindir/$p missing; skipping" >&2
		exit 77
	fi
done

# Settings of the caller's environment must not redirect our clients.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS \
	PGPASSWORD PGPASSFILE PGDATA PGSSLMODE 2>/dev/null

# ---- who runs the server ----------------------------------------------

as_user() { "$@"; }
run_user=
if [ "$(id -u)" -eq 0 ]; then
	run_user=${DTI_PG_USER:-nobody}
	uid=$(id -u "$run_user" 2>/dev/null) || uid=
	gid=$(id -g "$run_user" 2>/dev/null) || gid=
	if [ -z "$uid" ] || [ "$uid" -eq 0 ]; then
		echo "$me: running as root and no unprivileged user" \
			"'$run_user' to run PostgreSQL; skipping" >&2
		exit 77
	fi
	if command -v setpriv >/dev/null 2>&1; then
		as_user() {
			setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
		}
	elif command -v runuser >/dev/null 2>&1; then
		as_user() { runuser -u "$run_user" -- "$@"; }
	else
		echo "$me: running as root without setpriv or runuser;" \
			"skipping" >&2
		exit 77
	fi
fi

# ---- a directory, cleaned up whatever happens -------------------------

tmp=
data=
cleaned=0
cleanup() {
	[ "$cleaned" = 1 ] && return
	cleaned=1
	if [ -n "$data" ] && [ -f "$data/postmaster.pid" ]; then
		as_user "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 10 \
			</dev/null >/dev/null 2>&1 ||
			{
				pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
				[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
			}
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}
child=
on_signal() { # signal, exit status
	[ -n "$child" ] && kill -"$1" "$child" 2>/dev/null
	cleanup
	exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

make_tmp() { # parent directory
	tmp=$(mktemp -d "$1/dti-pg.XXXXXX") || return 1
	if [ -n "$run_user" ]; then
		chown "$uid:$gid" "$tmp" || return 1
		# the user must reach it: $TMPDIR may be root's own
		if ! as_user test -w "$tmp"; then
			rm -rf "$tmp"
			tmp=
			return 1
		fi
	fi
}
if ! make_tmp "${TMPDIR:-/tmp}"; then
	make_tmp /tmp || { echo "$me: cannot make a directory" >&2; exit 1; }
fi
data=$tmp/data
log=$tmp/server.log

fail() {
	echo "$me: $*" >&2
	if [ -s "$log" ]; then
		echo "---- server log" >&2
		tail -n 30 "$log" >&2
	fi
	exit 1
}

# ---- initdb -----------------------------------------------------------

if ! as_user "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 \
	--no-locale --no-sync </dev/null >"$tmp/initdb.log" 2>&1; then
	cat "$tmp/initdb.log" >&2
	fail "initdb failed"
fi
cat >"$data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
cat >>"$data/postgresql.conf" <<EOF

# with-pg.sh: a throwaway server for tests
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 50
max_wal_senders = 0
wal_level = minimal
logging_collector = off
EOF
[ -n "$run_user" ] && chown "$uid:$gid" "$data/pg_hba.conf" \
	"$data/postgresql.conf"

# ---- start on a free port ---------------------------------------------

random_port() { # 20000..59999
	r=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	[ -n "$r" ] || r=$(($$ + $(date +%s)))
	echo $((20000 + r % 40000))
}

port=
tries=0
while [ $tries -lt 20 ]; do
	tries=$((tries + 1))
	p=$(random_port)
	: >"$log"
	[ -n "$run_user" ] && chown "$uid:$gid" "$log"
	if as_user "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 \
		-o "-p $p" </dev/null >/dev/null 2>&1; then
		port=$p
		break
	fi
	# a port taken by someone else: try another; anything else is fatal
	if ! grep -q -i -e "could not bind" -e "address already in use" \
		-e "could not create any TCP/IP sockets" \
		-e "lock file .* already exists" "$log"; then
		fail "the server did not start"
	fi
	as_user "$bindir/pg_ctl" stop -D "$data" -m immediate \
		</dev/null >/dev/null 2>&1
done
[ -n "$port" ] || fail "no free port found after $tries tries"

n=0
until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" </dev/null; do
	n=$((n + 1))
	[ $n -ge 100 ] && fail "the server is not ready after 10 s"
	sleep 0.1
done

if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres dti_test \
	</dev/null >"$tmp/createdb.log" 2>&1; then
	cat "$tmp/createdb.log" >&2
	fail "createdb failed"
fi

# ---- the command --------------------------------------------------------

DTI_TEST_PG="postgresql://postgres@127.0.0.1:$port/dti_test"
export DTI_TEST_PG
# In the background so that a signal interrupts `wait` at once (a shell
# runs traps only after its foreground command); stdin is passed on when
# there is one.
if { command exec 3<&0; } 2>/dev/null; then
	"$@" <&3 3<&- &
else
	"$@" </dev/null &
fi
child=$!
wait "$child"
status=$?
child=
cleanup
exit $status
