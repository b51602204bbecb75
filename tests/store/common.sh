# tests/store/common.sh - shared by the store tests (sourced, not run).
#
# Sets up $DTI (the program), $SRC (source root), $TMP (a temporary
# directory removed on exit) and a fixed clock, and builds a realistic
# store through the command line: an admin and users with roles and a
# token, the bundled provinces and frameworks, a cycle of the pdti-2022
# demo figures taken through submission, review (an adjustment with a
# reason) and publication, targets (one removed), evidence with a binary
# file, an e-mail address, notices read and one mailed, and then, with the
# sqlite3 shell, a commune-level year of bulk rows (bulk.sql) so that an
# import takes a noticeable time.
#
# Usage from a test: . "$(dirname "$0")/common.sh" "$@"   (args: DTI)

set -u
DTI=${1:-${DTI:-}}
if [ -z "$DTI" ] || [ ! -x "$DTI" ]; then
	echo "usage: $0 PATH-TO-DTI" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${DTI_SRCDIR:-$(cd "$HERE/../.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dti-store-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
# the store is built on a fixed clock, so two stores made alike are equal
# (make_store: a store that allows it); export, import and the other
# commands need no clock
NOW=2024-03-01T08:00:00Z
unset DTI_NOW
unset DTI_DB DTI_USER
export LC_ALL=C.UTF-8 NO_COLOR=1

need_sqlite3() {
	if ! command -v sqlite3 >/dev/null 2>&1; then
		echo "sqlite3 shell not installed; skipping"
		exit 77
	fi
}

# Seconds since the epoch with fractions (GNU date), for timing.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# dti with the store and user of the workflow steps; a step that fails is
# reported and the build goes on (the export test still has rows to move).
step() {
	if ! "$DTI" "$@" >"$TMP/step.out" 2>"$TMP/step.err"; then
		echo "note: 'dti $*' failed: $(head -c 300 "$TMP/step.err")"
		steps_failed=$((steps_failed + 1))
		return 1
	fi
	return 0
}

# make_store DB COMMUNES: the realistic store described above.
make_store() {
	db=$1
	communes=$2
	steps_failed=0
	rm -f "$db" "$db-wal" "$db-shm"
	if ! DTI_NOW=$NOW "$DTI" db init --db "$db" --admin admin \
		--allow-dti-now >"$TMP/init.out" 2>&1; then
		echo "FAIL: dti db init --admin: $(cat "$TMP/init.out")"
		exit 1
	fi
	(
		export DTI_DB="$db" DTI_USER=admin DTI_NOW=$NOW
		step user add binh --name 'Trần "Bình"	\ owner'
		step user role binh owner
		step user add chi --name 'Chi (Đà Nẵng)'
		step user role chi editor --unit 48
		step user token binh ci
		step cycle create dti-2022 --year 2022 --framework pdti-2022 \
			--title 'Chỉ số DTI cấp tỉnh 2022' \
			--submit-deadline 2030-03-31
		step cycle open dti-2022
		step submission import dti-2022 \
			"$SRC/data/demo/pdti-2022-demo.csv" --data-cycle 2022
		printf '%%PDF-1.4\n\000\377\376 binary \000 evidence\n' \
			>"$TMP/ev.pdf"
		step evidence add dti-2022 'Đà Nẵng' --title 'Báo cáo "DTI"' \
			--number 12/BC-UBND --date 2023-01-15 --file "$TMP/ev.pdf"
		for u in $(sqlite3 "$db" "SELECT unit_id FROM submissions
			ORDER BY unit_id"); do
			step submission submit dti-2022 "$u" || break
		done
		step cycle review dti-2022
		ind=$(sqlite3 "$db" "SELECT f.indicator FROM figures f JOIN
			submissions s ON s.id = f.submission_id WHERE
			s.unit_id = '48' AND f.value IS NOT NULL
			ORDER BY f.indicator LIMIT 1")
		[ -n "$ind" ] && step review adjust dti-2022 48 "$ind" \
			--value 0.5 --reason 'Số liệu kiểm tra lại "thực tế"'
		step review approve dti-2022 --all-submitted
		step cycle close dti-2022
		step publish dti-2022
		# targets: Đà Nẵng's (one set by its editor), one removed
		step target add 48 --rank 5 --by 2024 --baseline dti-2022 \
			--note 'Nghị quyết "số 3"' --user chi
		step target add 48 --indicator awareness --at-least 0.9 \
			--by 2023
		step target add 01 --value 0.8 --by 2025
		step target remove 3
		# notices: an address (an audited change), notices read
		step user email chi 'chi@example.org'
		step notices read --all --user chi
		exit "$steps_failed"
	)
	steps_failed=$?
	[ "$steps_failed" -gt 0 ] &&
		echo "note: $steps_failed workflow steps failed; going on"
	# a notice the mailer sent (the mailer needs a relay; its record is
	# what an export carries)
	if ! sqlite3 -bail "$db" "INSERT INTO notice_mail (user_id,
		notice_key, address, state, claimed_at, sent_at) SELECT id,
		'ev:1:chi', 'chi@example.org', 'sent', '$NOW', '$NOW' FROM
		users WHERE name = 'chi'" >"$TMP/mail.out" 2>&1; then
		echo "FAIL: notice_mail row: $(cat "$TMP/mail.out")"
		exit 1
	fi
	# the bulk rows, straight into the SQLite file
	if [ ! -f "$HERE/bulk.sql" ]; then
		echo "FAIL: $HERE/bulk.sql missing"
		exit 1
	fi
	if ! { printf '.parameter init\n.parameter set @communes %s\n' \
		"$communes"; cat "$HERE/bulk.sql"; } |
		sqlite3 -bail "$db" >"$TMP/bulk.out" 2>&1; then
		echo "FAIL: bulk rows: $(cat "$TMP/bulk.out")"
		exit 1
	fi
}

# empty_store DB: initialised, nothing else (what import wants).
empty_store() {
	rm -f "$1" "$1-wal" "$1-shm"
	if ! "$DTI" db init --db "$1" >"$TMP/init.out" 2>&1; then
		echo "FAIL: dti db init: $(cat "$TMP/init.out")"
		exit 1
	fi
}

# export_to DB FILE [USER]: the whole store, secrets included, as USER
# (default admin, the store's admin; "" for a store without users).
export_to() {
	as=${3-admin}
	if [ -n "$as" ]; then
		set -- "$1" "$2" --user "$as" --with-secrets
	else
		set -- "$1" "$2"
	fi
	db=$1 out=$2
	shift 2
	if ! "$DTI" export --db "$db" -o "$out" "$@" 2>"$TMP/export.err"; then
		echo "FAIL: dti export --db $db: $(cat "$TMP/export.err")"
		exit 1
	fi
}

# The rows of an export: every line but the header and the trailer.
body_of() {
	sed '1d;$d' "$1"
}
