#!/bin/sh
# tests/cli/scripts/rebase-average.sh - 'dti rebase' against an independent
# computation in awk.
#
# The 2025 merger: each province valid on 2025-07-01 that replaced others
# gets the plain average of its predecessors' main indicators (the
# registry's successors column, data/units/vn-provinces.csv says who
# replaced whom); provinces that did not change keep their figures.  From
# the 2022 demo figures, this computes the 34 averages and their PDTI and
# pillars (formulas of frameworks/pdti-2022.csv) and checks what dti prints:
# each value within half a unit of the 4th decimal, and the ranks.
#
# Run by tests/cli/run-case.sh, which sets $DTI, $SRC and $TMP; cwd: $SRC.
set -eu

demo=data/demo/pdti-2022-demo.csv
ind=awareness,institutions,infrastructure,human_resources,cybersecurity,gov_activity,econ_activity,soc_activity

# The 2022 figures by province id (dti only resolves the names of the
# demo file to ids; the figures are checked to be those of the file).
"$DTI" compute --cycle 2022 --no-previous --format csv --nodes "$ind" "$demo" \
	>"$TMP/figures.csv"
awk -F, '$1 == 2022 { print $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$demo" |
	sort >"$TMP/file.tuples"
awk -F, '$1 == 2022 { print $6, $7, $8, $9, $10, $11, $12, $13 }' \
	"$TMP/figures.csv" | sort >"$TMP/printed.tuples"
# the demo file has smart_city as its 8th figure: drop it before comparing
awk '{ print $1, $2, $3, $4, $5, $7, $8, $9 }' "$TMP/file.tuples" | sort \
	>"$TMP/file8.tuples"
if ! cmp -s "$TMP/file8.tuples" "$TMP/printed.tuples"; then
	echo "the figures dti read are not those of $demo"
	exit 1
fi

"$DTI" rebase -f pdti-2022 --cycle 2022 --to 2025-07-01 --format csv \
	--nodes "pdti,cqs,kts,xhs,$ind" "$demo" >"$TMP/rebased.csv"

awk -F, '
	function abs(v) { return v < 0 ? -v : v }
	FILENAME == ARGV[1] {
		# registry: id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,successors
		if (/^#/ || /^id,/) next
		if ($7 == "" && $8 == "") to[$1] = $1       # unchanged
		else if ($9 != "") to[$1] = $9              # merged into $9
		if ($7 <= "2025-07-01" && ($8 == "" || $8 >= "2025-07-01"))
			valid[$1] = 1
		next
	}
	FILENAME == ARGV[2] {
		if (/^#/ || /^year,/) next
		s = to[$3]
		if (s == "") { printf "no successor for %s\n", $3; bad = 1; next }
		n[s]++
		for (k = 6; k <= 13; k++)
			sum[s, k] += $k
		next
	}
	{
		if (/^#/) next
		if (/^year,/) {
			for (i = 1; i <= NF; i++) col[$i] = i
			next
		}
		id = $col["unit_id"]
		m++
		if (!(id in n)) { printf "%s: not a successor\n", id; bad = 1; next }
		if (!(id in valid)) { printf "%s: not valid on 2025-07-01\n", id; bad = 1 }
		split("awareness institutions infrastructure human_resources cybersecurity gov_activity econ_activity soc_activity", names, " ")
		for (k = 6; k <= 13; k++) {
			v[k] = sum[id, k] / n[id]
			got = $col[names[k - 5]]
			if (abs(got - v[k]) > 0.00005 + 1e-9) {
				printf "%s: %s printed %s, average %.6f\n", id, names[k - 5], got, v[k]
				bad = 1
			}
		}
		sf = v[6] + v[7] + v[8] + v[9] + v[10]
		e["pdti"] = (100 * sf + 200 * v[11] + 150 * v[12] + 150 * v[13]) / 1000
		e["cqs"] = (100 * sf + 200 * v[11]) / 700
		e["kts"] = (100 * sf + 150 * v[12]) / 650
		e["xhs"] = (100 * sf + 150 * v[13]) / 650
		for (c in e)
			if (abs($col[c] - e[c]) > 0.00005 + 1e-9) {
				printf "%s: %s printed %s, computed %.6f\n", id, c, $col[c], e[c]
				bad = 1
			}
		val[m] = $col["pdti"]; rank[m] = $col["rank"]; uid[m] = id
		done[id] = 1
	}
	END {
		for (s in n)
			if (!(s in done)) { printf "%s: missing from the output\n", s; bad = 1 }
		if (m != 34) { printf "%d units, expected 34\n", m; bad = 1 }
		for (i = 1; i <= m; i++) {
			r = 1
			for (j = 1; j <= m; j++)
				if (val[j] + 0 > val[i] + 0)
					r++
			if (r != rank[i]) {
				printf "%s: rank %s, expected %d\n", uid[i], rank[i], r
				bad = 1
			}
		}
		exit bad
	}' data/units/vn-provinces.csv "$TMP/figures.csv" "$TMP/rebased.csv" || exit 1
echo "rebase-average: ok (63 provinces of 2022 averaged onto 34)"
