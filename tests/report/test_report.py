#!/usr/bin/env python3
"""tests/report/test_report.py - 'dti report' read back from the PDF.

    test_report.py DTI SRCDIR ARTIFACTS

Publishes DTI 2021 and DTI 2022 from the bundled demo data in a store in a
temporary directory, writes the report of dti-2022 in Vietnamese and in
English, and reads each back with pdftotext (poppler-utils): every unit's
name, value (as 'dti results --format csv' gives it, with a decimal comma
in Vietnamese) and rank on its row of the ranking and on its own page, the
data hash and the checkpoint of 'dti results', a footer "Trang N/M" /
"Page N of M" on every page but the first, and the contents' page numbers
pointing at the pages they name.  The first three pages of each are
rendered to PNG (pdftoppm -r 50) in ARTIFACTS.  Exit 0 when everything
holds, 77 (skipped) without pdftotext, 1 otherwise.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DTI, SRC, ART = (os.path.abspath(a) for a in sys.argv[1:4])
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print('FAIL:', what)


def run(*args, env=None, **kw):
    p = subprocess.run(list(args), capture_output=True, env=env, **kw)
    if p.returncode != 0:
        sys.exit(f'{" ".join(args)}: exit {p.returncode}\n'
                 f'{p.stderr.decode(errors="replace")}')
    return p.stdout


if not shutil.which('pdftotext') or not shutil.which('pdftoppm'):
    print('pdftotext/pdftoppm (poppler-utils) not installed: skipped')
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix='dti-report-')
try:
    env = dict(os.environ, DTI_DB=os.path.join(tmp, 'dti.db'))
    env.pop('DTI_USER', None)
    env.pop('DTI_LANG', None)
    demo = os.path.join(SRC, 'data/demo/pdti-2022-demo.csv')

    def dti(*args):
        return run(DTI, *args, env=env)

    dti('db', 'init', '--admin', 'admin')
    for u, role in (('owner', 'owner'), ('reviewer', 'reviewer')):
        dti('user', 'add', u, '--user', 'admin')
        dti('user', 'role', u, role, '--user', 'admin')
    for y in ('2021', '2022'):
        c = 'dti-' + y
        dti('cycle', 'create', c, '--year', y, '--framework', 'pdti-2022',
            '--user', 'owner')
        dti('cycle', 'open', c, '--user', 'owner')
        dti('submission', 'import', c, demo, '--data-cycle', y,
            '--and-submit', '--user', 'owner')
        dti('cycle', 'review', c, '--user', 'owner')
        dti('review', 'approve', c, '--all-submitted', '--user', 'reviewer')
        dti('cycle', 'close', c, '--user', 'owner')
        dti('publish', c, '--user', 'owner')

    rows = list(csv.DictReader(io.StringIO(
        dti('results', 'dti-2022', '--format', 'csv').decode())))
    check(len(rows) == 63, f'{len(rows)} rows in the results')
    stored = json.loads(dti('results', 'dti-2022'))
    os.makedirs(ART, exist_ok=True)

    for lang in ('vi', 'en'):
        pdf = os.path.join(tmp, f'report-{lang}.pdf')
        dti('report', '--cycle', 'dti-2022', '--lang', lang, '-o', pdf)
        with open(pdf, 'rb') as f:
            check(f.read(5) == b'%PDF-', f'{lang}: not a PDF')
        # the same document on standard output (a pipe)
        piped = dti('report', '--cycle', 'dti-2022', '--lang', lang)
        with open(pdf, 'rb') as f:
            check(piped == f.read(), f'{lang}: stdout differs from -o')
        info = run('pdfinfo', pdf).decode()
        npages = int(re.search(r'^Pages:\s+(\d+)', info, re.M).group(1))
        check('595.276 x 841.89' in info, f'{lang}: not A4: {info}')
        fonts = run('pdffonts', pdf).decode().splitlines()[2:]
        check(fonts and all(' yes yes ' in l for l in fonts),
              f'{lang}: a font not embedded: {fonts}')
        check(any('DejaVuSans' in l for l in fonts), f'{lang}: {fonts}')
        text = run('pdftotext', '-layout', pdf, '-').decode()
        pages = text.split('\f')
        if pages and not pages[-1].strip():
            pages.pop()
        check(len(pages) == npages, f'{lang}: {len(pages)} pages of text, '
              f'pdfinfo says {npages}')
        # 1 title, 2 contents, 2 ranking, 2 for each of the three pillars,
        # 1 map, 63 units
        check(npages == 1 + 2 + 2 + 3 * 2 + 1 + 63, f'{lang}: {npages} pages')

        # the title page: the hashes and the checkpoint of the snapshot
        first = pages[0]
        for key in ('data_hash', 'sha256', 'framework_sha256'):
            check(stored[key] in first, f'{lang}: {key} not on page 1')
        cp = stored['checkpoint']
        check(cp['head'] in first, f'{lang}: checkpoint head not on page 1')
        check(re.search(r'\b%d\b' % cp['seq'], first),
              f'{lang}: checkpoint number not on page 1')
        check(cp['signature'][:64] in first and cp['signature'][64:] in
              first, f'{lang}: signature not on page 1')
        check('dti-2022' in first and '2022' in first and '63' in first,
              f'{lang}: cycle, year or units missing from page 1')

        # footers
        for n, page in enumerate(pages[1:], start=2):
            foot = (f'Trang {n}/{npages}' if lang == 'vi'
                    else f'Page {n} of {npages}')
            check(foot in page, f'{lang}: page {n} lacks "{foot}"')
        check('Trang 1/' not in pages[0] and 'Page 1 of' not in pages[0],
              f'{lang}: a footer on the title page')

        # the contents: each unit's page number names its page
        toc = '\n'.join(p for p in pages[1:3])
        entries = re.findall(r'^\s*(\d+)\. (.+?)\s{2,}(\d+)\s*$', toc, re.M)
        check(len(entries) == 63, f'{lang}: {len(entries)} units in the '
              'contents')

        def num(v):
            return v.replace('.', ',') if lang == 'vi' else v

        ranking = '\n'.join(p for p in pages[3:5])
        by_name = {}
        for rank, name, page in entries:
            by_name[name] = int(page)
            first_line = pages[int(page) - 1].strip().splitlines()[0]
            check(first_line.strip() == name,
                  f'{lang}: contents: {name} on page {page}, which starts '
                  f'with {first_line!r}')
        for r in rows:
            name, rank, value = r['unit'], r['rank'], num(r['pdti'])
            line = re.compile(r'^\s*%s\s+%s\s+%s\s+%s\b' % (
                re.escape(rank), re.escape(name), re.escape(r['group']),
                re.escape(value)), re.M)
            check(line.search(ranking), f'{lang}: no ranking row '
                  f'"{rank} {name} {r["group"]} {value}"')
            check(name in by_name, f'{lang}: {name} not in the contents')
            if name not in by_name:
                continue
            page = pages[by_name[name] - 1]
            check(value in page, f'{lang}: {name}: value {value} not on '
                  'its page')
            check(f'{rank}/63' in page, f'{lang}: {name}: rank {rank}/63 '
                  'not on its page')
            check(f'{r["group_rank"]}/' in page,
                  f'{lang}: {name}: group rank not on its page')
        if lang == 'vi':
            check('0.' not in ranking, 'vi: a decimal point in the ranking')

        # the pillars' tables: two pages each, after the ranking, units by
        # their rank on the pillar with its value, their rank in their
        # group on it and the index
        units = stored['results']['units']
        for j, code in enumerate(('cqs', 'kts', 'xhs')):
            table = '\n'.join(pages[5 + 2 * j:7 + 2 * j])
            name = [n for n in stored['results']['nodes']
                    if n['code'] == code][0]['name_' + lang]
            check(table.lstrip().startswith(name),
                  f'{lang}: the table of {code} does not start with {name}')
            found = []
            for u in units:
                line = re.compile(r'^\s*%d\s+%s\s+%s\s+%s\s+%d\s+%s\s*$' % (
                    u['ranks'][code], re.escape(u['name']),
                    re.escape(u['group']),
                    re.escape(num('%.4f' % u['values'][code])),
                    u['group_ranks'][code],
                    re.escape(num('%.4f' % u['values']['pdti']))), re.M)
                m = line.search(table)
                check(m, f'{lang}: {code}: no row for {u["name"]} '
                      f'(rank {u["ranks"][code]})')
                if m:
                    found.append((m.start(), u['ranks'][code]))
            check([r for _, r in sorted(found)] ==
                  sorted(r for _, r in found),
                  f'{lang}: {code}: rows not in the order of the ranks')

        prefix = os.path.join(ART, f'report-dti-2022-{lang}')
        run('pdftoppm', '-png', '-r', '50', '-f', '1', '-l', '3', pdf, prefix)
        shutil.copy(pdf, prefix + '.pdf')
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print(f'{len(failures)} failures')
    sys.exit(1)
print('report: every unit, value, rank, hash and page number found')
