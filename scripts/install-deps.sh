#!/bin/sh
# Installs every Debian package that building, testing and running dti needs,
# and the browser tests' npm packages (tests/browser/package.json, at the
# versions of its package-lock.json) into tests/browser/node_modules.
# Idempotent and non-interactive: what is already present is left alone, and
# nothing is asked.  Run as root, or with sudo available.
#
#   scripts/install-deps.sh            build + run + test dependencies
#   scripts/install-deps.sh --check    exit 0 if all present, 1 otherwise
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
browser="$root/tests/browser"

# libasan8, libubsan1 and libtsan2 (gcc's sanitizer runtimes) come with gcc;
# clang-format and cppcheck are for the 'lint' tests; libcurl4-openssl-dev
# is the SMTP client of 'dti notices mail' (and the server's mail);
# python3-jsonschema checks every server test response against doc/openapi.json;
# chromium is the browser of the browser tests (tests/browser, driven by the
# npm package playwright-core, which never downloads a browser of its own),
# fonts-dejavu-core a font with every Vietnamese letter for its screenshots;
# libxlsxwriter-dev writes results as XLSX workbooks (--format xlsx), and
# python3-openpyxl reads them back, cell by cell, in the tests.
# libzip-dev and libexpat1-dev read workbooks (.xlsx: a zip of XML parts).
# libcairo2-dev, libpango1.0-dev and librsvg2-dev draw 'dti report's PDF
# (cairo's PDF surface, text shaped by Pango in DejaVu Sans, the SVG charts
# by librsvg); poppler-utils (pdftotext, pdftoppm) reads it back in tests.
# liblapack3 computes the eigenvectors of 'dti pca' and 'dti weights --pca'
# (opened when first used; no header is needed to build).
PKGS="gcc clang libclang-rt-14-dev make meson ninja-build pkg-config git
      libcmocka-dev libicu-dev libsqlite3-dev sqlite3 libpq-dev postgresql
      libsodium-dev libjansson-dev libcurl4-openssl-dev clang-format cppcheck
      libmicrohttpd-dev zlib1g-dev wrk nginx-light python3-jsonschema
      chromium fonts-dejavu-core libxlsxwriter-dev python3-openpyxl
      libzip-dev libexpat1-dev libcairo2-dev libpango1.0-dev librsvg2-dev
      poppler-utils liblapack3"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

# Node.js and npm run the browser tests: Debian's nodejs and npm where the
# commands are missing (a Node.js from elsewhere that brings its own npm is
# left alone; Debian's npm would conflict with it).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

# tests/browser/node_modules holds each package of package.json at its
# pinned version.
modules_ok() {
    command -v node >/dev/null 2>&1 || return 1
    node -e '
        const fs = require("fs"), path = require("path");
        const dir = process.argv[1];
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json")));
        for (const [name, version] of Object.entries(pkg.dependencies)) {
            const p = path.join(dir, "node_modules", name, "package.json");
            if (!fs.existsSync(p) ||
                JSON.parse(fs.readFileSync(p)).version !== version)
                process.exit(1);
        }' "$browser"
}

if [ "${1:-}" = "--check" ]; then
    status=0
    if [ -n "$missing" ]; then
        echo "missing packages:$missing" >&2
        status=1
    fi
    if ! modules_ok; then
        echo "missing npm packages: tests/browser/node_modules" >&2
        status=1
    fi
    exit $status
fi

if [ -n "$missing" ]; then
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
fi

# npm ci installs exactly the lockfile's versions (tests/browser/.npmrc:
# the lockfile records no download addresses); it downloads no browser.
if ! modules_ok; then
    echo "installing: tests/browser/node_modules (npm ci)" >&2
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
