#!/bin/sh
# tests/store/kill-import.sh - an import killed at any moment leaves the
# store either untouched or complete, never in between, and never corrupt.
#
#   sh tests/store/kill-import.sh PATH-TO-DTI [ROUNDS]
#
# A realistic export (common.sh, with enough bulk rows that an import takes
# a noticeable time) is imported into a fresh empty store ROUNDS times
# (default 50, or $DTI_KILL_ROUNDS), each time killed with SIGKILL after a
# random delay spread over the whole import (and a little beyond; the
# import is timed again before every 10 rounds, so that the spread follows
# the machine's load).  $DTI_KILL_COMMUNES sets the size (default 2500
# communes, about 56,000 rows: 0.2-1 s on an idle machine).  After
# each kill, 'PRAGMA integrity_check' must say ok and the store's export
# must be exactly that of the empty store or that of a complete import.
# The rounds are counted by where the kill landed:
#   before    nothing had reached the database file yet (empty after)
#   mid-way   the transaction had written pages (the WAL had grown) and
#             was rolled back (empty after)
#   after     the import had committed (complete after), killed before it
#             exited or already finished
# Exit status 0 only if every round ended in one of the two states.
. "$(dirname "$0")/common.sh"
need_sqlite3
rounds=${2:-${DTI_KILL_ROUNDS:-50}}
communes=${DTI_KILL_COMMUNES:-2500}

make_store "$TMP/src.db" "$communes"
export_to "$TMP/src.db" "$TMP/full.ndjson"
rows=$(($(wc -l <"$TMP/full.ndjson") - 2))

empty_store "$TMP/empty.db"
export_to "$TMP/empty.db" "$TMP/empty.ndjson" ""

# Times a complete import into t.db (sets $dur): the delays of the next
# block of rounds spread over it.  Timed again before every block, as the
# machine's load may change while the test runs.
time_import() {
	rm -f "$TMP/t.db" "$TMP/t.db-wal" "$TMP/t.db-shm"
	cp "$TMP/empty.db" "$TMP/t.db"
	t0=$(now)
	if ! "$DTI" import --db "$TMP/t.db" "$TMP/full.ndjson" \
		>"$TMP/imp.out" 2>&1; then
		echo "FAIL: the complete import failed: $(cat "$TMP/imp.out")"
		exit 1
	fi
	t1=$(now)
	dur=$(elapsed "$t0" "$t1")
}

time_import
export_to "$TMP/t.db" "$TMP/done.ndjson"
if ! cmp -s "$TMP/full.ndjson" "$TMP/done.ndjson"; then
	echo "FAIL: a complete import does not export as its input"
	exit 1
fi
echo "export of $rows rows imports in $dur s (import speed $(awk \
	-v r="$rows" -v d="$dur" 'BEGIN { printf "%.0f", r / d }') rows/s" \
	"with the start of the program); $rounds kills spread over each import"
block=10

before=0
midway=0
after=0
finished=0
bad=0
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	[ $i -gt 1 ] && [ $(((i - 1) % block)) -eq 0 ] && time_import
	rm -f "$TMP/t.db" "$TMP/t.db-wal" "$TMP/t.db-shm" "$TMP/t.db-journal"
	cp "$TMP/empty.db" "$TMP/t.db"
	delay=$(awk -v s="$i$$" -v d="$dur" -v n="$block" -v i="$i" 'BEGIN {
		srand(s)
		# stratified: the rounds of a block fall in successive slices
		# of [0, 1.15 d]
		printf "%.3f", ((i - 1) % n + rand()) / n * d * 1.15 }')
	"$DTI" import --db "$TMP/t.db" "$TMP/full.ndjson" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -KILL "$pid" 2>/dev/null; then killed=1; else killed=0; fi
	wait "$pid" 2>/dev/null
	rc=$?
	wal=0
	[ -f "$TMP/t.db-wal" ] && wal=$(wc -c <"$TMP/t.db-wal")
	check=$(sqlite3 "$TMP/t.db" 'PRAGMA integrity_check' 2>&1)
	if [ "$check" != ok ]; then
		echo "FAIL round $i (kill after $delay s): integrity_check: $check"
		bad=$((bad + 1))
		continue
	fi
	# the admin once the import committed; nobody needed before
	as=
	[ "$(sqlite3 "$TMP/t.db" 'SELECT count(*) FROM users')" != 0 ] &&
		as="--user admin --with-secrets"
	# shellcheck disable=SC2086
	if ! "$DTI" export --db "$TMP/t.db" -o "$TMP/state.ndjson" $as \
		2>"$TMP/export.err"; then
		echo "FAIL round $i (kill after $delay s): export:" \
			"$(cat "$TMP/export.err")"
		bad=$((bad + 1))
		continue
	fi
	if cmp -s "$TMP/state.ndjson" "$TMP/empty.ndjson"; then
		if [ "$killed" -eq 0 ]; then
			echo "FAIL round $i: import exited ($rc) but left nothing"
			bad=$((bad + 1))
		elif [ "$wal" -gt 0 ]; then
			midway=$((midway + 1))
		else
			before=$((before + 1))
		fi
	elif cmp -s "$TMP/state.ndjson" "$TMP/full.ndjson"; then
		if [ "$killed" -eq 1 ]; then
			after=$((after + 1))
		else
			finished=$((finished + 1))
		fi
	else
		echo "FAIL round $i (kill after $delay s): the store is neither" \
			"empty nor complete ($(wc -l <"$TMP/state.ndjson") lines" \
			"exported)"
		bad=$((bad + 1))
	fi
done

echo "kills: $before before the first write, $midway mid-way (rolled" \
	"back), $after after the commit, $finished after the import ended;" \
	"$bad bad"
[ $bad -eq 0 ]
