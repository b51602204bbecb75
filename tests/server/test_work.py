"""
tests/server/test_work.py - a year's work through the signed-in pages
(src/server/work.c), as a browser without scripts does it: plain HTML
forms, a session cookie, the CSRF token from the page, 303 redirects.

An editor signs in, enters figures (with a decimal comma) and submits; the
owner starts the review; the reviewer returns the submission with a
comment; the editor sees the comment, corrects and resubmits; the reviewer
adjusts one value with a reason and approves; the owner closes and, after a
preview of the ranking, publishes; the public ranking then shows the
unit's value as `dti rank --cycle` computes it.  Refusals change nothing
and are said on the page: a form without the CSRF token (403), a stale
version (412), a figure that is not a number, another unit's editor.

    python3 test_work.py DTI
"""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402
from pagetools import Form, form_post, sign_in, page  # noqa: E402

dti = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SUB = '/work/cycles/dti-2023/units/48'

SETUP = f"""
demo={SRC}/data/demo/pdti-2022-demo.csv
{{
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \\
  --submit-deadline 2099-12-31 --user owner
dti cycle open dti-2023 --user owner
}} >/dev/null
"""


def act(c, path, action, extra=None, status=303, page_path=SUB):
    """Posts the form of `action` found on page_path, with extra fields."""
    _, f = page(c, page_path)
    form = f.forms.get(action)
    if not check(form is not None, f'no form {action} on {page_path}: '
                 f'{list(f.forms)}'):
        return None
    fields = dict(form)
    fields.update(extra or {})
    r = form_post(c, action, fields)
    check(r.status == status, f'{action}: {r}')
    return r


def state(store):
    out = store.cli('cycle status dti-2023 --json')
    return out


def figure(store, ind):
    import json
    v = json.loads(store.cli('submission show dti-2023 48 --json '
                             '--user owner'))
    for fg in v['figures']:
        if fg['indicator'] == ind:
            return fg
    return None


def events(store):
    return int(store.shell('DTI_USER=admin dti audit log --json | '
                           'grep -c \'"seq"\''))


store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        anon = srv.client()
        # -- signing in ----------------------------------------------------
        r = anon.get('/work')
        check(r.status == 303 and r.header('Location') == '/login',
              f'anonymous /work: {r}')
        r = anon.get('/en/work')
        check(r.header('Location') == '/en/login', f'/en/work: {r}')
        r, f = page(anon, '/login')
        check('/login' in f.forms, 'no sign-in form')
        r = form_post(anon, '/login', {'user': 'editor_a',
                                       'password': 'wrong'})
        f = Form(r.body.decode())
        check(r.status == 401 and f.alerts and
              not r.header('Set-Cookie'), f'wrong password: {r}')
        ed = sign_in(srv, 'editor_a')

        # -- the editor's form -----------------------------------------------
        r, f = page(ed, '/work')
        check(b'/work/cycles/dti-2023' in r.body, 'work lists dti-2023')
        r, f = page(ed, SUB)
        save = SUB + '/save'
        check(save in f.forms and 'v_awareness' in f.forms[save] and
              f.forms[save].get('csrf'), f'no figures form: {f.forms}')
        before = events(store)
        # without the CSRF token: refused, nothing changes
        fields = dict(f.forms[save])
        fields.pop('csrf')
        fields['v_awareness'] = '0,8'
        r = form_post(ed, save, fields)
        check(r.status == 403, f'save without csrf: {r}')
        check(events(store) == before, 'a refused save changed the store')
        # a figure that is not a number: said on the page, nothing changes
        r = act(ed, save, save, {'v_awareness': 'nhiều'}, status=400)
        check(r is not None and Form(r.body.decode()).alerts,
              'a bad figure is not said on the page')
        check(events(store) == before, 'a bad figure changed the store')
        # figures with a decimal comma, and a percentage
        vals = {'v_awareness': '0,8', 'v_institutions': '0,75',
                'v_infrastructure': '70%', 'v_human_resources': '0,6',
                'v_cybersecurity': '0,5', 'v_gov_activity': '0,65',
                'v_econ_activity': '0,55', 'v_soc_activity': '0,45',
                'v_smart_city': '0,3'}
        r = act(ed, save, save, vals)
        check(r is not None and
              r.header('Location') == SUB + '?done=saved', f'save: {r}')
        fg = figure(store, 'awareness')
        check(fg and fg['value'] == 0.8, f'awareness stored as {fg}')
        fg = figure(store, 'infrastructure')
        check(fg and abs(fg['value'] - 0.7) < 1e-12,
              f'70 % stored as {fg}')
        r, f = page(ed, SUB + '?done=saved')
        check(f.inputs.get('v_awareness') == '0,8',
              f'the form shows {f.inputs.get("v_awareness")}')
        # a stale version: 412, said on the page
        stale = dict(f.forms[save])
        stale['version'] = '1'
        stale['v_awareness'] = '0,9'
        r = form_post(ed, save, stale)
        f = Form(r.body.decode())
        check(r.status == 412 and f.alerts, f'stale save: {r}')
        check(figure(store, 'awareness')['value'] == 0.8,
              'a stale save changed the figure')
        # another unit's editor may not touch unit 48
        other = sign_in(srv, 'editor_b')
        r = form_post(other, save, {'csrf': re.search(
            r'name="csrf" value="([^"]+)"',
            other.get('/work').body.decode()).group(1),
            'v_awareness': '0,1'})
        check(r.status in (403, 404), f'editor of 01 saving 48: {r}')
        check(figure(store, 'awareness')['value'] == 0.8,
              'another unit\'s editor changed the figure')
        # evidence: a file uploaded with the page's form (multipart, the
        # token one of its parts); without the token it is refused
        _, f = page(ed, SUB)
        ev = SUB + '/evidence'
        check(ev in f.forms, 'no evidence form')
        pdf = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\r\n--\r\n\x00\xff\n%%EOF\n'
        bnd = 'dtiPageBoundary7'

        def multipart(fields, file):
            body = b''
            for k, v in fields.items():
                body += (f'--{bnd}\r\nContent-Disposition: form-data; '
                         f'name="{k}"\r\n\r\n').encode() + \
                    v.encode() + b'\r\n'
            body += (f'--{bnd}\r\nContent-Disposition: form-data; '
                     f'name="file"; filename="Kế hoạch.pdf"\r\n'
                     f'Content-Type: application/pdf\r\n\r\n').encode() + \
                file + b'\r\n' + f'--{bnd}--\r\n'.encode()
            return body
        fields = {'csrf': f.forms[ev]['csrf'], 'indicator': 'infrastructure',
                  'doc_number': '12/KH-UBND', 'title': 'Kế hoạch hạ tầng'}
        n_before = events(store)
        r = ed.request('POST', ev, raw=multipart(
            {k: v for k, v in fields.items() if k != 'csrf'}, pdf),
            content_type='multipart/form-data; boundary=' + bnd)
        check(r.status == 403 and events(store) == n_before,
              f'upload without the token: {r}')
        r = ed.request('POST', ev, raw=multipart(fields, pdf),
                       content_type='multipart/form-data; boundary=' + bnd)
        check(r.status == 303 and
              r.header('Location') == SUB + '?done=uploaded',
              f'upload: {r}')
        r, f = page(ed, SUB)
        m = re.search(r'href="(/api/v1/evidence/\d+)">Kế hoạch\.pdf<',
                      r.body.decode())
        if check(m, 'the uploaded file is not listed'):
            got = ed.get(m.group(1))
            check(got.status == 200 and got.body == pdf,
                  f'the file back: {got}')
        # submit
        act(ed, SUB + '/submit', SUB + '/submit')

        # -- Hà Nội submits too; the owner starts the review (the other
        # units excluded) --------------------------------------------------
        store.shell("""
dti submission edit dti-2023 01 awareness=0,9 institutions=0,8 \\
  infrastructure=0,8 human_resources=0,7 cybersecurity=0,6 \\
  gov_activity=0,8 econ_activity=0,7 soc_activity=0,5 smart_city=0,4 \\
  --user editor_b >/dev/null
dti submission submit dti-2023 01 --user editor_b >/dev/null
dti cycle status dti-2023 | awk 'NF > 4 && $(NF-3) == "draft" {print $1}' |
  while read -r u; do
    dti submission exclude dti-2023 "$u" --reason 'not in this test' \\
      --user owner
  done >/dev/null
""")
        owner = sign_in(srv, 'owner')
        # a new cycle, its deadlines; a framework with faults, then a good
        # one (a file sent with the page's upload form)
        r = act(owner, '/work/cycles', '/work/cycles',
                {'label': 'dti-2024', 'year': '2024',
                 'framework': 'pdti-2022@2022'}, page_path='/work')
        check(r is not None and
              r.header('Location') == '/work/cycles/dti-2024', f'{r}')
        r = act(owner, '/work/cycles/dti-2024/deadlines',
                '/work/cycles/dti-2024/deadlines',
                {'submit_deadline': '2099-06-30'},
                page_path='/work/cycles/dti-2024')
        check('2099-06-30' in store.cli('cycle status dti-2024'),
              'the deadline was not set')
        r = act(owner, '/work/cycles', '/work/cycles',
                {'label': 'dti-2024', 'year': '2024',
                 'framework': 'pdti-2022@2022'}, status=409,
                page_path='/work')
        _, f = page(owner, '/work')
        up = f.forms['/work/frameworks']

        def upload_fw(text):
            b = 'fwBoundary42'
            body = (f'--{b}\r\nContent-Disposition: form-data; '
                    f'name="csrf"\r\n\r\n{up["csrf"]}\r\n'
                    f'--{b}\r\nContent-Disposition: form-data; '
                    f'name="file"; filename="mine.csv"\r\n\r\n').encode() \
                + text + f'\r\n--{b}--\r\n'.encode()
            return owner.request('POST', '/work/frameworks', raw=body,
                                 content_type='multipart/form-data; '
                                 'boundary=' + b)
        bad = (b'# id: mine\n# version: 1\ncode,parent,kind,name_vi,'
               b'weight,rule\nidx,,index,Chi so,,\na,idx,indicator,A,1,'
               b'nonsense\n')
        r = upload_fw(bad)
        f = Form(r.body.decode())
        check(r.status in (400, 422) and f.alerts and
              'mine.csv' in f.alerts[0], f'a bad framework: {r}')
        good = open(os.path.join(
            SRC, 'frameworks', 'example-province-internal.csv'), 'rb').read()
        r = upload_fw(good)
        check(r.status == 303 and 'done=framework' in
              (r.header('Location') or ''), f'a good framework: {r}')
        check('example-province-internal' in store.cli('framework list'),
              'the framework was not stored')
        act(owner, '/work/cycles/dti-2023/move', '/work/cycles/dti-2023/move',
            page_path='/work/cycles/dti-2023')

        # -- the reviewer returns it with a comment ----------------------------
        rev = sign_in(srv, 'reviewer')
        act(rev, SUB + '/return', SUB + '/return',
            {'comment': 'Thiếu minh chứng cho hạ tầng số <b>'})
        r, f = page(ed, SUB)
        body = r.body.decode()
        check('Thiếu minh chứng cho hạ tầng số &lt;b&gt;' in body,
              'the editor does not see the escaped comment')
        # the editor corrects and resubmits, the cycle still in review
        check(SUB + '/save' in f.forms, 'a returned submission has no form')
        act(ed, save, save, {'v_infrastructure': '72%'})
        act(ed, SUB + '/submit', SUB + '/submit')

        # -- adjust with a reason, approve ------------------------------------
        act(rev, SUB + '/adjust', SUB + '/adjust',
            {'indicator': 'awareness', 'value': '0,7',
             'reason': 'Theo kết quả khảo sát'})
        fg = figure(store, 'awareness')
        check(fg and fg['reviewed_value'] == 0.7 and
              fg['review_reason'] == 'Theo kết quả khảo sát',
              f'adjusted as {fg}')
        act(rev, SUB + '/approve', SUB + '/approve')
        # the queue of what is submitted, and every one of it approved at
        # once: here Hà Nội, the one left
        cyc = '/work/cycles/dti-2023'
        r, f = page(rev, cyc + '?state=submitted')
        body = r.body.decode()
        check('Hà Nội' in body and 'Đà Nẵng' not in body.split('<tbody>')[1],
              'the queue of submitted ones')
        check(cyc + '/approve-all' in f.forms, 'no approve-all form')
        r = act(rev, cyc + '/approve-all', cyc + '/approve-all',
                page_path=cyc + '?state=submitted')
        check(r is not None and
              r.header('Location') == cyc + '?done=approved', f'{r}')
        check('"approved":2' in store.cli('cycle status dti-2023 --json')
              .replace(' ', ''), 'both approved')

        # -- the owner closes, sees the preview, publishes ------------------
        act(owner, '/work/cycles/dti-2023/move', '/work/cycles/dti-2023/move',
            page_path='/work/cycles/dti-2023')
        r, f = page(owner, '/work/cycles/dti-2023')
        check('Đà Nẵng' in r.body.decode() and
              '/work/cycles/dti-2023/publish' in f.forms,
              'no preview or publish form')
        r = act(owner, '/work/cycles/dti-2023/publish',
                '/work/cycles/dti-2023/publish',
                page_path='/work/cycles/dti-2023')
        check(r is not None and r.header('Location') == '/cycles/dti-2023',
              f'publish: {r}')

        # -- the public ranking shows what `dti rank --cycle` says ----------
        out = store.cli('rank --cycle dti-2023 --format csv')
        row = [ln for ln in out.splitlines() if ',48,' in ln][0].split(',')
        value = row[-1] if re.match(r'^0\.\d+$', row[-1]) else \
            [x for x in row if re.match(r'^0\.\d{4}$', x)][0]
        r = anon.get('/cycles/dti-2023')
        check(r.status == 200 and
              value.replace('.', ',') in r.body.decode(),
              f'the public ranking lacks 48\'s value {value}')

        # -- the audit log and its verification ------------------------------
        r, f = page(owner, '/work/audit?verify=1')
        body = r.body.decode()
        check('role="status"' in body and 'toàn vẹn' in body and
              'review.approve' in body, 'the audit page of the owner')
        r, f = page(owner, '/work/audit?unit=48&cycle=dti-2023')
        check('submission dti-2023/48' in r.body.decode() and
              'dti-2023/01' not in r.body.decode(), 'the audit filter')
        r = ed.get('/work/audit')
        check(r.status in (200, 403), f'the editor\'s audit page: {r}')

        # -- sign out -------------------------------------------------------
        r, f = page(ed, '/work')
        r = form_post(ed, '/logout', f.forms['/logout'])
        check(r.status == 303, f'sign out: {r}')
        r = ed.get('/work')
        check(r.status == 303, f'/work after signing out: {r}')
    out = store.cli('audit verify')
    check('intact' in out, f'audit verify: {out}')
finally:
    store.remove()
finish('server-work')
