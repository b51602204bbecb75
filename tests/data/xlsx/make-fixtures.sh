#!/bin/sh
# Remakes the workbooks of this directory (see README.md): CSV files of the
# repository converted by LibreOffice, and one workbook written by openpyxl.
# Needs soffice (Debian: libreoffice-calc-nogui) and python3-openpyxl; the
# tests only read the committed results.
#
#   tests/data/xlsx/make-fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CSV import: ',' separated, '"' quoted, UTF-8 (76), from line 1; cells
# typed as LibreOffice detects them (numbers), as a user opening the file
# would get.  A registry's first two columns (id, code: "01") are imported
# as text, as a careful user does to keep the zeros, and its dates
# (valid_from, valid_to) become date cells ("detect special numbers").
convert() {
	cp "$1" "$tmp/$2.csv"
	(cd "$tmp" && HOME="$tmp" soffice --headless \
		--infilter="CSV:44,34,76,1${3:-}" --convert-to xlsx "$2.csv" \
		>/dev/null 2>&1)
	cp "$tmp/$2.xlsx" "$here/$2.xlsx"
}
registry=",1/2/2/2,1033,false,true"

convert "$root/data/demo/pdti-2022-demo.csv" pdti-2022-demo
convert "$root/data/demo/example-2025.csv" example-2025
convert "$root/data/demo/example-units.csv" example-units "$registry"
convert "$root/frameworks/example-province-internal.csv" example-province-internal
convert "$root/data/units/vn-provinces.csv" vn-provinces "$registry"

# Debian's python3 (where python3-openpyxl is installed)
"${PYTHON:-/usr/bin/python3}" "$here/make-mixed.py" "$root/data/demo/example-2025.csv" \
	"$here/example-2025-mixed.xlsx"
