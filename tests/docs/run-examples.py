#!/usr/bin/env python3
"""tests/docs/run-examples.py - every documented example, run as written.

    run-examples.py DTI SRCDIR LIBDIR INCDIR... [-- CC ARGS...]

Extracts the examples of
  - README.md: every ```sh block (a sequence of commands) and every ```c
    block (compiled inside a main() and linked against libdti);
  - every --help text: the "Examples:" section of 'dti --help' and of
    'dti COMMAND --help' for each command 'dti --help' lists;
  - every man page doc/man/*.1 and *.5: the EXAMPLES section (commands in
    section 1 and '.B dti ...' lines in section 5; the file examples of
    section 5 are written to a file and read by dti);
and runs each command verbatim with bash, with 'dti' the program under
test first in PATH, in a fresh temporary directory per sequence (one
README block, one --help text, one man page), on an SQLite store, with the
real clock (no DTI_NOW) and no network.  The commands of a sequence run in
order, each in its own shell that starts with the 'export' lines run so
far in the sequence.

A command must exit 0, unless its doc says that it fails: a comment on the
command's last line that says 'fails' or 'refused' and then 'exit N'
(e.g. '# refused: exit 7, points not public'), and then it must exit N.  A failure names the doc, its line and the
command, and shows the standard error.

What an example evidently needs is prepared by FIXTURES below (the files it
names, a store in the state the example takes for granted), never by
editing the command.  A command that cannot run here is in ALLOWED, with
the reason; anything else that cannot run fails.  A new example in any of
these docs is picked up without a change here.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

DTI, SRC, LIBDIR = sys.argv[1], sys.argv[2], sys.argv[3]
rest = sys.argv[4:]
INCDIRS = rest[:rest.index('--')] if '--' in rest else rest
CC = rest[rest.index('--') + 1:] if '--' in rest else ['cc']
DTI = os.path.abspath(DTI)
LIBDIR = os.path.abspath(LIBDIR)
INCDIRS = [os.path.abspath(i) for i in INCDIRS]

# ---- the commands that cannot run here --------------------------------
# command text -> why.  Kept short on purpose: everything else runs.
ALLOWED = {
    # installs Debian packages as root and builds four trees: what the
    # test suite itself is run by; not something a test can do
    'scripts/install-deps.sh && make demo': 'installs system packages',
    'scripts/install-deps.sh && make check': 'installs system packages',
    # a PostgreSQL server on localhost with database and role 'dti'; the
    # same commands on SQLite are examples too, and the PostgreSQL
    # backend has its own tests under tests/pg/with-pg.sh
    'dti db status --db postgresql://dti@localhost/dti': 'needs a server',
    'dti export --db postgresql://dti@localhost/dti --user admin '
    '--with-secrets \\\n    | gzip > dti.ndjson.gz': 'needs a server',
    'dti export --db dti.db --user admin | dti import --db '
    'postgresql:///dti -': 'needs a server',
    'dti serve --db postgresql://dti@localhost/dti --listen 127.0.0.1':
    'needs a server',
}

# file examples of section-5 pages that are fragments, not files: the
# columns elided with '...' to fit the page (the full files are the
# bundled data they were cut from)
ELIDED = re.compile(r'\.\.\.')

# ---- fixtures -----------------------------------------------------------
# Files every sequence's directory holds, made from bundled data:
#   data.csv              data/demo/pdti-2022-demo.csv (63 provinces,
#                         2021 and 2022, synthetic)
#   data-2022.csv         its 2022 rows
#   data-2023.csv         its 2022 rows, labelled 2023
#   data-2024.csv         its 2022 rows, labelled 2024 (for rebasing)
#   dti-2022-top5.csv     data/published/dti-2022-top5.csv
#   figures-2024.csv,     the top five's figures, labelled 2024 and 2025
#   figures-2025.csv      (pdti-2024 has the same main indicators)
#   other-provinces.csv   the 2022 rows of data.csv but Hà Nội's
#   my-index.csv          the framework of dti-framework(5)'s example
#   iMeta.csv, iData.csv  tests/data/coinr-asem (COINr's example)
#   iMeta-w.csv           iMeta.csv with the Sust sub-index weighing 2
#   iData_p.csv           tests/data/coinr-asem (COINr's panel, 2018-2022)
#   main-2024.csv         tests/cli/data/pdti-2024-main.csv (pdti-2024's
#                         main indicators, no index)
#   example-2025.csv      data/demo/example-2025.csv (for the example
#                         framework, example-province-internal)
#   units.csv,            data/demo/example-units.csv (departments and
#   departments.csv       communes of a fictional province)
#   data.xlsx             tests/data/xlsx/pdti-2022-demo.xlsx (data.csv as
#                         LibreOffice saves it)
#   form.xlsx             tests/data/xlsx/example-2025-mixed.xlsx
#                         (example-2025.csv on a sheet 'Dữ liệu')
#   plan.pdf, ke-hoach.pdf, report.pdf  a small PDF
#   admin.pw, lan.pw      a password
#   frameworks/, data/units/  copies of the source tree's (the C example
#                         and 'dti db framework frameworks/...' name them)
#   backups/              an empty directory


def demo_rows(year_from, year_to):
    out = []
    with open(os.path.join(SRC, 'data/demo/pdti-2022-demo.csv'),
              encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or line.startswith('year,'):
                out.append(line)
            elif line.startswith(year_from + ','):
                out.append(year_to + line[len(year_from):])
    return ''.join(out)


FRAMEWORK5 = []  # filled from dti-framework(5) before fixtures are made


def make_files(d):
    def w(name, text):
        with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
            f.write(text)

    def cp(src, name):
        shutil.copy(os.path.join(SRC, src), os.path.join(d, name))

    cp('data/demo/pdti-2022-demo.csv', 'data.csv')
    w('data-2022.csv', demo_rows('2022', '2022'))
    w('data-2023.csv', demo_rows('2022', '2023'))
    w('data-2024.csv', demo_rows('2022', '2024'))
    w('other-provinces.csv',
      ''.join(l for l in demo_rows('2022', '2022').splitlines(True)
              if ',Hà Nội,' not in l))
    cp('data/published/dti-2022-top5.csv', 'dti-2022-top5.csv')
    with open(os.path.join(SRC, 'data/published/dti-2022-top5.csv'),
              encoding='utf-8') as f:
        top5 = f.read()
    w('figures-2024.csv', re.sub(r'(?m)^2022,', '2024,', top5))
    w('figures-2025.csv', re.sub(r'(?m)^2022,', '2025,', top5))
    w('my-index.csv', FRAMEWORK5[0] if FRAMEWORK5 else '')
    cp('tests/data/coinr-asem/iMeta.csv', 'iMeta.csv')
    cp('tests/data/coinr-asem/iData.csv', 'iData.csv')
    cp('tests/data/coinr-asem/iData_p.csv', 'iData_p.csv')
    with open(os.path.join(SRC, 'tests/data/coinr-asem/iMeta.csv'),
              encoding='utf-8') as f:
        w('iMeta-w.csv', f.read().replace('\n3,Sust,Sustainability,1,1,',
                                          '\n3,Sust,Sustainability,1,2,'))
    cp('data/demo/example-2025.csv', 'example-2025.csv')
    cp('tests/cli/data/pdti-2024-main.csv', 'main-2024.csv')
    cp('data/demo/example-units.csv', 'units.csv')
    cp('data/demo/example-units.csv', 'departments.csv')
    cp('tests/data/xlsx/pdti-2022-demo.xlsx', 'data.xlsx')
    cp('tests/data/xlsx/example-2025-mixed.xlsx', 'form.xlsx')
    pdf = '%PDF-1.4\n% plan\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
    w('plan.pdf', pdf)
    w('ke-hoach.pdf', pdf)
    w('report.pdf', pdf)
    w('admin.pw', 'admin-secret\n')
    w('lan.pw', 'lan-secret\n')
    shutil.copytree(os.path.join(SRC, 'frameworks'),
                    os.path.join(d, 'frameworks'))
    os.makedirs(os.path.join(d, 'data'))
    shutil.copytree(os.path.join(SRC, 'data/units'),
                    os.path.join(d, 'data/units'))
    os.makedirs(os.path.join(d, 'backups'))


# Stores.  Shell run in the sequence's directory before its first command,
# with DTI_DB=dti.db.  The cycles' deadlines are a year from today, so
# that the fixtures hold on any date.
LATER = '$(date -d "+1 year" +%F)'
S_INIT = 'dti db init --admin admin >/dev/null\n'
# owner (the owner), minh (a reviewer), lan (editor of Đà Nẵng, Huế, Hồ Chí
# Minh, Quảng Ninh, Cần Thơ and Hà Giang)
S_USERS = S_INIT + """
{
dti user add owner --user admin && dti user role owner owner --user admin
dti user add minh --user admin && dti user role minh reviewer --user admin
dti user add lan --user admin
dti user role lan editor --unit 48 --unit 46 --unit 79 --unit 22 \\
  --unit 92 --unit 02 --user admin
} >/dev/null
"""
# cycle dti-2024 (pdti-2024), open
S_OPEN = S_USERS + f"""
dti cycle create dti-2024 --year 2024 --framework pdti-2024 \\
  --submit-deadline {LATER} --user owner >/dev/null
dti cycle open dti-2024 --user owner >/dev/null
"""
# the top five's figures imported and submitted, the cycle in review
S_REVIEW = S_OPEN + """
{
dti submission import dti-2024 figures-2024.csv --user owner
for u in 48 46 79 22 92; do dti submission submit dti-2024 $u --user lan; done
dti cycle review dti-2024 --user owner
} >/dev/null
"""
# every submission approved (an adjustment on the way) or excluded
S_APPROVED = S_REVIEW + """
{
dti review adjust dti-2024 48 cybersecurity --value 0.7 --reason 'report' \\
  --user minh
dti review approve dti-2024 --all-submitted --user minh
dti cycle status dti-2024 | awk 'NF > 4 && $(NF-3) == "draft" {print $1}' |
  while read -r u; do
    dti submission exclude dti-2024 "$u" --reason 'no figures' --user owner
  done
} >/dev/null
"""
# closed and published
S_PUBLISHED = S_APPROVED + """
{
dti cycle close dti-2024 --user owner && dti publish dti-2024 --user owner
} >/dev/null
"""
# six pieces of evidence of Huế, so that the next one is number 7
S_EVIDENCE = S_OPEN + """
for i in 1 2 3 4 5 6; do
  dti evidence add dti-2024 46 --title "link $i" --link https://example.org/$i \\
    --user lan
done >/dev/null
"""
# and cycle dti-2025 (pdti-2024 over the 34 provinces), in review, with
# the top five's figures as 2025's
S_2025 = f"""
{{
dti cycle create dti-2025 --year 2025 --framework pdti-2024 \\
  --submit-deadline {LATER} --user owner
dti cycle open dti-2025 --user owner
dti submission import dti-2025 figures-2025.csv --user owner
dti cycle review dti-2025 --user owner
}} >/dev/null
"""
# and dti-2023 (pdti-2022, the demo figures of 2022 labelled 2023),
# published: an earlier cycle for the published views to compare with
S_VIEWS = S_PUBLISHED + """
{
dti cycle create dti-2023 --year 2023 --framework pdti-2022 --user owner
dti cycle open dti-2023 --user owner
dti submission import dti-2023 data-2023.csv --and-submit --user owner
dti cycle review dti-2023 --user owner
dti review approve dti-2023 --all-submitted --user minh
dti cycle close dti-2023 --user owner && dti publish dti-2023 --user owner
} >/dev/null
"""
S_OWNER = """
{ dti user add owner --user admin && dti user role owner owner --user admin
} >/dev/null
"""

FIXTURES = {
    # sequence: (shell run first, environment, {text of a command: shell
    # run just before it, or a dict of environment for it})
    'README.md#The assessment year': ('', {}, {}),
    'help:db': ('', {}, {'db units vn-provinces': S_OWNER}),
    'man:dti-db.1': ('', {}, {'db units vn-provinces': S_OWNER}),
    'help:user': (S_INIT + 'dti user add hoa --user admin >/dev/null\n' +
                  'dti user add minh --user admin >/dev/null\n',
                  {'DTI_USER': 'admin', 'PW': 'lan-new-secret'}, {}),
    'man:dti-user.1': (S_INIT + 'dti user add hoa --user admin >/dev/null\n' +
                  'dti user add minh --user admin >/dev/null\n',
                       {'DTI_USER': 'admin', 'PW': 'lan-new-secret'}, {}),
    'help:cycle': (S_USERS, {'DTI_USER': 'owner'}, {}),
    'man:dti-cycle.1': (S_USERS, {'DTI_USER': 'owner'}, {}),
    'help:submission': (S_OPEN, {'DTI_USER': 'owner'},
                        {'submission submit': {'DTI_USER': 'lan'},
                         'submission edit': {'DTI_USER': 'lan'}}),
    'man:dti-submission.1': (S_OPEN, {'DTI_USER': 'owner'},
                             {'submission submit': {'DTI_USER': 'lan'},
                              'submission edit': {'DTI_USER': 'lan'}}),
    'help:evidence': (S_EVIDENCE, {'DTI_USER': 'lan'}, {}),
    'man:dti-evidence.1': (S_EVIDENCE, {'DTI_USER': 'lan'}, {}),
    'help:review': (S_REVIEW, {'DTI_USER': 'minh'}, {}),
    'man:dti-review.1': (S_REVIEW, {'DTI_USER': 'minh'}, {}),
    'help:publish': (S_APPROVED, {'DTI_USER': 'owner'}, {}),
    'man:dti-publish.1': (S_APPROVED + S_2025, {'DTI_USER': 'owner'}, {}),
    'help:results': (S_PUBLISHED + S_2025, {'DTI_USER': 'owner'}, {}),
    'help:audit': (S_PUBLISHED, {'DTI_USER': 'owner'}, {}),
    'man:dti-audit.1': (S_PUBLISHED, {'DTI_USER': 'owner'}, {}),
    'help:export': (S_PUBLISHED, {'DTI_USER': 'admin'}, {}),
    'help:import': (S_PUBLISHED +
                    'dti export --user admin -o dti-export.ndjson\n',
                    {}, {}),
    'help:backup': (S_INIT, {}, {}),
    'help:serve': (S_PUBLISHED, {}, {}),
    'README.md#The server': (S_PUBLISHED, {}, {}),
    'man:dti-serve.1': (S_PUBLISHED, {}, {}),
    # lan has the notice of the opening; nobody has an e-mail address, so
    # 'notices mail' finds nothing due and connects to no relay
    'help:notices': (S_OPEN, {}, {}),
    'man:dti-notices.1': (S_OPEN, {}, {}),
    # the published views of the store (rank and explain without DATA)
    'help:rank': (S_VIEWS, {}, {}),
    'man:dti-rank.1': (S_VIEWS, {}, {}),
    'help:explain': (S_VIEWS, {}, {}),
    'man:dti-explain.1': (S_VIEWS, {}, {}),
    'help:chart': (S_VIEWS, {}, {}),
    'man:dti-chart.1': (S_VIEWS, {}, {}),
    'help:report': (S_VIEWS, {}, {}),
    'man:dti-report.1': (S_VIEWS, {}, {}),
    # targets of provinces tracked against dti-2023 and dti-2024
    'README.md#Targets': (S_VIEWS, {}, {}),
    'help:target': (S_VIEWS, {}, {}),
    'man:dti-target.1': (S_VIEWS, {}, {}),
    'help:trends': (S_VIEWS, {}, {}),
    'man:dti-trends.1': (S_VIEWS, {}, {}),
}


def fixture(seq):
    return FIXTURES.get(seq, ('', {}, {}))


# ---- extraction ---------------------------------------------------------
class Example:
    def __init__(self, doc, line, text, kind='sh'):
        self.doc, self.line, self.text, self.kind = doc, line, text, kind


def join_lines(lines):
    """[(lineno, text)] -> [(lineno, command)], continuations joined,
    comment-only and empty lines dropped."""
    out, cur, start = [], None, 0
    for no, text in lines:
        if cur is None:
            if not text.strip() or text.strip().startswith('#'):
                continue
            cur, start = text, no
        else:
            cur += '\n' + text
        if not cur.endswith('\\'):
            out.append((start, cur))
            cur = None
    if cur is not None:
        out.append((start, cur))
    return out


def readme_sequences(path, name):
    seqs, heading = [], ''
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^(#+) (.*)', lines[i])
        if m:
            heading = m.group(2)
        m = re.match(r'^```(\S*)\s*$', lines[i])
        if m:
            lang, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and lines[i] != '```':
                body.append((i + 1, lines[i]))
                i += 1
            if lang == 'sh':
                seqs.append((f'{name}#{heading}', [
                    Example(name, no, t) for no, t in join_lines(body)]))
            elif lang == 'c':
                seqs.append((f'{name}#{heading} (C)', [
                    Example(name, start, '\n'.join(t for _, t in body),
                            'c')]))
        i += 1
    return seqs


def run_help(args):
    p = subprocess.run([DTI] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f'dti {" ".join(args)} exited {p.returncode}')
    return p.stdout


def help_sequences():
    top = run_help(['--help'])
    cmds = []
    in_cmds = False
    for line in top.split('\n'):
        if line == 'Commands:':
            in_cmds = True
        elif in_cmds and re.match(r'^  (\S+)\s', line):
            cmds.append(line.split()[0])
        elif in_cmds and not line.strip():
            in_cmds = False
    if len(cmds) < 10:
        raise SystemExit("cannot read the commands of 'dti --help'")
    seqs = []
    for c in [None] + cmds:
        text = run_help(['--help'] if c is None else [c, '--help'])
        doc = "'dti --help'" if c is None else f"'dti {c} --help'"
        lines = text.split('\n')
        body = []
        for k, line in enumerate(lines):
            if line == 'Examples:':
                for j in range(k + 1, len(lines)):
                    if not lines[j].strip():
                        break
                    if not lines[j].startswith('  '):
                        raise SystemExit(f'{doc}: example line {j + 1} '
                                         'not indented')
                    body.append((j + 1, lines[j][2:]))
                break
        if body:
            seqs.append((f'help:{c or "dti"}', [
                Example(doc, no, t) for no, t in join_lines(body)]))
    return seqs


ROFF = {'-': '-', 'e': '\\', '(mu': '×', '(en': '–', '(lq': '“',
        '(rq': '”', 'fB': '', 'fI': '', 'fR': '', 'fP': '', '&': ''}


def roff_text(s):
    def one(m):
        if m.group(1) not in ROFF:
            raise SystemExit(f'unknown roff escape \\{m.group(1)} in: {s}')
        return ROFF[m.group(1)]
    return re.sub(r'\\(\(..|f.|.)', one, s)


def man_sequences(path, name):
    """Section 1: the lines of .nf blocks are commands.  Section 5: the
    .nf blocks are files ('file' examples), '.B dti ...' lines commands."""
    section = name.rsplit('.', 1)[1]
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    inex, nf, block, cmds, files = False, False, [], [], []
    for no, line in enumerate(lines, 1):
        if line.startswith('.SH'):
            inex = line.split(None, 1)[1].strip('"') in ('EXAMPLES',
                                                         'EXAMPLE')
            continue
        if not inex:
            continue
        if line.startswith('.nf'):
            nf, block = True, []
        elif line.startswith('.fi'):
            nf = False
            if section == '1':
                cmds.extend(join_lines(block))
            else:
                files.append((block[0][0], '\n'.join(t for _, t in block) +
                              '\n'))
        elif nf:
            if line.startswith('.'):
                raise SystemExit(f'{name}:{no}: a request inside .nf')
            block.append((no, roff_text(line)))
        elif line.startswith('.B dti ') or line.startswith('dti '):
            cmds.append((no, roff_text(line[3:] if line[0] == '.' else
                                       line)))
    if not cmds and not files:
        raise SystemExit(f'{name}: no EXAMPLES section')
    ex = [Example(name, no, t) for no, t in cmds]
    ex += [Example(name, no, t, 'file') for no, t in files]
    return [(f'man:{name}', ex)]


# ---- running ------------------------------------------------------------
BIN = None  # a directory holding only 'dti', first in PATH
FAILS = re.compile(r'#[^\n]*\b(?:fails|refused)\b[^\n]*?\bexit (\d+)\b[^\n]*$')
ALLOWED_SEEN = set()
failures = []
counts = {'run': 0, 'allowed': 0}


def fail(ex, what, stderr=''):
    msg = f'{ex.doc}:{ex.line}: {what}\n    {ex.text}'
    if stderr:
        msg += '\n  stderr:\n' + ''.join(
            '    ' + l + '\n' for l in stderr.rstrip('\n').split('\n'))
    failures.append(msg)


def base_env(d):
    env = {k: v for k, v in os.environ.items() if not k.startswith('DTI_')}
    env.pop('DTI_NOW', None)
    env.update(PATH=BIN + os.pathsep +
               env.get('PATH', '/usr/bin:/bin'), HOME=os.path.join(d, '.home'),
               LC_ALL='C.UTF-8', NO_COLOR='1', TERM='dumb')
    return env


def sh(cmd, d, env):
    return subprocess.run(['bash', '-c', 'set -o pipefail\n' + cmd], cwd=d,
                          env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def file_example(ex, d, env):
    """A section-5 file example: written to a file and read by dti as the
    page says."""
    if ELIDED.search(ex.text):
        counts['allowed'] += 1
        return None
    if ex.doc == 'dti-framework.5':
        cmd = 'dti framework check example.csv'
    elif ex.doc == 'dti-units.5':
        cmd = 'dti units list -u example.csv --date 2024-12-31'
    elif ex.doc == 'dti-serve.conf.5':
        cmd = 'dti serve --config example.csv --check'
    elif ex.doc == 'dti-data.5':
        # data of one of the bundled frameworks
        cmd = ('dti rank -f pdti-2022 --partial example.csv >/dev/null || '
               'dti rank -f example-province-internal --partial example.csv')
    else:
        return f'no way to check the file examples of {ex.doc}'
    with open(os.path.join(d, 'example.csv'), 'w', encoding='utf-8') as f:
        f.write(ex.text)
    p = sh(cmd, d, env)
    counts['run'] += 1
    if p.returncode != 0:
        return (f'the file example, read by "{cmd}", exited '
                f'{p.returncode}', p.stderr)
    return None


def c_example(ex, d, env):
    src = ('#include <stdio.h>\n#include <dti/dti.h>\n'
           'int main(void)\n{\n' + ex.text + '\n'
           '\tif (!res) {\n\t\tfprintf(stderr, "%s\\n", err.message);\n'
           '\t\treturn 1;\n\t}\n\tdti_result_free(res);\n'
           '\tdti_dataset_free(ds);\n\tdti_units_free(units);\n'
           '\tdti_framework_free(fw);\n\treturn 0;\n}\n')
    with open(os.path.join(d, 'example.c'), 'w', encoding='utf-8') as f:
        f.write(src)
    cmd = CC + ['-std=c17', '-Wall', '-Werror', '-o', 'example', 'example.c']
    cmd += [f'-I{i}' for i in INCDIRS]
    cmd += [f'-L{LIBDIR}', f'-Wl,-rpath,{LIBDIR}', '-ldti']
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
    if p.returncode != 0:
        return ('does not compile against libdti', p.stderr)
    p = subprocess.run(['./example'], cwd=d, env=env, capture_output=True,
                       text=True)
    counts['run'] += 1
    if p.returncode != 0:
        return (f'compiled, it exited {p.returncode}', p.stderr)
    return None


TEMPLATES = {}  # the shell of a fixture -> a directory it was run in


def template(setup, env):
    """The directory of the fixture files with `setup` run in it (with the
    base environment: the setups name their users), made once per
    distinct setup and copied for each sequence."""
    if setup in TEMPLATES:
        return TEMPLATES[setup], None
    t = tempfile.mkdtemp(prefix='dti-docs-fixture-')
    make_files(t)
    p = sh(setup, t, dict(env, DTI_DB='dti.db')) if setup else None
    if p and p.returncode != 0:
        shutil.rmtree(t, ignore_errors=True)
        return None, p.stderr
    TEMPLATES[setup] = t
    return t, None


def run_sequence(seq, examples):
    d = tempfile.mkdtemp(prefix='dti-docs-')
    try:
        env = base_env(d)
        setup, fenv, before = fixture(seq)
        t, err = template(setup, env)
        if t is None:
            fail(examples[0], f'the fixture of {seq} failed', err)
            return
        env.update(fenv)
        shutil.copytree(t, d, symlinks=True, dirs_exist_ok=True)
        os.makedirs(os.path.join(d, '.home'))
        exports = ''
        for ex in examples:
            if ex.kind == 'c':
                r = c_example(ex, d, env)
            elif ex.kind == 'file':
                r = file_example(ex, d, env)
            else:
                r = command(ex, d, env, exports, before)
            if isinstance(r, tuple):
                fail(ex, *r)
            elif r:
                fail(ex, r)
            if ex.kind == 'sh':
                exports += ''.join(
                    l + '\n' for l in ex.text.split('\n')
                    if l.startswith('export '))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def command(ex, d, env, exports, before):
    plain = ex.text.strip()
    plain_nocomment = re.sub(r'\s+#[^\n]*$', '', plain)
    for key in (plain, plain_nocomment):
        if key in ALLOWED:
            ALLOWED_SEEN.add(key)
            counts['allowed'] += 1
            return None
    for key, shell in before.items():
        if key not in plain:
            continue
        if isinstance(shell, dict):
            env = dict(env, **shell)
            continue
        p = sh(shell, d, dict(env, DTI_DB=env.get('DTI_DB', 'dti.db')))
        if p.returncode != 0:
            return ('the fixture before it failed', p.stderr)
    m = FAILS.search(plain)
    want = int(m.group(1)) if m else 0
    if re.match(r'dti serve(?!.*--help)(?!.*--check)', plain):
        return serve_example(ex, d, env, exports)
    p = sh(exports + ex.text, d, env)
    counts['run'] += 1
    if p.returncode != want:
        return (f'exited {p.returncode}, not {want}', p.stderr)
    return None


def serve_example(ex, d, env, exports):
    """A server example runs until it says where it listens, answers
    /healthz there, and stops cleanly (exit 0) on SIGTERM."""
    import signal
    import urllib.request
    p = subprocess.Popen(['bash', '-c', exports + 'exec ' + ex.text],
                         cwd=d, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         text=True)
    counts['run'] += 1
    try:
        line = p.stdout.readline()
        m = re.search(r'listening on (http://\S+)/', line)
        if not m:
            p.kill()
            _, err = p.communicate(timeout=10)
            return ('it did not say where it listens', line + err)
        with urllib.request.urlopen(m.group(1) + '/healthz',
                                    timeout=10) as r:
            if r.status != 200:
                return (f'/healthz answered {r.status}', '')
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=20)
        if p.returncode != 0:
            return (f'exited {p.returncode} on SIGTERM, not 0', err)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return None


def main():
    global BIN
    BIN = tempfile.mkdtemp(prefix='dti-docs-bin-')
    os.symlink(DTI, os.path.join(BIN, 'dti'))
    man = sorted(f for f in os.listdir(os.path.join(SRC, 'doc/man'))
                 if re.search(r'\.[15]$', f))
    seqs = readme_sequences(os.path.join(SRC, 'README.md'), 'README.md')
    seqs += help_sequences()
    for name in man:
        seqs += man_sequences(os.path.join(SRC, 'doc/man', name), name)
    for seq, ex in seqs:
        if seq == 'man:dti-framework.5':
            FRAMEWORK5.extend(e.text for e in ex if e.kind == 'file')
    used = set()
    for seq, ex in seqs:
        used.add(seq)
        run_sequence(seq, ex)
    for seq in FIXTURES:
        if seq not in used:
            failures.append(f'fixture for {seq}, which is no sequence')
    for cmd in ALLOWED:
        if cmd not in ALLOWED_SEEN:
            failures.append(f'allowed, but in no doc: {cmd}')
    shutil.rmtree(BIN, ignore_errors=True)
    for t in TEMPLATES.values():
        shutil.rmtree(t, ignore_errors=True)
    for f in failures:
        print('FAIL ' + f, file=sys.stderr)
    print(f'{counts["run"]} examples run, {counts["allowed"]} allowed, '
          f'{len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
