#!/bin/sh
# tests/cli/scripts/closed-pipe.sh - dti is quiet when its reader goes away.
#
# 'dti rank ... | head -1' must end with status 0 and print nothing on
# stderr: a closed pipe is not an error worth a message (and SIGPIPE must
# not kill the process with status 141).  The reader leaves after the first
# line of an output longer than a pipe buffer, before dti writes anything,
# and after the first line of a short output.
#
# Run by tests/cli/run-case.sh, which sets $DTI, $SRC and $TMP; cwd: $SRC.
set -u
fail=0
demo=data/demo/pdti-2022-demo.csv

# 1. head -1 on an output of more than 64 KiB (a pipe buffer)
{ "$DTI" compute --format json "$demo" 2>"$TMP/err1"; echo $? >"$TMP/rc1"; } |
	head -n 1 >"$TMP/first"
if [ "$(cat "$TMP/rc1")" != 0 ] || [ -s "$TMP/err1" ]; then
	echo "compute | head -1: exit $(cat "$TMP/rc1"), stderr:"
	cat "$TMP/err1"
	fail=1
fi
grep -q '^{"framework":' "$TMP/first" || { echo "head -1 got: $(cat "$TMP/first")"; fail=1; }

# 2. the reader is gone before dti writes
{ sleep 1; "$DTI" rank "$demo" 2>"$TMP/err2"; echo $? >"$TMP/rc2"; } | true
if [ "$(cat "$TMP/rc2")" != 0 ] || [ -s "$TMP/err2" ]; then
	echo "rank | true: exit $(cat "$TMP/rc2"), stderr:"
	cat "$TMP/err2"
	fail=1
fi

# 3. the common case of the manual
{ "$DTI" rank -f pdti-2022 data/published/dti-2022-top5.csv 2>"$TMP/err3"; echo $? >"$TMP/rc3"; } |
	head -n 1 >/dev/null
if [ "$(cat "$TMP/rc3")" != 0 ] || [ -s "$TMP/err3" ]; then
	echo "rank top5 | head -1: exit $(cat "$TMP/rc3"), stderr:"
	cat "$TMP/err3"
	fail=1
fi

[ $fail = 0 ] && echo "closed-pipe: ok"
exit $fail
