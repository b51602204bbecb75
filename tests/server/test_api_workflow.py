"""
tests/server/test_api_workflow.py - a DTI 2022 year over the HTTP API:
units and frameworks, a cycle created and opened by the owner, Đà Nẵng's
published 2022 figures entered by its editor, the other published
provinces imported from a CSV body, submission, review (adjust, return,
approve), with the refusals along the way: stale If-Match (412, nothing
changed), another unit's editor (403), strict bodies (400 naming the
field), rules (422), states (409).  The audit chain verifies at the end.

    python3 test_api_workflow.py DTI
"""
import datetime
import json
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, Store, Server, check, finish  # noqa: E402

dti = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PUBLISHED = os.path.join(SRC, 'data', 'published', 'dti-2022-top5.csv')
INDS = ['awareness', 'institutions', 'infrastructure', 'human_resources',
        'cybersecurity', 'gov_activity', 'econ_activity', 'soc_activity']


def published_rows():
    """The published DTI 2022 rows: province -> {indicator: text}."""
    rows = {}
    with open(PUBLISHED, encoding='utf-8') as f:
        head = f.readline().strip().split(',')
        for line in f:
            cells = dict(zip(head, line.strip().split(',')))
            rows[cells['province']] = {i: cells[i] for i in INDS}
    return rows


def client(srv, user):
    """Signed in with the password; with a token while the server has no
    session endpoint yet."""
    c = Client(srv)
    r = c.login(user)
    if r.status == 404:
        return srv.client(user, token=True)
    check(r.status == 200, r)
    return c


def problem(r, status, code, field=None):
    """r is a problem document of that status and code (and field)."""
    ok = (r.status == status and
          r.header('Content-Type') == 'application/problem+json')
    if ok:
        p = r.json()
        ok = p.get('status') == status and p.get('code') == code
        ok = ok and isinstance(p.get('detail'), str) and p['detail']
        if field is not None:
            ok = ok and p.get('field') == field
    return check(ok, f'expected {status} {code} {field or ""}: {r}')


def as_admin(store, args):
    """Runs dti as the admin (DTI_USER: --user of 'audit log' filters)."""
    p = subprocess.run([store.dti] + args, cwd=store.dir,
                       env=dict(store.env, DTI_USER='admin'),
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f'dti {args}: exit {p.returncode}: {p.stderr}')
    return p.stdout


def audit_events(store):
    out = as_admin(store, ['audit', 'log', '--json'])
    return [line for line in out.splitlines() if line.strip()]


def q(s):
    return urllib.parse.quote(s, safe='')


store = Store(dti)
try:
    with Server(store) as srv:
        owner = client(srv, 'owner')
        reviewer = client(srv, 'reviewer')
        viewer = client(srv, 'viewer')
        ed_a = client(srv, 'editor_a')
        ed_b = client(srv, 'editor_b')
        anon = srv.client()
        pub = published_rows()
        dn = pub['TP. Đà Nẵng']

        # ---- units and frameworks -------------------------------------
        problem(anon.get('/api/v1/units'), 401, 'unauthenticated')
        r = viewer.get('/api/v1/units?date=2022-12-31')
        check(r.status == 200 and len(r.json()['units']) == 63, r)
        names = [u['name_vi'] for u in r.json()['units']]
        check(names[0] == 'An Giang' and 'Đà Nẵng' in names, names[:3])
        r = viewer.get('/api/v1/units?date=2025-07-01')
        check(r.status == 200 and len(r.json()['units']) == 34, r)
        r = viewer.get('/api/v1/units?date=2022-12-31&group=DBSH')
        check(r.status == 200 and
              all(u['group'] == 'DBSH' for u in r.json()['units']) and
              len(r.json()['units']) == 11, r)
        problem(viewer.get('/api/v1/units?date=2022-02-30'), 400,
                'bad_argument', 'date')
        problem(viewer.get('/api/v1/units?level=province'), 400,
                'unknown_parameter', 'level')
        # a name is read on the day given: the city before the merger
        r = ed_a.get('/api/v1/units/' + q('TP. Đà Nẵng') +
                     '?date=2022-12-31')
        check(r.status == 200 and r.json()['unit']['id'] == '48' and
              r.json()['unit']['successors'] == ['48-2025'] and
              r.json()['unit']['population'] is None, r)
        r = ed_a.get('/api/v1/units/' + q('da nang') + '?date=2025-07-01')
        check(r.status == 200 and r.json()['unit']['id'] == '48-2025' and
              '48' in r.json()['unit']['predecessors'], r)
        problem(ed_a.get('/api/v1/units/Atlantis'), 404, 'not_found')

        r = viewer.get('/api/v1/frameworks')
        fws = {f['id']: f for f in r.json()['frameworks']}
        check(r.status == 200 and 'pdti-2022' in fws and
              fws['pdti-2022']['cycles'] == 0, r)
        r = viewer.get('/api/v1/frameworks/pdti-2022')
        check(r.status == 200, r)
        fw = r.json()
        nodes = {n['code']: n for n in fw['nodes']}
        check(fw['sha256'] == fws['pdti-2022']['sha256'] and
              fw['root'] == 'pdti' and fw['scoring'] == 'points' and
              nodes['awareness']['points'] == 100 and
              nodes['awareness']['rule'] == 'value' and
              nodes['pdti']['method'] == 'arith' and
              sorted(nodes['foundation']['parents']) ==
              ['cqs', 'kts', 'pdti', 'xhs'] and
              nodes['smart_city']['points'] == 0, fw.get('root'))
        etag = r.header('ETag')
        r = viewer.get('/api/v1/frameworks/' + fw['sha256'][:12],
                       headers={'If-None-Match': etag})
        check(r.status == 304, r)
        problem(viewer.get('/api/v1/frameworks/nope-1999'), 404,
                'not_found')
        with open(os.path.join(SRC, 'frameworks', 'pdti-2022.csv'),
                  encoding='utf-8') as f:
            fw_text = f.read()
        # a new version of the framework, stored by the owner only
        fw2 = fw_text.replace('# version: 2022\n', '# version: 2022.1\n')
        check(fw2 != fw_text, 'no version line in pdti-2022.csv')
        problem(ed_a.post('/api/v1/frameworks',
                          {'name': 'pdti-2022.1.csv', 'text': fw2}),
                403, 'forbidden')
        problem(owner.post('/api/v1/frameworks',
                           {'name': 'x.csv', 'text': 'not a framework'}),
                422, 'invalid')
        r = owner.post('/api/v1/frameworks',
                       {'name': 'pdti-2022.1.csv', 'text': fw2})
        check(r.status == 201 and r.json()['id'] == 'pdti-2022' and
              r.json()['version'] == '2022.1' and
              r.header('Location') == '/api/v1/frameworks/' +
              r.json()['sha256'], r)
        r = viewer.get('/api/v1/frameworks/pdti-2022@2022.1')
        check(r.status == 200 and r.json()['version'] == '2022.1', r)
        units_csv = ('id,code,name_vi,name_ascii,aliases,group,valid_from,'
                     'valid_to,successors,population\n'
                     'bo-tttt,BTTTT,Bộ Thông tin và Truyền thông,'
                     'Bo Thong tin va Truyen thong,,,,,,\n')
        problem(ed_a.post('/api/v1/units', {'level': 'ministry',
                                            'csv': units_csv}),
                403, 'forbidden')
        r = owner.post('/api/v1/units', {'level': 'ministry',
                                         'csv': units_csv})
        check(r.status == 200 and r.json()['added'] == 1, r)

        # ---- the cycle ------------------------------------------------
        new = {'label': 'dti-2022', 'year': 2022,
               'framework': 'pdti-2022@2022',
               'submit_deadline': '2023-03-31',
               'review_deadline': '2023-05-31',
               'title': 'DTI cấp tỉnh 2022'}
        problem(ed_a.post('/api/v1/cycles', new), 403, 'forbidden')
        problem(owner.post('/api/v1/cycles', dict(new, labl='x')), 400,
                'unknown_field', 'labl')
        problem(owner.post('/api/v1/cycles', dict(new, year='2022')), 400,
                'bad_type', 'year')
        problem(owner.post('/api/v1/cycles',
                           dict(new, submit_deadline='2023-02-29')),
                400, 'bad_argument', 'submit_deadline')
        # two versions stored now: the bare id no longer names one
        problem(owner.post('/api/v1/cycles', dict(new, framework='pdti-2022')),
                422, 'ambiguous', 'framework')
        problem(owner.post('/api/v1/cycles', raw=json.dumps(new),
                           content_type='text/plain'),
                415, 'unsupported_media_type')
        r = owner.post('/api/v1/cycles', new)
        check(r.status == 201 and r.header('ETag') == '"v1"' and
              r.header('Location') == '/api/v1/cycles/dti-2022', r)
        c = r.json()
        check(c['state'] == 'draft' and c['level'] == 'province' and
              c['ref_date'] == '2022-12-31' and
              c['submit_deadline'] == '2023-03-31' and
              c['framework']['id'] == 'pdti-2022' and c['units'] == [], c)
        problem(owner.post('/api/v1/cycles', new), 409, 'exists')
        r = viewer.get('/api/v1/cycles')
        check(r.status == 200 and
              [x['label'] for x in r.json()['cycles']] == ['dti-2022'], r)

        # a stale If-Match is refused, and the cycle stays as it was
        problem(owner.post('/api/v1/cycles/dti-2022/transition',
                           {'to': 'open'}, headers={'If-Match': '"v7"'}),
                412, 'conflict')
        # "v0" is no version (they start at 1), not "any version"
        problem(owner.post('/api/v1/cycles/dti-2022/transition',
                           {'to': 'open'}, headers={'If-Match': '"v0"'}),
                412, 'conflict')
        problem(owner.post('/api/v1/cycles/dti-2022/transition',
                           {'to': 'open'}, headers={'If-Match': 'v1'}),
                400, 'bad_header', 'If-Match')
        problem(owner.post('/api/v1/cycles/dti-2022/transition',
                           {'to': 'published'}), 400, 'bad_argument', 'to')
        problem(ed_a.post('/api/v1/cycles/dti-2022/transition',
                          {'to': 'open'}), 403, 'forbidden')
        problem(owner.post('/api/v1/cycles/dti-2022/transition',
                           {'to': 'closed'}), 409, 'wrong_state')
        r = owner.get('/api/v1/cycles/dti-2022')
        check(r.json()['state'] == 'draft' and r.header('ETag') == '"v1"',
              r)
        r = owner.post('/api/v1/cycles/dti-2022/transition', {'to': 'open'},
                       headers={'If-Match': '"v1"'})
        check(r.status == 200 and r.json()['state'] == 'open' and
              r.json()['submissions']['draft'] == 63 and
              len(r.json()['units']) == 63, r)
        cyc_etag = r.header('ETag')
        check(cyc_etag == '"v%d"' % r.json()['version'], cyc_etag)
        r = viewer.get('/api/v1/cycles/dti-2022',
                       headers={'If-None-Match': cyc_etag})
        check(r.status == 304, r)
        problem(viewer.get('/api/v1/cycles/dti-1999'), 404, 'not_found')

        # ---- Đà Nẵng's figures -----------------------------------------
        sub = '/api/v1/cycles/dti-2022/submissions/' + q('Đà Nẵng')
        figures = [{'indicator': i, 'value': float(dn[i])}
                   for i in INDS if i not in ('awareness', 'institutions')]
        # typed as a province types them: a decimal comma
        figures.append({'indicator': 'awareness',
                        'value_text': dn['awareness'].replace('.', ','),
                        'self_points': 100,
                        'comment': 'Kế hoạch 123/KH-UBND'})
        figures.append({'indicator': 'institutions',
                        'value_text': dn['institutions'].replace('.', ',')})
        # the deadline of 2023 has passed on the server's clock
        problem(ed_a.patch(sub, {'figures': figures}), 409, 'wrong_state',
                'deadline')
        today = datetime.datetime.now(datetime.timezone.utc).date()
        later = (today + datetime.timedelta(days=30)).isoformat()
        much_later = (today + datetime.timedelta(days=60)).isoformat()
        problem(ed_a.put('/api/v1/cycles/dti-2022/deadlines',
                         {'submit_deadline': later}), 403, 'forbidden')
        problem(owner.put('/api/v1/cycles/dti-2022/deadlines',
                          {'submit_deadline': later},
                          headers={'If-Match': '"v1"'}), 412, 'conflict')
        problem(owner.put('/api/v1/cycles/dti-2022/deadlines', {}), 400,
                'missing_field')
        r = owner.put('/api/v1/cycles/dti-2022/deadlines',
                      {'submit_deadline': later,
                       'review_deadline': much_later},
                      headers={'If-Match': cyc_etag})
        check(r.status == 200 and r.json()['submit_deadline'] == later and
              r.json()['review_deadline'] == much_later, r)

        r = ed_a.get(sub)
        check(r.status == 200 and r.json()['unit'] == '48' and
              r.json()['state'] == 'draft' and r.json()['figures'] == [], r)
        v1 = r.header('ETag')
        problem(ed_b.get(sub), 403, 'forbidden')
        problem(ed_b.patch(sub, {'figures': figures}), 403, 'forbidden')
        problem(viewer.patch(sub, {'figures': figures}), 403, 'forbidden')
        problem(ed_a.patch(sub, raw=json.dumps({'figures': figures}),
                           content_type='text/plain'),
                415, 'unsupported_media_type')
        bad = figures[:3] + [{'indicator': 'awareness', 'valeu': 1}]
        problem(ed_a.patch(sub, {'figures': bad}), 400, 'unknown_field',
                'figures[3].valeu')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value': '1'}]}),
                400, 'bad_type', 'figures[0].value')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value': None}]}),
                400, 'bad_type', 'figures[0].value')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness'}]}),
                400, 'bad_argument', 'figures[0]')
        problem(ed_a.patch(sub, {'figures': [{'value': 1}]}), 400,
                'missing_field', 'figures[0].indicator')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value': 1,
                                              'value_text': '1'}]}),
                400, 'bad_argument', 'figures[0].value_text')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'clear': True,
                                              'value': 1}]}),
                400, 'bad_argument', 'figures[0].clear')
        problem(ed_a.patch(sub, {'figures': []}), 400, 'bad_argument',
                'figures')
        problem(ed_a.patch(sub, {'figures': {'awareness': 1}}), 400,
                'bad_type', 'figures')
        many = [{'indicator': 'awareness', 'value': 1}] * 10001
        problem(ed_a.patch(sub, {'figures': many}), 413, 'too_large',
                'figures')
        # rules are the library's: out of range, unknown indicator
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value': 1.5}]}),
                422, 'invalid')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value_text': 'nhiều'}]}),
                400, 'syntax')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'nonsense',
                                              'value': 0.5}]}),
                404, 'not_found')
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'self_points': 101}]}),
                422, 'invalid')
        r = ed_a.get(sub)
        check(r.header('ETag') == v1 and r.json()['figures'] == [], r)

        r = ed_a.patch(sub, {'figures': figures}, headers={'If-Match': v1})
        check(r.status == 200 and r.header('ETag') != v1, r)
        got = {f['indicator']: f for f in r.json()['figures']}
        check(sorted(got) == sorted(INDS), sorted(got))
        for i in INDS:
            check(abs(got[i]['value'] - float(dn[i])) < 1e-12,
                  (i, got.get(i)))
        check(got['awareness']['self_points'] == 100 and
              got['awareness']['comment'] == 'Kế hoạch 123/KH-UBND' and
              got['institutions']['self_points'] is None and
              got['institutions']['comment'] is None and
              got['awareness']['reviewed_value'] is None and
              got['awareness']['updated_by'] == 'editor_a', got)
        v2 = r.header('ETag')

        # a stale version: 412, and nothing changed (not even the log)
        before = audit_events(store)
        problem(ed_a.patch(sub, {'figures': [{'indicator': 'awareness',
                                              'value': 0.5}]},
                           headers={'If-Match': v1}),
                412, 'conflict', 'version')
        r = ed_a.get(sub)
        check(r.header('ETag') == v2 and
              [f['value'] for f in r.json()['figures']
               if f['indicator'] == 'awareness'] == [1.0], r)
        check(audit_events(store) == before, 'a refused change was logged')
        # one change is all or nothing
        problem(ed_a.patch(sub, {'figures': [
            {'indicator': 'awareness', 'value': 0.5},
            {'indicator': 'institutions', 'value': 7}]}), 422, 'invalid')
        check(ed_a.get(sub).header('ETag') == v2, 'a half change')
        # clear and enter again
        r = ed_a.patch(sub, {'figures': [{'indicator': 'soc_activity',
                                          'clear': True}]})
        check(r.status == 200 and 'soc_activity' not in
              [f['indicator'] for f in r.json()['figures']], r)
        r = ed_a.patch(sub, {'figures': [{'indicator': 'soc_activity',
                                          'value': float(dn['soc_activity'])
                                          }]})
        check(r.status == 200, r)

        # ---- the other published provinces, imported by the owner ------
        with open(PUBLISHED, encoding='utf-8') as f:
            csv = f.read()
        imp = '/api/v1/cycles/dti-2022/import?data_cycle=2022' \
              '&ignore=rank&ignore=pdti'
        dn_etag = ed_a.get(sub).header('ETag')
        problem(ed_a.post(imp, raw=csv, content_type='text/csv'), 403,
                'forbidden')
        problem(owner.post(imp, raw=csv, content_type='application/json'),
                415, 'unsupported_media_type')
        problem(owner.post(imp + '&nope=1', raw=csv,
                           content_type='text/csv'),
                400, 'unknown_parameter', 'nope')
        broken = csv.replace('0.8917', 'abc')
        r = owner.post(imp, raw=broken, content_type='text/csv')
        problem(r, 422, 'invalid', 'awareness')
        check(r.json().get('line') == 3 and r.json().get('column') == 4, r)
        r = owner.post(imp, raw=csv, content_type='text/csv; charset=utf-8')
        check(r.status == 200 and r.json()['units'] == 5 and
              r.json()['figures'] >= 32, r)
        # Đà Nẵng's figures were the same: its submission did not change
        check(ed_a.get(sub).header('ETag') == dn_etag, 'import touched 48')
        hcm = '/api/v1/cycles/dti-2022/submissions/' + q('Hồ Chí Minh')
        r = owner.get(hcm)
        got = {f['indicator']: f['value'] for f in r.json()['figures']}
        check(r.status == 200 and got.get('soc_activity') == 0.359, r)

        # ---- submissions added and excluded by the owner ---------------
        problem(owner.post('/api/v1/cycles/dti-2022/submissions',
                           {'unit': 'Đà Nẵng'}), 409, 'exists')
        problem(owner.post('/api/v1/cycles/dti-2022/submissions',
                           {'unit': 'Atlantis'}), 404, 'not_found')
        problem(ed_a.post('/api/v1/cycles/dti-2022/submissions',
                          {'unit': 'Đà Nẵng'}), 403, 'forbidden')
        hg = '/api/v1/cycles/dti-2022/submissions/' + q('Hà Giang')
        problem(owner.post(hg + '/exclude', {}), 400, 'missing_field',
                'reason')
        problem(owner.post(hg + '/exclude', {'reason': 'x'},
                           headers={'If-Match': '"v9"'}), 412, 'conflict')
        r = owner.post(hg + '/exclude',
                       {'reason': 'Số liệu không được công bố'})
        check(r.status == 200 and r.json()['state'] == 'excluded' and
              r.json()['exclude_reason'] == 'Số liệu không được công bố',
              r)

        # ---- submit ----------------------------------------------------
        cur = ed_a.get(sub).header('ETag')
        problem(ed_a.post(sub + '/submit', headers={'If-Match': v1}), 412,
                'conflict')
        problem(ed_a.post(sub + '/submit', headers={'If-Match': 'W/"v0"'}),
                412, 'conflict')
        problem(ed_b.post(sub + '/submit'), 403, 'forbidden')
        problem(ed_a.post(sub + '/submit', {'now': True}), 400,
                'unknown_field', 'now')
        r = ed_a.post(sub + '/submit', headers={'If-Match': cur})
        check(r.status == 200 and r.json()['state'] == 'submitted' and
              r.json()['submitted_at'] is not None, r)
        problem(ed_a.patch(sub, {'figures': figures}), 409, 'wrong_state')
        problem(reviewer.post(sub + '/approve'), 409, 'wrong_state')

        # ---- review ----------------------------------------------------
        r = owner.get('/api/v1/cycles/dti-2022')
        r = owner.post('/api/v1/cycles/dti-2022/transition',
                       {'to': 'review'},
                       headers={'If-Match': r.header('ETag')})
        check(r.status == 200 and r.json()['state'] == 'review', r)
        units = {u['unit']: u for u in r.json()['units']}
        check(units['48']['state'] == 'submitted' and
              units['48']['figures'] == 8, units.get('48'))

        cur = reviewer.get(sub).header('ETag')
        adj = {'indicator': 'cybersecurity', 'value': 0.7,
               'reason': 'Chưa có báo cáo diễn tập'}
        problem(ed_a.post(sub + '/adjust', adj), 403, 'forbidden')
        problem(reviewer.post(sub + '/adjust', adj,
                              headers={'If-Match': v1}), 412, 'conflict')
        problem(reviewer.post(sub + '/adjust',
                              {'indicator': 'cybersecurity',
                               'reason': 'x'}),
                400, 'missing_field', 'value')
        problem(reviewer.post(sub + '/adjust', dict(adj, value=1.5)), 422,
                'invalid')
        problem(reviewer.post(sub + '/adjust', dict(adj, reason='')), 422,
                'invalid')
        check(reviewer.get(sub).header('ETag') == cur, 'refused adjust')
        r = reviewer.post(sub + '/adjust', adj, headers={'If-Match': cur})
        got = {f['indicator']: f for f in r.json()['figures']}
        check(r.status == 200 and
              got['cybersecurity']['reviewed_value'] == 0.7 and
              got['cybersecurity']['value'] == float(dn['cybersecurity'])
              and got['cybersecurity']['reviewed_by'] == 'reviewer' and
              got['cybersecurity']['review_reason'] == adj['reason'], r)
        # null removes the adjustment
        r = reviewer.post(sub + '/adjust', {'indicator': 'cybersecurity',
                                            'value': None,
                                            'reason': 'Đã có báo cáo'})
        got = {f['indicator']: f for f in r.json()['figures']}
        check(r.status == 200 and
              got['cybersecurity']['reviewed_value'] is None, r)

        problem(reviewer.post(sub + '/return', {}), 400, 'missing_field',
                'comment')
        r = reviewer.post(sub + '/return',
                          {'comment': 'Bổ sung minh chứng an toàn thông '
                                      'tin'},
                          headers={'If-Match': r.header('ETag')})
        check(r.status == 200 and r.json()['state'] == 'returned' and
              r.json()['return_comment'].startswith('Bổ sung'), r)
        # returned: the unit may edit again, and submits
        r = ed_a.patch(sub, {'figures': [{'indicator': 'cybersecurity',
                                          'comment': 'Báo cáo diễn tập '
                                                     '2022'}]})
        check(r.status == 200 and r.json()['state'] == 'returned', r)
        r = ed_a.post(sub + '/submit', headers={'If-Match': r.header('ETag')})
        check(r.status == 200 and r.json()['state'] == 'submitted', r)
        problem(ed_a.post(sub + '/approve'), 403, 'forbidden')
        r = reviewer.post(sub + '/approve',
                          headers={'If-Match': r.header('ETag')})
        check(r.status == 200 and r.json()['state'] == 'approved', r)
        problem(reviewer.post(sub + '/approve'), 409, 'wrong_state')
        r = viewer.get('/api/v1/cycles/dti-2022')
        check(r.status == 200 and r.json()['submissions']['approved'] == 1
              and r.json()['submissions']['excluded'] == 1, r)

        # unknown paths and methods under the API
        problem(ed_a.delete(sub), 405, 'method_not_allowed')
        problem(ed_a.get('/api/v1/cycles/dti-2022/submissions/'
                         + q('Đà Nẵng') + '/nothing'), 404, 'no_such_path')

    # the audit chain and the tables it describes agree
    out = as_admin(store, ['audit', 'verify'])
    check(out.strip() != '', out)
finally:
    store.remove()
finish('server-api-workflow')
