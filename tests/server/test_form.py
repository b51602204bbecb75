"""
tests/server/test_form.py - the Excel form of a submission on the pages and
through the API: downloaded, filled in by a second program (openpyxl), and
sent back.

Cycle dti-2023 (pdti-2022) is open.  The editor of unit 48 finds the form's
link and upload on the submission's page; the form (GET .../form.xlsx) is
the unit's own (# framework, # cycle, its id on every row); filled with Đà
Nẵng's published 2022 figures and an evidence text, the upload (POST
.../form, multipart with the page's token) stores every figure and the
evidence, and says so; sent again, it adds no second evidence.  A form of
another unit, a file that is not data, an upload without the token and a
viewer's upload are refused and change nothing.  The owner's import of the
same workbook through the API (POST /api/v1/cycles/{c}/import with the
workbook's media type) counts its units, figures and evidence.

    python3 test_form.py DTI
"""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish, UNIT_A  # noqa: E402
from pagetools import page, sign_in  # noqa: E402

import openpyxl  # noqa: E402

dti = os.path.abspath(sys.argv[1])
SRC = os.environ.get('DTI_SRCDIR',
                     os.path.join(os.path.dirname(__file__), '..', '..'))
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
SETUP = """
{
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \\
  --submit-deadline 2099-12-31 --user owner
dti cycle open dti-2023 --user owner
} >/dev/null
"""
SUB = f'/work/cycles/dti-2023/units/{UNIT_A}'
API_SUB = f'/api/v1/cycles/dti-2023/submissions/{UNIT_A}'
BND = 'dtiFormBoundary3'


def multipart(fields, name, data, ctype=XLSX):
    body = b''
    for k, v in fields.items():
        body += (f'--{BND}\r\nContent-Disposition: form-data; '
                 f'name="{k}"\r\n\r\n').encode() + v.encode() + b'\r\n'
    body += (f'--{BND}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="{name}"\r\nContent-Type: {ctype}\r\n\r\n'
             ).encode() + data + b'\r\n' + f'--{BND}--\r\n'.encode()
    return body


def upload(c, fields, name, data, ctype=XLSX):
    return c.request('POST', SUB + '/form',
                     raw=multipart(fields, name, data, ctype),
                     content_type='multipart/form-data; boundary=' + BND)


def fill(data, figures, evidence):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    head = [r for r in range(1, ws.max_row + 1)
            if ws.cell(r, 1).value == 'Mã đơn vị'][0]
    for r in range(head + 1, ws.max_row + 1):
        code = ws.cell(r, 3).value
        if code in figures:
            ws.cell(r, 11).value = figures[code]
        if code in evidence:
            ws.cell(r, 12).value = evidence[code]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


with open(os.path.join(SRC, 'data/published/dti-2022-top5.csv'),
          encoding='utf-8') as f:
    DN = next(r for r in csv.DictReader(f) if r['province'] == 'TP. Đà Nẵng')
MAIN = ['awareness', 'institutions', 'infrastructure', 'human_resources',
        'cybersecurity', 'gov_activity', 'econ_activity', 'soc_activity']
FIGS = {k: float(DN[k]) for k in MAIN}
EVID = {'cybersecurity': 'Báo cáo 15/BC-STTTT ngày 12/01/2024'}

store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        ed = sign_in(srv, 'editor_a')
        r, f = page(ed, SUB)
        body = r.body.decode()
        check(SUB + '/form.xlsx' in body, 'no link to the form')
        check(SUB + '/form' in f.forms, 'no upload of the form')
        token = f.forms.get(SUB + '/form', {}).get('csrf', '')

        # the form: the unit's own
        r = ed.get(SUB + '/form.xlsx')
        check(r.status == 200 and r.header('Content-Type') == XLSX,
              f'form: {r}')
        check('attachment' in (r.header('Content-Disposition') or ''),
              'the form is not an attachment')
        wb = openpyxl.load_workbook(io.BytesIO(r.body))
        ws = wb.worksheets[0]
        check(ws.cell(1, 1).value == '# framework: pdti-2022' and
              ws.cell(2, 1).value == '# cycle: dti-2023',
              f'form head: {ws.cell(1, 1).value!r} {ws.cell(2, 1).value!r}')
        ids = {ws.cell(r2, 1).value for r2 in range(6, ws.max_row + 1)}
        check(ids == {UNIT_A}, f'units of the form: {ids}')
        form = r.body
        en = ed.get('/en' + SUB + '/form.xlsx')
        check(en.status == 200 and openpyxl.load_workbook(
              io.BytesIO(en.body)).sheetnames[0] == 'Data',
              'the English page gives no English form')

        # refusals change nothing
        v0 = ed.get(API_SUB).json()['version']
        filled = fill(form, FIGS, EVID)
        r = upload(ed, {}, 'dn.xlsx', filled)
        check(r.status == 403, f'upload without the token: {r}')
        r = upload(ed, {'csrf': token}, 'notes.txt', b'hello\n',
                   'text/plain')
        check(r.status in (400, 422) and 'notes.txt' in r.body.decode(),
              f'a text file: {r}')
        with tempfile.TemporaryDirectory() as tmp:
            other = os.path.join(tmp, 'hn.xlsx')
            subprocess.run([dti, 'template', '-f', 'pdti-2022', '--unit',
                            '01', '--cycle', 'dti-2023', '-o', other],
                           check=True, cwd=SRC)
            with open(other, 'rb') as fh:
                hn = fill(fh.read(), FIGS, {})
        r = upload(ed, {'csrf': token}, 'hn.xlsx', hn)
        check(r.status in (400, 403, 422) and 'Hà Nội' in r.body.decode(),
              f'a form of Hà Nội on the page of 48: {r}')
        viewer = sign_in(srv, 'viewer')
        _, vf = page(viewer, '/work')
        r = upload(viewer, {'csrf': vf.inputs.get('csrf', '')}, 'dn.xlsx',
                   filled)
        check(r.status in (403, 404), f'a viewer\'s upload: {r}')
        check(ed.get(API_SUB).json()['version'] == v0,
              'a refused upload changed the submission')

        # the filled form, taken as it is
        r = upload(ed, {'csrf': token}, 'dn.xlsx', filled)
        check(r.status == 303 and
              r.header('Location') == SUB + '?done=form_imported',
              f'upload of the filled form: {r}')
        sub = ed.get(API_SUB).json()
        got = {x['indicator']: x['value'] for x in sub['figures']
               if x.get('value') is not None}
        check(all(abs(got.get(k, -1) - v) < 1e-12 for k, v in FIGS.items()),
              f'figures after the upload: {got}')
        ev = [e for e in sub['evidence'] if e['indicator'] == 'cybersecurity']
        check(len(ev) == 1 and ev[0]['title'] == EVID['cybersecurity'],
              f'evidence after the upload: {sub["evidence"]}')
        _, f = page(ed, SUB + '?done=form_imported')
        check(any('biểu mẫu' in a.lower() for a in f.alerts) or
              'Đã nhận biểu mẫu' in ed.get(
                  SUB + '?done=form_imported').body.decode(),
              'the page does not say the form was received')
        # sent again: the same figures, no second evidence
        r = upload(ed, {'csrf': token}, 'dn.xlsx', filled)
        check(r.status == 303, f'the same form again: {r}')
        sub2 = ed.get(API_SUB).json()
        check(len([e for e in sub2['evidence']
                   if e['indicator'] == 'cybersecurity']) == 1,
              'the evidence was added twice')

        # the API takes the workbook as it takes CSV
        owner = srv.client('owner', token=True)
        r = owner.request('POST', '/api/v1/cycles/dti-2023/import',
                          raw=filled, content_type=XLSX)
        check(r.status == 200 and r.json() == {
              'cycle': 'dti-2023', 'units': 1, 'figures': len(FIGS),
              'evidence': 0}, f'API import of the workbook: {r}')
        r = owner.request('POST', '/api/v1/cycles/dti-2023/import',
                          raw=b'PK\x03\x04broken', content_type=XLSX)
        check(r.status in (400, 422), f'a broken workbook: {r}')
finally:
    store.remove()
finish('server-form')
