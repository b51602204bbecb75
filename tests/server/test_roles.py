"""
tests/server/test_roles.py - who may do what: every call of the table "Who
may do what" in doc/api.md, made by every kind of client (anonymous,
viewer, editor of unit A, editor of unit B, reviewer, owner, admin), each
kind on a fresh copy of one store and a server of its own, in the table's
order.  An allowed call must succeed (2xx); a refused one must be a 401
(anonymous, route not public) or 403 problem, and change nothing: the
audit head is the same before and after.  The table is read from the doc,
so the doc and the test cannot drift; every endpoint of the doc's
endpoint list must have a row, and every row a call here.

Endpoints that main does not have yet are listed in KNOWN_MISSING: when
the server answers them with no_such_path or method_not_allowed they are
reported as SKIPPED (and not held to the contract); the lead empties the
list as the endpoints land.  A listed endpoint that answers is checked
like any other, and the run says it can leave the list.

    python3 test_roles.py DTI
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Store, Server, check, finish, password  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')

# Endpoints not on main yet (see the module's comment): empty it as they land.
KNOWN_MISSING = set()

# The routes open to anonymous clients (the others answer them 401).
PUBLIC = {
    'GET /healthz', 'GET /readyz', 'GET /api/v1/openapi.json',
    'POST /api/v1/session', 'GET /api/v1/published',
    'GET /api/v1/cycles/{cycle}/results', 'GET /api/v1/cycles/{cycle}/ranking',
    'GET /api/v1/cycles/{cycle}/units/{unit}/profile',
    'GET /api/v1/cycles/{cycle}/checkpoint',
}

KINDS = ['anonymous', 'viewer', 'editor A', 'editor B', 'reviewer', 'owner',
         'admin']
USER = {'anonymous': None, 'viewer': 'viewer', 'editor A': 'editor_a',
        'editor B': 'editor_b', 'reviewer': 'reviewer', 'owner': 'owner',
        'admin': 'admin'}
UNIT_A = harness.UNIT_A
INDS = ['awareness', 'institutions', 'infrastructure', 'human_resources',
        'cybersecurity', 'smart_city', 'gov_activity', 'econ_activity',
        'soc_activity']

# The store every kind starts from: cycles in each state over pdti-2022
# (deadlines far ahead), figures of the 2022 demo data, evidence of unit
# A (a file, then a link), a published cycle, a computed preview, and a
# user without roles ("someone") with a spare token.
SETUP = r'''
export DTI_USER=owner
awk -F, '!/^#/ && $1 == "2022"' "$SRC/data/demo/pdti-2022-demo.csv" > rows
{ echo "# framework: pdti-2022"; echo "unit,''' + ','.join(INDS) + r'''"
  cut -d, -f2- rows; } > data.csv
for c in o-main o-submit o-excl r-main r-return c-ready p-done d-draft; do
  dti cycle create $c --year 2022 --framework pdti-2022 \
    --submit-deadline 2099-12-30 --review-deadline 2099-12-31 >/dev/null
done
for c in o-main o-submit o-excl r-main r-return c-ready p-done; do
  dti cycle open $c >/dev/null
done
for c in r-main r-return c-ready p-done; do
  dti submission import $c data.csv --and-submit >/dev/null
  dti cycle review $c >/dev/null
done
for c in c-ready p-done; do
  dti review approve $c --all-submitted >/dev/null
  dti cycle close $c >/dev/null
done
dti publish p-done >/dev/null
dti results r-main --compute --format csv >/dev/null
printf '%%PDF-1.4\n%% plan\n' > plan.pdf
dti evidence add o-main 48 --indicator institutions --title "Kế hoạch" \
  --file plan.pdf > evidence-file
dti evidence add o-main 48 --indicator institutions --title "Liên kết" \
  --link https://example.org/ke-hoach > evidence-link
DTI_USER=admin dti user add someone >/dev/null
'''


def read_table():
    """The rows of "Who may do what": (call, on, {kind: 'yes'|'no'})."""
    with open(os.path.join(ROOT, 'doc', 'api.md'), encoding='utf-8') as f:
        md = f.read()
    sec = md.split('\n## Who may do what', 1)
    check(len(sec) == 2, 'doc/api.md has no "Who may do what" section')
    if len(sec) < 2:
        return [], md
    sec = sec[1].split('\n## ', 1)[0]
    rows = []
    head = None
    for line in sec.splitlines():
        if not line.startswith('|') or line.startswith('|---'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if head is None:
            head = cells
            check(head[2:] == KINDS, f'table columns {head}')
            continue
        m = re.fullmatch(r'`((?:GET|POST|PUT|PATCH|DELETE) [^`]+)`', cells[0])
        check(m is not None, f'bad row {line}')
        if not m:
            continue
        vals = dict(zip(KINDS, cells[2:]))
        check(all(v in ('yes', 'no') for v in vals.values()),
              f'cells must be yes or no: {line}')
        rows.append((m.group(1), cells[1], vals))
    return rows, md


def endpoint(call):
    """'GET /api/v1/audit?unit={unit}' -> 'GET /api/v1/audit'."""
    return call.split('?', 1)[0]


def multipart(fields, files):
    b = 'dti-roles-boundary-7f3a'
    out = b''
    for k, v in fields.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"'
                f'\r\n\r\n{v}\r\n').encode('utf-8')
    for k, (name, ctype, data) in files.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"; '
                f'filename="{name}"\r\nContent-Type: {ctype}\r\n\r\n'
                ).encode('utf-8') + data + b'\r\n'
    out += f'--{b}--\r\n'.encode('utf-8')
    return out, f'multipart/form-data; boundary={b}'


def framework_text():
    with open(os.path.join(ROOT, 'frameworks',
                           'example-province-internal.csv'),
              encoding='utf-8') as f:
        text = f.read()
    return re.sub(r'^# id: .*$', '# id: roles-test-framework', text,
                  count=1, flags=re.M)


def registry_text():
    with open(os.path.join(ROOT, 'data', 'units', 'vn-provinces.csv'),
              encoding='utf-8') as f:
        lines = f.read().splitlines()
    keep = [ln for ln in lines if ln.startswith('#')]
    body = [ln for ln in lines if not ln.startswith('#')]
    keep.append(body[0])
    # unit A and its successor after the 2025 merger ("48-2025")
    keep += [ln for ln in body[1:] if ln.startswith((UNIT_A + ',',
                                                     UNIT_A + '-'))]
    return '\n'.join(keep) + '\n'


class Ctx:
    """What a kind's calls need: its user, its store, ids from the setup."""

    def __init__(self, kind, store):
        self.kind = kind
        self.user = USER[kind]
        self.store = store
        self.self_name = self.user or 'viewer'
        with open(os.path.join(store.dir, 'evidence-file')) as f:
            self.ev_file = f.read().split()[0]
        with open(os.path.join(store.dir, 'evidence-link')) as f:
            self.ev_link = f.read().split()[0]
        with open(os.path.join(store.dir, 'data.csv'),
                  encoding='utf-8') as f:
            lines = f.read().splitlines()
        self.unit_a_csv = '\n'.join(
            lines[:2] + [ln for ln in lines[2:]
                         if ln.startswith('Đà Nẵng,')]) + '\n'


S = '/api/v1/cycles/{c}/submissions/' + UNIT_A


def calls():
    """(call, on) -> function(ctx) giving (method, path, kwargs)."""
    j = 'application/json'
    return {
        ('GET /healthz', ''): lambda x: ('GET', '/healthz', {}),
        ('GET /readyz', ''): lambda x: ('GET', '/readyz', {}),
        ('GET /api/v1/openapi.json', ''):
            lambda x: ('GET', '/api/v1/openapi.json', {}),
        ('POST /api/v1/session', 'own password (anonymous: the viewer\'s)'):
            lambda x: ('POST', '/api/v1/session', {'body': {
                'user': x.self_name, 'password': password(x.self_name)}}),
        ('GET /api/v1/session', 'own session'):
            lambda x: ('GET', '/api/v1/session', {'session': True}),
        ('DELETE /api/v1/session', 'own session'):
            lambda x: ('DELETE', '/api/v1/session', {'session': True}),
        ('GET /api/v1/status', ''): lambda x: ('GET', '/api/v1/status', {}),
        ('GET /api/v1/units', ''): lambda x: ('GET', '/api/v1/units', {}),
        ('GET /api/v1/units/{unit}', 'unit A'):
            lambda x: ('GET', '/api/v1/units/' + UNIT_A, {}),
        ('GET /api/v1/units/{unit}/targets', 'unit A'):
            lambda x: ('GET', '/api/v1/units/' + UNIT_A + '/targets', {}),
        ('POST /api/v1/units', 'unit A\'s registry row'):
            lambda x: ('POST', '/api/v1/units', {'body': {
                'level': 'province', 'csv': registry_text()}}),
        ('GET /api/v1/frameworks', ''):
            lambda x: ('GET', '/api/v1/frameworks', {}),
        ('GET /api/v1/frameworks/{ref}', 'pdti-2022'):
            lambda x: ('GET', '/api/v1/frameworks/pdti-2022', {}),
        ('POST /api/v1/frameworks', 'a new framework'):
            lambda x: ('POST', '/api/v1/frameworks', {'body': {
                'name': 'roles-test-framework.csv',
                'text': framework_text()}}),
        ('GET /api/v1/cycles', ''): lambda x: ('GET', '/api/v1/cycles', {}),
        ('POST /api/v1/cycles', 'a new cycle'):
            lambda x: ('POST', '/api/v1/cycles', {'body': {
                'label': 'new-2022', 'year': 2022, 'level': 'province',
                'framework': 'pdti-2022', 'submit_deadline': '2099-12-30',
                'review_deadline': '2099-12-31'}}),
        ('GET /api/v1/cycles/{cycle}', 'an open cycle'):
            lambda x: ('GET', '/api/v1/cycles/o-main', {}),
        ('PUT /api/v1/cycles/{cycle}/deadlines', 'an open cycle'):
            lambda x: ('PUT', '/api/v1/cycles/o-main/deadlines', {'body': {
                'submit_deadline': '2099-12-29',
                'review_deadline': '2099-12-31'}}),
        ('POST /api/v1/cycles/{cycle}/submissions', 'unit A, a draft cycle'):
            lambda x: ('POST', '/api/v1/cycles/d-draft/submissions',
                       {'body': {'unit': UNIT_A}}),
        ('POST /api/v1/cycles/{cycle}/transition', 'a draft cycle, to open'):
            lambda x: ('POST', '/api/v1/cycles/d-draft/transition',
                       {'body': {'to': 'open'}}),
        ('POST /api/v1/cycles/{cycle}/import', 'unit A\'s figures'):
            lambda x: ('POST', '/api/v1/cycles/o-main/import', {
                'raw': x.unit_a_csv, 'content_type': 'text/csv'}),
        ('GET /api/v1/cycles/{cycle}/submissions/{unit}', 'unit A'):
            lambda x: ('GET', S.format(c='o-main'), {}),
        ('PATCH /api/v1/cycles/{cycle}/submissions/{unit}', 'unit A'):
            lambda x: ('PATCH', S.format(c='o-main'), {'body': {
                'figures': [{'indicator': 'awareness', 'value': 0.75}]}}),
        ('GET /api/v1/cycles/{cycle}/submissions/{unit}/preview', 'unit A'):
            lambda x: ('GET', S.format(c='o-main') + '/preview', {}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/preview',
         'unit A, figures tried'):
            lambda x: ('POST', S.format(c='o-main') + '/preview', {'body': {
                'figures': [{'indicator': 'awareness', 'value': 0.5}]}}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/evidence',
         'unit A'):
            lambda x: ('POST', S.format(c='o-main') + '/evidence',
                       dict(zip(('raw', 'content_type'), multipart(
                           {'indicator': 'institutions',
                            'title': 'Quyết định'},
                           {'file': ('qd.pdf', 'application/pdf',
                                     b'%PDF-1.4\n% qd\n')})))),
        ('GET /api/v1/evidence/{id}', 'unit A\'s file'):
            lambda x: ('GET', '/api/v1/evidence/' + x.ev_file, {}),
        ('DELETE /api/v1/evidence/{id}', 'unit A\'s link'):
            lambda x: ('DELETE', '/api/v1/evidence/' + x.ev_link, {}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/submit', 'unit A'):
            lambda x: ('POST', S.format(c='o-submit') + '/submit', {}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/exclude',
         'unit A'):
            lambda x: ('POST', S.format(c='o-excl') + '/exclude',
                       {'body': {'reason': 'sáp nhập'}}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/adjust',
         'unit A, in review'):
            lambda x: ('POST', S.format(c='r-main') + '/adjust', {'body': {
                'indicator': 'smart_city', 'value': 0.3,
                'reason': 'chưa có IOC'}}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/approve',
         'unit A, in review'):
            lambda x: ('POST', S.format(c='r-main') + '/approve', {}),
        ('POST /api/v1/cycles/{cycle}/submissions/{unit}/return',
         'unit A, in review'):
            lambda x: ('POST', S.format(c='r-return') + '/return',
                       {'body': {'comment': 'bổ sung minh chứng'}}),
        ('POST /api/v1/cycles/{cycle}/compute', 'a cycle in review'):
            lambda x: ('POST', '/api/v1/cycles/r-main/compute', {}),
        ('POST /api/v1/cycles/{cycle}/publish', 'a closed cycle'):
            lambda x: ('POST', '/api/v1/cycles/c-ready/publish',
                       {'body': {}}),
        ('GET /api/v1/published', ''):
            lambda x: ('GET', '/api/v1/published', {}),
        ('GET /api/v1/cycles/{cycle}/results', 'a published cycle'):
            lambda x: ('GET', '/api/v1/cycles/p-done/results', {}),
        ('GET /api/v1/cycles/{cycle}/results?preview=1',
         'a cycle in review'):
            lambda x: ('GET', '/api/v1/cycles/r-main/results?preview=1', {}),
        ('GET /api/v1/cycles/{cycle}/ranking', 'a published cycle'):
            lambda x: ('GET', '/api/v1/cycles/p-done/ranking', {}),
        ('GET /api/v1/cycles/{cycle}/units/{unit}/profile',
         'unit A, a published cycle'):
            lambda x: ('GET', f'/api/v1/cycles/p-done/units/{UNIT_A}/profile',
                       {}),
        ('GET /api/v1/cycles/{cycle}/checkpoint', 'a published cycle'):
            lambda x: ('GET', '/api/v1/cycles/p-done/checkpoint', {}),
        ('GET /api/v1/audit', 'every event'):
            lambda x: ('GET', '/api/v1/audit', {}),
        ('GET /api/v1/audit?unit={unit}', 'unit A\'s events'):
            lambda x: ('GET', '/api/v1/audit?unit=' + UNIT_A, {}),
        ('POST /api/v1/audit/verify', ''):
            lambda x: ('POST', '/api/v1/audit/verify', {'body': {}}),
        ('GET /api/v1/users', ''): lambda x: ('GET', '/api/v1/users', {}),
        ('POST /api/v1/users', 'a new user'):
            lambda x: ('POST', '/api/v1/users', {'body': {
                'name': 'newcomer', 'display_name': 'Người mới'}}),
        ('POST /api/v1/users/{user}/roles', 'another user'):
            lambda x: ('POST', '/api/v1/users/someone/roles', {'body': {
                'role': 'viewer', 'grant': True}}),
        ('PUT /api/v1/users/{user}/password', 'own'):
            lambda x: ('PUT', f'/api/v1/users/{x.self_name}/password',
                       {'body': {'password': 'a-new-secret-pw-1'}}),
        ('PUT /api/v1/users/{user}/password', 'another user'):
            lambda x: ('PUT', '/api/v1/users/someone/password',
                       {'body': {'password': 'a-new-secret-pw-2'}}),
        ('POST /api/v1/users/{user}/tokens', 'own'):
            lambda x: ('POST', f'/api/v1/users/{x.self_name}/tokens',
                       {'body': {'label': 'roles-new'}}),
        ('POST /api/v1/users/{user}/tokens', 'another user'):
            lambda x: ('POST', '/api/v1/users/someone/tokens',
                       {'body': {'label': 'roles-new'}}),
        ('DELETE /api/v1/users/{user}/tokens/{label}', 'own'):
            lambda x: ('DELETE', f'/api/v1/users/{x.self_name}/tokens/spare',
                       {}),
        ('DELETE /api/v1/users/{user}/tokens/{label}', 'another user'):
            lambda x: ('DELETE', '/api/v1/users/someone/tokens/spare', {}),
        ('GET /api/v1/notices', 'own notices'):
            lambda x: ('GET', '/api/v1/notices', {}),
        ('POST /api/v1/notices/read', 'own notices'):
            lambda x: ('POST', '/api/v1/notices/read', {'body': {'all': True}}),
    }


def copy_store(tpl):
    """A fresh store with tpl's contents (the files copied)."""
    s = Store.__new__(Store)
    s.dti = tpl.dti
    s.dir = tempfile.mkdtemp(prefix='dti-roles-')
    for name in os.listdir(tpl.dir):
        p = os.path.join(tpl.dir, name)
        if os.path.isfile(p):
            shutil.copy2(p, os.path.join(s.dir, name))
    s.path = os.path.join(s.dir, 'dti.db')
    s.env = dict(tpl.env, DTI_DB=s.path)
    s.tokens = dict(tpl.tokens)
    return s


def audit_head(admin):
    r = admin.get('/api/v1/status')
    return r.json().get('audit_head') if r.status == 200 else None


skipped = set()
present = set()


def run_kind(kind, tpl, rows, table_calls):
    store = copy_store(tpl)
    try:
        with Server(store) as srv:
            admin = srv.client('admin', token=True)
            x = Ctx(kind, store)
            client = srv.client(x.user, token=True) if x.user \
                else srv.client()
            for call, on, vals in rows:
                fn = table_calls.get((call, on))
                if fn is None:
                    continue
                method, path, kw = fn(x)
                kw = dict(kw)
                c = client
                if kw.pop('session', False) and x.user:
                    # a session of this user (its own cookie)
                    c = harness.Client(srv)
                    lr = c.login(x.user)
                    if lr.status in (404, 405) and \
                            'POST /api/v1/session' in KNOWN_MISSING:
                        lr.contract = False
                        skipped.add(endpoint(call))
                        continue
                    if not check(lr.status == 200, f'{kind}: login {lr}'):
                        continue
                before = audit_head(admin)
                r = c.request(method, path, **kw)
                ep = endpoint(call)
                code = None
                if r.header('Content-Type') == 'application/problem+json':
                    code = r.json().get('code')
                if ep in KNOWN_MISSING and code in ('no_such_path',
                                                    'method_not_allowed'):
                    r.contract = False
                    skipped.add(ep)
                    continue
                if ep in KNOWN_MISSING:
                    present.add(ep)
                want = vals[kind]
                what = f'{kind}: {call} ({on or "-"}) should be {want}: {r}'
                if want == 'yes':
                    check(200 <= r.status < 300, what)
                    continue
                public = ep in PUBLIC
                if kind == 'anonymous' and not public:
                    check(r.status == 401 and code == 'unauthenticated', what)
                elif kind == 'anonymous':
                    check(r.status in (401, 403, 404), what)
                else:
                    check(r.status == 403 and code == 'forbidden', what)
                after = audit_head(admin)
                check(before is not None and before == after,
                      f'{kind}: refused {call} changed the audit head')
            if kind == 'anonymous':
                # the results of a cycle not published are not there
                for p in ('results', 'ranking', f'units/{UNIT_A}/profile',
                          'checkpoint'):
                    r = client.get(f'/api/v1/cycles/o-main/{p}')
                    ep = ('GET /api/v1/cycles/{cycle}/' +
                          ('units/{unit}/profile' if 'units' in p else p))
                    if ep in KNOWN_MISSING and r.status == 404 and \
                            r.json().get('code') == 'no_such_path':
                        r.contract = False
                        skipped.add(ep)
                        continue
                    check(r.status == 404, f'unpublished {p}: {r}')
        out = subprocess.run([store.dti, 'audit', 'verify'], env=store.env,
                             cwd=store.dir, capture_output=True, text=True)
        check(out.returncode == 0, f'{kind}: audit verify: {out.stdout}'
              f'{out.stderr}')
    finally:
        store.remove()


rows, md = read_table()
table_calls = calls()
# every endpoint of the doc's list has a row; every row has a call here
listed = set(re.findall(r'^\| `((?:GET|POST|PUT|PATCH|DELETE) /[^` ]*)`',
                        md.split('## Endpoints', 1)[1].split('\n## ', 1)[0],
                        re.M))
covered = {endpoint(c) for c, _, _ in rows}
for e in sorted(listed - covered):
    check(False, f'{e} has no row in "Who may do what"')
for c, on, _ in rows:
    check((c, on) in table_calls, f'no call for the row {c} | {on}')
for k in table_calls:
    check(k in {(c, on) for c, on, _ in rows}, f'call {k} has no row')

tpl = Store(sys.argv[1], setup=f'SRC={ROOT!r}\n' + SETUP)
try:
    for u in ['admin', 'owner', 'reviewer', 'viewer', 'editor_a',
              'editor_b']:
        tpl.token(u)
        tpl.token(u, 'spare')
    tpl.cli('user token someone spare --user admin')
    for kind in KINDS:
        run_kind(kind, tpl, rows, table_calls)
finally:
    tpl.remove()
for e in sorted(skipped):
    print(f'SKIPPED (not on this branch yet): {e}')
for e in sorted(present - skipped):
    print(f'present now, remove from KNOWN_MISSING: {e}')
finish('server-roles')
