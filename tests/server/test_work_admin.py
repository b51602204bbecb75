"""
tests/server/test_work_admin.py - who may do what, through the signed-in
pages (src/server/work_admin.c), as a browser without scripts does it.

An admin adds a user, grants it the editor role on a unit named as people
write it, and the new user signs in and sees that unit's submission; the
admin revokes the role again.  An owner imports a units registry (a new
unit appears on the page and in the API) and a registry with a fault is
refused with its line, changing nothing.  An editor sees the lists but no
forms, and its forged posts are refused (403) on the page, changing
nothing.

    python3 test_work_admin.py DTI
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402
from pagetools import Form, form_post, sign_in, page  # noqa: E402

dti = sys.argv[1]
SETUP = """
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \\
  --submit-deadline 2099-12-31 --user owner >/dev/null
dti cycle open dti-2023 --user owner >/dev/null
"""
REGISTRY = ('id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,'
            'successors\n'
            'sx1,SX1,Sở Thử Nghiệm,So Thu Nghiem,,G1,,,\n')
BAD = REGISTRY + 'sx2,SX2,,,,G1,2025-02-30,,\n'


def roles_of(store, user):
    for line in store.cli('user list --json --user admin').splitlines():
        u = json.loads(line)
        if u['name'] == user:
            return [(r['role'], r.get('unit')) for r in u['roles']]
    return None


def multipart(fields, files):
    b = 'dtiboundary7'
    out = b''
    for k, v in fields.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"'
                f'\r\n\r\n{v}\r\n').encode()
    for k, (name, data) in files.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
                ).encode() + data.encode() + b'\r\n'
    out += f'--{b}--\r\n'.encode()
    return out, f'multipart/form-data; boundary={b}'


store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        anon = srv.client()
        r = anon.get('/work/users')
        check(r.status == 303 and r.header('Location') == '/login',
              f'anonymous /work/users: {r}')

        # -- the admin: add a user, grant and revoke a role --------------
        adm = sign_in(srv, 'admin')
        r, f = page(adm, '/work')
        check(b'href="/work/users"' in r.body and
              b'href="/work/units"' in r.body, 'no links on /work')
        r, f = page(adm, '/work/users')
        check('/work/users' in f.forms and '/work/users/roles' in f.forms,
              f'the admin has no forms: {list(f.forms)}')
        body = r.body.decode()
        check('editor_a' in body and 'Đà Nẵng' in body,
              "editor_a's role on Đà Nẵng is not listed")
        csrf = f.forms['/work/users']['csrf']
        r = form_post(adm, '/work/users', {
            'csrf': csrf, 'user': 'lan', 'display_name': 'Nguyễn Thị Lan',
            'password': 'lan-secret-password'})
        check(r.status == 303 and
              r.header('Location') == '/work/users?done=user_added',
              f'add a user: {r}')
        check(roles_of(store, 'lan') == [], 'lan was not added')
        # a unit named as people write it is read as on today: the
        # Đà Nẵng of after the 2025 merger; an id names that unit
        r = form_post(adm, '/work/users/roles', {
            'csrf': csrf, 'grant': '1', 'user': 'lan', 'role': 'editor',
            'unit': 'TP. Đà Nẵng'})
        check(r.status == 303 and
              r.header('Location') == '/work/users?done=role_granted',
              f'grant: {r}')
        check(roles_of(store, 'lan') == [('editor', '48-2025')],
              f'lan has {roles_of(store, "lan")}')
        r = form_post(adm, '/work/users/roles', {
            'csrf': csrf, 'grant': '1', 'user': 'lan', 'role': 'editor',
            'unit': '48'})
        check(sorted(roles_of(store, 'lan')) ==
              [('editor', '48'), ('editor', '48-2025')],
              f'lan has {roles_of(store, "lan")}')
        lan = srv.client()
        r = form_post(lan, '/login', {'user': 'lan',
                                      'password': 'lan-secret-password'})
        lan.cookie = (r.header('Set-Cookie') or '').split(';')[0]
        r, f = page(lan, '/work/cycles/dti-2023/units/48')
        check('/work/cycles/dti-2023/units/48/save' in f.forms,
              'the new editor has no form for unit 48')
        # an editor role needs a unit: refused on the page
        r = form_post(adm, '/work/users/roles', {
            'csrf': csrf, 'grant': '1', 'user': 'lan', 'role': 'editor'})
        f = Form(r.body.decode())
        check(r.status >= 400 and f.alerts, f'editor without a unit: {r}')
        r = form_post(adm, '/work/users/roles', {
            'csrf': csrf, 'grant': '0', 'user': 'lan', 'role': 'editor',
            'unit': '48'})
        check(r.status == 303 and
              r.header('Location') == '/work/users?done=role_revoked',
              f'revoke: {r}')
        check(roles_of(store, 'lan') == [('editor', '48-2025')],
              f'the role was not revoked: {roles_of(store, "lan")}')
        r = lan.get('/work/cycles/dti-2023/units/48')
        check(r.status == 404, f'a revoked editor still sees 48: {r}')
        # the same name twice
        r = form_post(adm, '/work/users', {'csrf': csrf, 'user': 'lan'})
        check(r.status == 409 and Form(r.body.decode()).alerts,
              f'a user added twice: {r}')
        # without the CSRF token
        r = form_post(adm, '/work/users', {'user': 'mai'})
        check(r.status == 403 and roles_of(store, 'mai') is None,
              f'a user added without the CSRF token: {r}')

        # -- an editor: the lists, no forms, forged posts refused ---------
        ed = sign_in(srv, 'editor_a')
        r, f = page(ed, '/work/users')
        check('/work/users' not in f.forms and
              '/work/users/roles' not in f.forms,
              f'an editor has forms: {list(f.forms)}')
        tok = re.search(r'name="csrf" value="([^"]+)"',
                        ed.get('/work').body.decode()).group(1)
        r = form_post(ed, '/work/users/roles', {
            'csrf': tok, 'grant': '1', 'user': 'editor_a', 'role': 'admin'})
        check(r.status == 403 and Form(r.body.decode()).alerts,
              f'an editor granting itself admin: {r}')
        check(roles_of(store, 'editor_a') == [('editor', '48')],
              f'editor_a now has {roles_of(store, "editor_a")}')
        r, f = page(ed, '/work/units')
        check('/work/units' not in f.forms, 'an editor may import units')

        # -- the owner: the units registry --------------------------------
        own = sign_in(srv, 'owner')
        r, f = page(own, '/work/units')
        check('/work/units' in f.forms, 'the owner has no import form')
        check('Đà Nẵng' in r.body.decode() and
              'Quảng Nam' in r.body.decode(), 'the registry is not listed')
        csrf = f.forms['/work/units']['csrf']
        before = own.get('/api/v1/units').body
        raw, ct = multipart({'csrf': csrf, 'level': 'department'},
                            {'file': ('so.csv', BAD)})
        r = own.request('POST', '/work/units', raw=raw, content_type=ct)
        f = Form(r.body.decode())
        check(r.status == 422 and f.alerts and 'so.csv' in f.alerts[0] and
              ':3' in f.alerts[0], f'a bad registry: {r} {f.alerts}')
        check(own.get('/api/v1/units').body == before,
              'a refused registry changed the units')
        raw, ct = multipart({'csrf': csrf, 'level': 'department'},
                            {'file': ('so.csv', REGISTRY)})
        r = own.request('POST', '/work/units', raw=raw, content_type=ct)
        check(r.status == 303 and
              r.header('Location') == '/work/units?done=units_imported',
              f'import: {r}')
        r, f = page(own, '/work/units?done=units_imported')
        check('Sở Thử Nghiệm' in r.body.decode(),
              'the imported unit is not listed')
        r = own.get('/api/v1/units/sx1')
        check(r.status == 200, f'the imported unit in the API: {r}')
        # English
        r, f = page(own, '/en/work/units')
        check('Units registry' in r.body.decode(), 'no English title')
finally:
    store.remove()

finish('server-work-admin')
