#!/bin/sh
# tests/store/interrupt.sh - 'dti export -o' and 'dti backup' ended by
# SIGINT or SIGTERM leave nothing behind: no temporary file, no journal,
# no half file.
#
#   sh tests/store/interrupt.sh PATH-TO-DTI
#
# A store large enough that an export takes about a second (common.sh,
# with bulk rows) is exported and backed up into an empty directory; as
# soon as the temporary file appears there, the signal is sent, the
# program must die of it (status 128 + signal) and the directory must be
# empty again.  A run that finished before the signal landed proves
# nothing and is tried again (up to 8 times); each command and signal
# must be caught mid-way at least once.  The programs run with the
# default action for SIGINT (a background job of a script starts with
# SIGINT ignored, which dti respects).
. "$(dirname "$0")/common.sh"
need_sqlite3
if ! env --default-signal=INT true 2>/dev/null; then
	echo "env --default-signal not available; skipping"
	exit 77
fi
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

make_store "$TMP/a.db" "${DTI_INTERRUPT_COMMUNES:-3000}"
mkdir "$TMP/out"

# interrupt SIG NUMBER NAME COMMAND...: one command, signalled once its
# temporary file is there; sets $hit to 1 when it was caught mid-way.
interrupt() {
	sig=$1 num=$2 name=$3
	shift 3
	hit=0
	try=0
	while [ $try -lt 8 ] && [ $hit -eq 0 ]; do
		try=$((try + 1))
		rm -rf "$TMP/out" && mkdir "$TMP/out"
		env --default-signal=INT,TERM "$@" >"$TMP/run.out" 2>&1 &
		pid=$!
		seen=0
		while kill -0 "$pid" 2>/dev/null; do
			if ls "$TMP/out" | grep -q "^$name\.tmp"; then
				seen=1
				break
			fi
		done
		[ $seen -eq 1 ] && kill -"$sig" "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		if [ $seen -eq 1 ] && [ $rc -eq $((128 + num)) ]; then
			hit=1
			left=$(ls -A "$TMP/out")
			if [ -n "$left" ]; then
				bad "$name after SIG$sig: left behind: $left"
				return
			fi
		elif [ $seen -eq 1 ] && [ $rc -ne 0 ]; then
			bad "$name after SIG$sig: exit $rc: $(cat "$TMP/run.out")"
			return
		fi
	done
	if [ $hit -eq 0 ]; then
		bad "$name: never caught mid-way by SIG$sig in $try runs"
	else
		echo "$name: SIG$sig mid-way (run $try): nothing left behind"
	fi
}

for s in INT:2 TERM:15; do
	sig=${s%:*} num=${s#*:}
	interrupt "$sig" "$num" e.ndjson "$DTI" export --db "$TMP/a.db" \
		--user admin -o "$TMP/out/e.ndjson"
	interrupt "$sig" "$num" copy.db "$DTI" backup --db "$TMP/a.db" \
		--user admin "$TMP/out/copy.db"
done

# the store itself is untouched and a whole export still works
"$DTI" export --db "$TMP/a.db" --user admin -o "$TMP/out/e.ndjson" ||
	bad "export after the interruptions failed"
tail -n 1 "$TMP/out/e.ndjson" | grep -q '"dti_export_end"' ||
	bad "the export after the interruptions has no trailer"

[ $fail -eq 0 ] && echo "interrupt: ok"
exit $fail
