#!/bin/sh
# tests/cli/scripts/lapack-missing.sh - without LAPACK, dti says so.
#
# LAPACK is opened when the first principal component analysis runs.  In a
# mount namespace of its own (unshare -m, as root), this script hides the
# library behind an empty file and checks that
#   1. dti pca fails with exit 3 and a message naming the package
#      (liblapack3), and writes nothing on stdout;
#   2. dti weights --optimise, which needs no LAPACK, still works.
# Skipped (77) where no mount namespace can be made (not root, no unshare).
#
# Run by tests/cli/run-case.sh, which sets $DTI, $SRC and $TMP; cwd: $SRC.
set -u
lib=
for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
	[ -e "$d/liblapack.so.3" ] && lib=$(readlink -f "$d/liblapack.so.3") && break
done
[ -n "$lib" ] || { echo "no liblapack.so.3 to hide"; exit 77; }
: >"$TMP/empty.so"
unshare -m true 2>/dev/null || { echo "no mount namespace here"; exit 77; }
A="-f tests/data/coinr-asem/iMeta.csv tests/data/coinr-asem/iData.csv"
unshare -m sh -c '
	mount --bind "$1" "$2" || exit 77
	shift 2
	"$@"
' sh "$TMP/empty.so" "$lib" "$DTI" pca $A --by Physical >"$TMP/out1" 2>"$TMP/err1"
rc=$?
[ "$rc" = 77 ] && { echo "cannot bind-mount over $lib"; exit 77; }
fail=0
[ "$rc" = 3 ] || { echo "dti pca without LAPACK exited $rc, not 3"; fail=1; }
grep -q 'LAPACK is missing.*install liblapack3' "$TMP/err1" ||
	{ echo "the message does not say what to install:"; cat "$TMP/err1"; fail=1; }
[ -s "$TMP/out1" ] && { echo "dti pca wrote on stdout:"; cat "$TMP/out1"; fail=1; }
unshare -m sh -c '
	mount --bind "$1" "$2" || exit 77
	shift 2
	"$@"
' sh "$TMP/empty.so" "$lib" "$DTI" weights $A --optimise >"$TMP/out2" 2>"$TMP/err2" ||
	{ echo "dti weights --optimise failed without LAPACK:"; cat "$TMP/err2"; fail=1; }
grep -q '^Conn ' "$TMP/out2" || { echo "dti weights --optimise wrote:"; cat "$TMP/out2"; fail=1; }
exit $fail
