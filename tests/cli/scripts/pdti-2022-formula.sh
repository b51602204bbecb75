#!/bin/sh
# tests/cli/scripts/pdti-2022-formula.sh - dti's DTI 2022 values, ranks and
# changes against an independent computation in awk.
#
# The provincial DTI 2022 is published as a formula over the nine main
# indicators (frameworks/pdti-2022.csv):
#   PDTI = (100·(A+I+F+H+S) + 200·G + 150·E + 150·X) / 1000
#   CQS  = (100·ΣF + 200·G) / 700
#   KTS  = (100·ΣF + 150·E) / 650
#   XHS  = (100·ΣF + 150·X) / 650
# where ΣF = A+I+F+H+S.  For every unit of both cycles of the demo data and
# for the published 2022 top five (--recompute), this computes those from
# the data file itself and checks what dti prints: each value within half a
# unit of the 4th decimal, the competition rank of each printed value, and
# (2022 against 2021) the change of value and of rank, and the rank inside
# the region.
#
# Run by tests/cli/run-case.sh, which sets $DTI, $SRC and $TMP; cwd: $SRC.
set -eu

fail=0
demo=data/demo/pdti-2022-demo.csv
pub=data/published/dti-2022-top5.csv
cols=pdti,cqs,kts,xhs,awareness,institutions,infrastructure,human_resources,cybersecurity,gov_activity,econ_activity,soc_activity

# Expected values from a data file: key (the nine indicators as written,
# which identify a row), pdti, cqs, kts, xhs.  $1 file, $2 cycle.
expected() {
	awk -F, -v cycle="$2" '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$col["year"] != cycle { next }
		{
			a = $col["awareness"]; i_ = $col["institutions"]
			f = $col["infrastructure"]; h = $col["human_resources"]
			s = $col["cybersecurity"]; g = $col["gov_activity"]
			e = $col["econ_activity"]; x = $col["soc_activity"]
			sf = a + i_ + f + h + s
			key = sprintf("%.4f;%.4f;%.4f;%.4f;%.4f;%.4f;%.4f;%.4f", a, i_, f, h, s, g, e, x)
			printf "%s,%.10f,%.10f,%.10f,%.10f\n", key,
			    (100 * sf + 200 * g + 150 * e + 150 * x) / 1000,
			    (100 * sf + 200 * g) / 700,
			    (100 * sf + 150 * e) / 650,
			    (100 * sf + 150 * x) / 650
		}' "$1"
}

# What dti printed, in the same form plus rank, id and the printed values.
printed() { # file, then options
	f=$1
	shift
	"$DTI" compute --no-previous --format csv --nodes "$cols" "$@" "$f" |
	awk -F, '
		/^#/ { next }
		!hdr { for (i = 1; i <= NF; i++) col[$i] = i; hdr = 1; next }
		{
			key = $col["awareness"] ";" $col["institutions"] ";" \
			    $col["infrastructure"] ";" $col["human_resources"] ";" \
			    $col["cybersecurity"] ";" $col["gov_activity"] ";" \
			    $col["econ_activity"] ";" $col["soc_activity"]
			print key "," $col["pdti"] "," $col["cqs"] "," $col["kts"] \
			    "," $col["xhs"] "," $col["rank"] "," $col["unit_id"]
		}'
}

# Compares: every expected row printed within tolerance, ranks right.
compare() { # label expected printed
	awk -F, -v label="$1" '
		function abs(v) { return v < 0 ? -v : v }
		NR == FNR { n++; ex[$1] = $0; next }
		{
			m++
			if (!($1 in ex)) {
				printf "%s: unit %s: indicators %s not in the data\n", label, $7, $1
				bad = 1
				next
			}
			split(ex[$1], e, ",")
			split("pdti cqs kts xhs", names, " ")
			for (k = 2; k <= 5; k++)
				if (abs($k - e[k]) > 0.00005 + 1e-9) {
					printf "%s: unit %s: %s printed %s, computed %.6f\n", label, $7, names[k - 1], $k, e[k]
					bad = 1
				}
			val[m] = $2; rank[m] = $6; id[m] = $7
			seen[$1] = 1
		}
		END {
			if (m != n) {
				printf "%s: %d units printed, %d in the data\n", label, m, n
				bad = 1
			}
			for (i = 1; i <= m; i++) {
				r = 1
				for (j = 1; j <= m; j++)
					if (val[j] + 0 > val[i] + 0)
						r++
				if (r != rank[i]) {
					printf "%s: unit %s: rank %s, expected %d\n", label, id[i], rank[i], r
					bad = 1
				}
			}
			exit bad
		}' "$2" "$3"
}

for cycle in 2021 2022; do
	expected "$demo" $cycle >"$TMP/exp.$cycle"
	printed "$demo" --cycle $cycle >"$TMP/got.$cycle"
	compare "demo $cycle" "$TMP/exp.$cycle" "$TMP/got.$cycle" || fail=1
	[ "$(wc -l <"$TMP/got.$cycle")" -eq 63 ] ||
		{ echo "demo $cycle: not 63 units"; fail=1; }
done

expected "$pub" 2022 >"$TMP/exp.pub"
printed "$pub" -f pdti-2022 --recompute >"$TMP/got.pub"
compare "published 2022 (--recompute)" "$TMP/exp.pub" "$TMP/got.pub" || fail=1

# Changes 2022 - 2021: of the printed (rounded) values, and of ranks.
"$DTI" rank --format csv "$demo" >"$TMP/rank.csv"
awk -F, '
	FILENAME == ARGV[1] { v21[$7] = $2; r21[$7] = $6; next }
	/^#/ || /^year,/ { next }
	{
		# year,rank,unit_id,unit,group,group_rank,pdti,pdti_change,pdti_rank_change
		id = $3
		ch = sprintf("%.4f", $7 - v21[id])
		if (ch == "-0.0000") ch = "0.0000"
		if (ch != $8) {
			printf "changes: unit %s: change %s, expected %s\n", id, $8, ch
			bad = 1
		}
		if (r21[id] - $2 != $9) {
			printf "changes: unit %s: rank change %s, expected %d\n", id, $9, r21[id] - $2
			bad = 1
		}
		n++
		grp[n] = $5; grank[n] = $6; val[n] = $7; uid[n] = id
	}
	END {
		if (n != 63) { printf "changes: %d units\n", n; bad = 1 }
		# the rank inside the region, from the printed values
		for (i = 1; i <= n; i++) {
			r = 1
			for (j = 1; j <= n; j++)
				if (grp[j] == grp[i] && val[j] + 0 > val[i] + 0)
					r++
			if (r != grank[i]) {
				printf "group ranks: unit %s: %s, expected %d\n", uid[i], grank[i], r
				bad = 1
			}
		}
		exit bad
	}' "$TMP/got.2021" "$TMP/rank.csv" || fail=1

if [ $fail = 0 ]; then
	echo "pdti-2022-formula: ok (2 x 63 demo units, 5 published units, changes, region ranks)"
fi
exit $fail
