#!/bin/sh
# tests/cli/scripts/startup-libraries.sh - libraries are opened when used.
#
# PostgreSQL's client, ICU, the workbook libraries, libcurl,
# libmicrohttpd and LAPACK (and what they pull in: TLS, Kerberos, LDAP, the
# C++ and Fortran runtimes, BLAS) are opened by libdti and dti when a
# command first needs them,
# so that a command needing none starts in about a millisecond.  The
# dynamic loader's own log (LD_DEBUG=libs) shows what each run loads:
#   1. dti --version loads none of them;
#   2. reading a workbook loads libzip and expat, still not libpq;
#   3. a PostgreSQL URI with no server behind it loads libpq and fails
#      with the server's place, not with a missing library;
#   4. a principal component analysis loads LAPACK, and not libpq.
#
# Run by tests/cli/run-case.sh, which sets $DTI, $SRC and $TMP; cwd: $SRC.
set -u
fail=0
loaded() { grep -o 'calling init: [^ ]*' "$1" | sed 's|.*/||'; }

LD_DEBUG=libs "$DTI" --version >"$TMP/out1" 2>"$TMP/log1" || fail=1
grep -q '^dti [0-9]' "$TMP/out1" || { echo "--version printed: $(cat "$TMP/out1")"; fail=1; }
# the C++ runtime, unless a sanitizer's runtime (which needs it) is there
cxx=libstdc++
loaded "$TMP/log1" | grep -q '^lib[atu]*san' && cxx=
for lib in libpq libicu libcurl libmicrohttpd libzip libexpat libxlsxwriter \
	libssl libgnutls libkrb5 liblapack libblas libgfortran $cxx; do
	if loaded "$TMP/log1" | grep -q "^$lib"; then
		echo "dti --version loaded $lib:"
		loaded "$TMP/log1"
		fail=1
	fi
done

LD_DEBUG=libs "$DTI" compute tests/data/xlsx/pdti-2022-demo.xlsx --top 1 >"$TMP/out2" 2>"$TMP/log2" ||
	{ echo "compute of a workbook failed:"; grep -v '^ *[0-9]*:' "$TMP/log2"; fail=1; }
loaded "$TMP/log2" | grep -q '^libzip' || { echo "reading a workbook did not load libzip"; fail=1; }
loaded "$TMP/log2" | grep -q '^libexpat' || { echo "reading a workbook did not load expat"; fail=1; }
if loaded "$TMP/log2" | grep -q '^libpq'; then
	echo "reading a workbook loaded libpq"
	fail=1
fi

# port 9 on loopback (discard) has no PostgreSQL server
LD_DEBUG=libs "$DTI" db status --db 'postgresql://nobody@127.0.0.1:9/none?connect_timeout=2' \
	>"$TMP/out3" 2>"$TMP/log3"
rc=$?
[ "$rc" != 0 ] || { echo "db status on a closed port succeeded"; fail=1; }
loaded "$TMP/log3" | grep -q '^libpq' || { echo "a PostgreSQL URI did not load libpq"; fail=1; }
if grep -v '^ *[0-9]*:' "$TMP/log3" | grep -q 'cannot be loaded'; then
	echo "libpq could not be loaded:"
	grep -v '^ *[0-9]*:' "$TMP/log3"
	fail=1
fi
grep -v '^ *[0-9]*:' "$TMP/log3" | grep -q '127.0.0.1' ||
	{ echo "the failure does not name the server:"; grep -v '^ *[0-9]*:' "$TMP/log3"; fail=1; }
LD_DEBUG=libs "$DTI" pca -f tests/data/coinr-asem/iMeta.csv tests/data/coinr-asem/iData.csv \
	--by Physical >"$TMP/out4" 2>"$TMP/log4" ||
	{ echo "dti pca failed:"; grep -v '^ *[0-9]*:' "$TMP/log4"; fail=1; }
loaded "$TMP/log4" | grep -q '^liblapack' || { echo "dti pca did not load LAPACK"; fail=1; }
if loaded "$TMP/log4" | grep -q '^libpq'; then
	echo "dti pca loaded libpq"
	fail=1
fi
exit $fail
