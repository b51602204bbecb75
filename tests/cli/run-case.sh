#!/bin/sh
# tests/cli/run-case.sh - runs golden tests of the dti command line.
#
#   tests/cli/run-case.sh [--dti PATH] CASE...
#   tests/cli/run-case.sh --update [--dti PATH] CASE...
#
# CASE is a file tests/cli/cases/NNN-name.test (or just NNN-name), or a
# shell script (tests/cli/scripts/*.sh) run in the same environment.  The
# format of a case file is described in tests/cli/README.md.  In short: a
# case is a sequence of sections, each starting with a line "--- NAME":
#
#   description      what the case checks (required)
#   env              NAME=VALUE lines exported for the run
#   setup            shell commands run before (cwd: the source root)
#   args             the arguments of dti, as shell words (required)
#   stdin            the exact standard input (default: /dev/null)
#   stdin-file       a file for standard input (a shell word)
#   exit             the expected exit status (required)
#   stdout           the exact expected standard output
#   stdout-contains  lines, each a string stdout must contain
#   stdout-lacks     lines, each a string stdout must not contain
#   stdout-matches   lines, each an extended regular expression that some
#                    line of stdout must match
#   stderr, stderr-contains, stderr-lacks, stderr-matches: the same for
#                    standard error
#   check            shell commands run after, which must succeed; $OUT
#                    and $ERR name files with what dti wrote, $RC is its
#                    exit status
#   known-bug        what is wrong: the case states the right behaviour and
#                    is skipped (exit 77) while it fails; once it passes it
#                    fails, so that the section gets removed
#
# Without stdout, stdout-contains or stdout-matches, stdout must be empty
# (same for stderr).  dti runs from the source root with NO_COLOR=1, TERM=dumb,
# LC_ALL=C.UTF-8, HOME in a fresh temporary directory and no DTI_*
# variable; $SRC (the source root), $TMP (a temporary directory, removed
# afterwards) and $DTI (the program) can be used in args, setup, check and
# stdin-file.  Before comparison, the temporary directory and the source
# root are written back as $TMP and $SRC in the outputs, and the version
# after "dti " as %VERSION%.
#
# --update writes the actual exit status, stdout and stderr into the case
# (a stream checked by -contains or -matches sections is left alone); read
# the result before committing it.
#
# Exit status: 0 passed, 1 failed, 77 skipped (a known bug), 99 bad usage
# or a malformed case.
set -u

me=run-case.sh
update=0
dti=${DTI:-}
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1; shift ;;
	--dti) [ $# -ge 2 ] || { echo "$me: --dti needs a path" >&2; exit 99; }
		dti=$2; shift 2 ;;
	--help|-h) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "$me: unknown option $1" >&2; exit 99 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $me [--update] [--dti PATH] CASE..." >&2; exit 99; }

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${DTI_SRCDIR:-}" ]; then
	src=$(cd "$DTI_SRCDIR" && pwd)
else
	src=$(cd "$here/../.." && pwd)
fi
[ -n "$dti" ] || dti=$src/build/src/cli/dti
case $dti in /*) ;; *) dti=$(pwd)/$dti ;; esac
if [ ! -x "$dti" ]; then
	echo "$me: no dti program at $dti (build it, or give --dti)" >&2
	exit 99
fi

# The environment of every run: nothing from the user's settings.
for v in $(env | sed -n 's/^\(DTI_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset LANG LANGUAGE LC_CTYPE LC_NUMERIC LC_MESSAGES XDG_CONFIG_HOME COLUMNS
export NO_COLOR=1 TERM=dumb LC_ALL=C.UTF-8

# Literal text as a basic regular expression / replacement for sed.
sed_escape() {
	printf '%s\n' "$1" | sed 's/[][\\/.^$*&]/\\&/g'
}

# Prints the body of section $2 of case file $1.
section() {
	awk -v want="$2" '
		/^--- [a-z][a-z-]*$/ { on = (substr($0, 5) == want); next }
		on { print }' "$1"
}

has_section() {
	grep -q "^--- $2\$" "$1"
}

# Writes the normalised copy of output file $1 to $2.
normalise() {
	sed -e "s/$tmp_re/\$TMP/g" -e "s/$src_re/\$SRC/g" \
	    -e "s/dti $ver_re/dti %VERSION%/g" "$1" >"$2"
}

# Checks each line of section $2 against file $3, by mode $4: contains (a
# string that must occur), lacks (a string that must not occur), matches
# (an extended regular expression some line must match).  Reports on
# stdout; returns 1 on a miss.
check_lines() {
	section "$1" "$2" >"$work/lines"
	bad=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		case $4 in
		contains) grep -qF -e "$line" "$3" && continue
			echo "$2: text not found: $line" ;;
		lacks) grep -qF -e "$line" "$3" || continue
			echo "$2: unwanted text found: $line" ;;
		matches) grep -qE -e "$line" "$3" && continue
			echo "$2: no line matches: $line" ;;
		esac
		bad=1
	done <"$work/lines"
	return $bad
}

# Compares expected file $1 with actual $2 (label $3); prints a diff.
compare() {
	cmp -s "$1" "$2" && return 0
	echo "$3 differs (--- expected, +++ actual):"
	diff -u "$1" "$2" | sed -e "1s|.*|--- expected $3|" -e "2s|.*|+++ actual $3|"
	return 1
}

# Checks one output stream: $1 case, $2 stdout|stderr, $3 actual file.
check_stream() {
	ok=0
	if has_section "$1" "$2"; then
		section "$1" "$2" >"$work/expected"
		compare "$work/expected" "$3" "$2" || ok=1
	fi
	if has_section "$1" "$2-contains"; then
		check_lines "$1" "$2-contains" "$3" contains || ok=1
	fi
	if has_section "$1" "$2-lacks"; then
		check_lines "$1" "$2-lacks" "$3" lacks || ok=1
	fi
	if has_section "$1" "$2-matches"; then
		check_lines "$1" "$2-matches" "$3" matches || ok=1
	fi
	if ! has_section "$1" "$2" && ! has_section "$1" "$2-contains" &&
	    ! has_section "$1" "$2-matches" && [ -s "$3" ]; then
		echo "$2 should be empty but is:"
		sed 's/^/| /' "$3"
		ok=1
	fi
	return $ok
}

# Rewrites case file $1 with the actual exit status and outputs.
update_case() {
	echo "$rc" >"$work/actual.rc"
	for s in stdout stderr; do
		f=$work/actual.$s
		if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
			echo "$me: warning: $s does not end with a newline; one added" >&2
			echo >>"$f"
		fi
		# 1: replace the section; 2: add it after the exit section
		k=0
		if has_section "$1" "$s"; then
			k=1
		elif ! has_section "$1" "$s-contains" &&
		    ! has_section "$1" "$s-matches" && [ -s "$f" ]; then
			k=2
		fi
		eval "keep_$s=$k"
	done
	awk -v rcf="$work/actual.rc" -v outf="$work/actual.stdout" \
	    -v errf="$work/actual.stderr" -v kout="$keep_stdout" \
	    -v kerr="$keep_stderr" '
		function dump(f,   l) {
			while ((getline l < f) > 0)
				print l
			close(f)
		}
		function extra() {
			if (kout == 2) { print "--- stdout"; dump(outf) }
			if (kerr == 2) { print "--- stderr"; dump(errf) }
			added = 1
		}
		/^--- [a-z][a-z-]*$/ {
			name = substr($0, 5)
			if (inexit && !added)
				extra()
			inexit = (name == "exit")
			print
			skip = 1
			if (name == "exit")
				dump(rcf)
			else if (name == "stdout" && kout == 1)
				dump(outf)
			else if (name == "stderr" && kerr == 1)
				dump(errf)
			else
				skip = 0
			next
		}
		!skip { print }
		END { if (!added) extra() }' "$1" >"$work/updated"
	if cmp -s "$work/updated" "$1"; then
		echo "$name: unchanged"
	else
		cp "$work/updated" "$1"
		echo "$name: updated; read it before committing"
	fi
}

run_one() {
	arg=$1
	case $arg in
	*.sh|*.test) file=$arg ;;
	*) file=$here/cases/$arg.test ;;
	esac
	case $file in /*) ;; *) file=$(pwd)/$file ;; esac
	name=$(basename "$file")
	name=${name%.test}
	if [ ! -f "$file" ]; then
		echo "$me: no case $arg" >&2
		return 99
	fi

	work=$(mktemp -d "${TMPDIR:-/tmp}/dti-cli.XXXXXX") || return 99
	mkdir "$work/tmp" "$work/home"
	TMP=$work/tmp SRC=$src DTI=$dti HOME=$work/home
	export TMP SRC DTI HOME
	tmp_re=$(sed_escape "$TMP")
	src_re=$(sed_escape "$SRC")
	ver=$("$dti" --version 2>/dev/null | sed -n '1s/^dti //p')
	ver_re=$(sed_escape "${ver:-%VERSION%}")

	case $file in
	*.sh)
		# a scripted case: its own checks, its own exit status
		(cd "$src" && sh "$file")
		status=$?
		rm -rf "$work"
		return $status
		;;
	esac

	for s in description args exit; do
		if ! has_section "$file" "$s"; then
			echo "$me: $name: no '--- $s' section" >&2
			rm -rf "$work"
			return 99
		fi
	done

	# the case's own environment
	section "$file" env >"$work/env"
	while IFS= read -r line; do
		case $line in
		[A-Za-z_]*=*) export "${line%%=*}=${line#*=}" ;;
		'') ;;
		*) echo "$me: $name: bad env line: $line" >&2
		   rm -rf "$work"; return 99 ;;
		esac
	done <"$work/env"

	if has_section "$file" setup; then
		section "$file" setup >"$work/setup.sh"
		if ! (cd "$src" && sh -ex "$work/setup.sh") >"$work/setup.out" 2>&1; then
			echo "$name: setup failed:"
			cat "$work/setup.out"
			rm -rf "$work"
			return 1
		fi
	fi

	stdin=/dev/null
	if has_section "$file" stdin; then
		section "$file" stdin >"$work/stdin"
		stdin=$work/stdin
	elif has_section "$file" stdin-file; then
		w=$(section "$file" stdin-file | sed -n '/./{p;q;}')
		stdin=$(cd "$src" && eval "printf '%s' $w")
		case $stdin in /*) ;; *) stdin=$src/$stdin ;; esac
	fi

	args=$(section "$file" args | tr '\n' ' ')
	expect_rc=$(section "$file" exit | sed -n '/[0-9]/{s/[^0-9]//g;p;q;}')

	(
		cd "$src" || exit 99
		eval "set -- $args"
		exec "$dti" "$@" <"$stdin" >"$work/raw.stdout" 2>"$work/raw.stderr"
	)
	rc=$?
	normalise "$work/raw.stdout" "$work/actual.stdout"
	normalise "$work/raw.stderr" "$work/actual.stderr"

	if [ $update = 1 ]; then
		has_section "$file" known-bug &&
			echo "$me: warning: $name has a known-bug section: the update writes the wrong output" >&2
		update_case "$file"
		rm -rf "$work"
		return 0
	fi

	failed=0
	{
		if [ "$rc" != "$expect_rc" ]; then
			echo "exit status $rc, expected $expect_rc"
			failed=1
		fi
		check_stream "$file" stdout "$work/actual.stdout" || failed=1
		check_stream "$file" stderr "$work/actual.stderr" || failed=1
		if has_section "$file" check; then
			section "$file" check >"$work/check.sh"
			if ! (cd "$src" && OUT=$work/raw.stdout ERR=$work/raw.stderr \
			    RC=$rc sh -ex "$work/check.sh") >"$work/check.out" 2>&1; then
				echo "check failed:"
				cat "$work/check.out"
				failed=1
			fi
		fi
		echo $failed >"$work/failed"
	} >"$work/report"
	failed=$(cat "$work/failed")

	if has_section "$file" known-bug; then
		if [ "$failed" = 1 ]; then
			echo "$name: SKIP (known bug)"
			section "$file" known-bug | sed 's/^/  /'
			cat "$work/report"
			rm -rf "$work"
			return 77
		fi
		echo "$name: FAIL: passes now; remove its known-bug section"
		rm -rf "$work"
		return 1
	fi
	if [ "$failed" = 1 ]; then
		echo "$name: FAIL"
		section "$file" description | sed 's/^/  /'
		echo "  command: dti $args"
		cat "$work/report"
		rm -rf "$work"
		return 1
	fi
	echo "$name: ok"
	rm -rf "$work"
	return 0
}

status=0
for c in "$@"; do
	# a subshell: the environment of one case does not leak into the next
	(run_one "$c")
	r=$?
	# the worst status wins: failure, then bad case, then skip
	case $r in
	0) ;;
	1) status=1 ;;
	99) [ $status = 1 ] || status=99 ;;
	*) [ $status = 0 ] && status=$r ;;
	esac
done
exit $status
