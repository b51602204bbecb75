#!/bin/sh
# Installs every Debian package that building, testing and running dti needs.
# Idempotent and non-interactive: packages already present are left alone, and
# nothing is asked.  Run as root, or with sudo available.
#
#   scripts/install-deps.sh            build + run + test dependencies
#   scripts/install-deps.sh --check    exit 0 if all present, 1 otherwise
set -eu

# libasan8, libubsan1 and libtsan2 (gcc's sanitizer runtimes) come with gcc;
# clang-format and cppcheck are for the 'lint' tests; libcurl4-openssl-dev
# is the SMTP client of 'dti notices mail' (and the server's mail);
# python3-jsonschema checks every server test response against doc/openapi.json.
PKGS="gcc clang libclang-rt-14-dev make meson ninja-build pkg-config git
      libcmocka-dev libicu-dev libsqlite3-dev sqlite3 libpq-dev postgresql
      libsodium-dev libjansson-dev libcurl4-openssl-dev clang-format cppcheck
      libmicrohttpd-dev zlib1g-dev wrk nginx-light python3-jsonschema"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

if [ "${1:-}" = "--check" ]; then
    [ -z "$missing" ] && exit 0
    echo "missing packages:$missing" >&2
    exit 1
fi

[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-deps: need root (or sudo) to install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
