"""
tests/server/test_api_admin.py - users, roles, passwords and API tokens
over HTTP (admins for anyone, users for themselves, nobody else), a revoked
token refused, the audit log with its filters and cursor, and verification:
intact, then not after a figure is changed behind the store's back with
the sqlite3 program, and a signed checkpoint checked and refused.
Passwords never appear in a response or the logs; a token's value only in
the response that creates it.

    python3 test_api_admin.py DTI
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Store, Server, check, finish, RECEIVED,  # noqa: E402
                     ROLES, password)

dti = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# dti-2022: the five provinces whose DTI 2022 figures were published
# (data/published), the other 58 excluded; closed and published.
SETUP = f"""
top5={SRC}/data/published/dti-2022-top5.csv
{{
dti cycle create dti-2022 --year 2022 --framework pdti-2022 --user owner
dti cycle open dti-2022 --user owner
dti submission import dti-2022 "$top5" --and-submit --user owner
dti cycle review dti-2022 --user owner
dti review adjust dti-2022 48 cybersecurity --value 0.7 --reason report \\
  --user reviewer
dti review approve dti-2022 --all-submitted --user reviewer
dti cycle status dti-2022 | awk 'NF > 4 && $(NF-3) == "draft" {{print $1}}' |
  while read -r u; do
    dti submission exclude dti-2022 "$u" --reason 'no figures' --user owner
  done
dti cycle close dti-2022 --user owner
dti publish dti-2022 --user owner
}} >/dev/null
"""

NEW_PW = 'brand-new-Secret-pw-7'
NEW_PW2 = 'changed-Secret-pw-8'


def cli_log(store, args):
    """`dti audit log --json ARGS` as the viewer reads it."""
    out = subprocess.run(
        [store.dti, 'audit', 'log', '--json'] + args, cwd=store.dir,
        env=dict(store.env, DTI_USER='viewer'), capture_output=True,
        text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def tamper(path, sql):
    """Changes the store behind its back: the sqlite3 program if there,
    else Python's sqlite3 module (the same library)."""
    if shutil.which('sqlite3'):
        subprocess.run(['sqlite3', path, sql], check=True)
    else:
        con = sqlite3.connect(path)
        con.execute(sql)
        con.commit()
        con.close()


def page_all(client, query, limit):
    """Every event of a query, limit at a time, following next_after."""
    events, after, pages = [], 0, 0
    while True:
        sep = '&' if query else ''
        r = client.get(f'/api/v1/audit?{query}{sep}limit={limit}'
                       f'&after={after}')
        if not check(r.status == 200, r):
            return events, pages
        body = r.json()
        pages += 1
        check(len(body['events']) <= limit, f'page over the limit: {r}')
        events += body['events']
        if body['next_after'] is None:
            return events, pages
        check(body['next_after'] == body['events'][-1]['seq'], r)
        after = body['next_after']
        if pages > 1000:
            check(False, 'the cursor does not end')
            return events, pages


store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        anon = srv.client()
        admin = srv.client('admin', token=True)
        owner = srv.client('owner', token=True)
        viewer = srv.client('viewer', token=True)
        editor_a = srv.client('editor_a', token=True)
        editor_b = srv.client('editor_b', token=True)

        # ---- users --------------------------------------------------
        r = admin.get('/api/v1/users')
        check(r.status == 200, r)
        users = {u['name']: u for u in r.json()['users']} \
            if r.status == 200 else {}
        check(sorted(users) == sorted(ROLES), f'users: {sorted(users)}')
        check(users.get('editor_a', {}).get('roles') ==
              [{'role': 'editor', 'unit': '48'}], users.get('editor_a'))
        check(users.get('owner', {}).get('roles') == [{'role': 'owner'}],
              users.get('owner'))
        check(users.get('viewer', {}).get('password') is True, users)
        check(b'argon2' not in r.body and b'hash' not in r.body, r)
        for c in (owner, viewer, editor_a):
            r = c.get('/api/v1/users')
            check(r.status == 403 and r.json()['code'] == 'forbidden', r)
        r = anon.get('/api/v1/users')
        check(r.status == 401, r)

        r = owner.post('/api/v1/users', {'name': 'lan'})
        check(r.status == 403, r)
        r = admin.post('/api/v1/users', {'name': 'lan', 'colour': 'red'})
        check(r.status == 400 and r.json()['code'] == 'unknown_field', r)
        r = admin.post('/api/v1/users', {'display_name': 'Lan'})
        check(r.status == 400 and r.json()['code'] == 'missing_field', r)
        r = admin.post('/api/v1/users', {'name': 'lan',
                                         'display_name': 'Nguyễn Thị Lan',
                                         'password': NEW_PW})
        check(r.status == 201 and r.json()['name'] == 'lan' and
              r.json()['display_name'] == 'Nguyễn Thị Lan' and
              r.json()['password'] is True and r.json()['roles'] == [], r)
        r = admin.post('/api/v1/users', {'name': 'lan'})
        check(r.status == 409 and r.json()['code'] == 'exists', r)

        # ---- roles --------------------------------------------------
        ROLE = '/api/v1/users/lan/roles'
        r = owner.post(ROLE, {'role': 'editor', 'unit': '48',
                              'grant': True})
        check(r.status == 403, r)
        r = admin.post(ROLE, {'role': 'emperor', 'grant': True})
        check(r.status == 422 and r.json()['code'] == 'unknown_value' and
              r.json().get('field') == 'role', r)
        r = admin.post(ROLE, {'role': 'viewer'})
        check(r.status == 400 and r.json()['code'] == 'missing_field', r)
        r = admin.post(ROLE, {'role': 'editor', 'unit': '48',
                              'grant': True})
        check(r.status == 200 and
              r.json()['roles'] == [{'role': 'editor', 'unit': '48'}], r)
        r = admin.post(ROLE, {'role': 'viewer', 'grant': True})
        check(r.status == 200 and {'role': 'viewer'} in r.json()['roles'],
              r)
        r = admin.post(ROLE, {'role': 'viewer', 'grant': False})
        check(r.status == 200 and
              r.json()['roles'] == [{'role': 'editor', 'unit': '48'}], r)
        r = admin.post('/api/v1/users/nobody/roles',
                       {'role': 'viewer', 'grant': True})
        check(r.status == 404, r)

        # ---- tokens -------------------------------------------------
        TOK = '/api/v1/users/lan/tokens'
        r = owner.post(TOK, {'label': 'laptop'})
        check(r.status == 403, r)
        r = admin.post(TOK, {'label': 'laptop'})
        check(r.status == 201 and r.json()['user'] == 'lan' and
              r.json()['label'] == 'laptop' and
              r.json()['token'].startswith('dti_'), r)
        check(r.header('Cache-Control') == 'no-store', r)
        tok1 = r.json()['token'] if r.status == 201 else 'none'
        created = [r]
        lan = srv.client()
        lan.token = tok1
        r = lan.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 200, f'the new token works: {r}')
        # the user makes one for itself
        r = lan.post(TOK, {'label': 'script'})
        check(r.status == 201, r)
        tok2 = r.json()['token'] if r.status == 201 else 'none'
        created.append(r)
        check(tok1 != tok2, 'two tokens alike')
        r = lan.post(TOK, {'label': 'script'})
        check(r.status == 409, f'the same label twice: {r}')
        # nobody else's
        r = lan.post('/api/v1/users/owner/tokens', {'label': 'mine'})
        check(r.status == 403, r)
        r = editor_b.delete('/api/v1/users/lan/tokens/laptop')
        check(r.status == 403, r)
        r = lan.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 200, 'a refused revocation changed nothing')
        # revoked by the user itself: refused from then on
        r = lan.delete('/api/v1/users/lan/tokens/laptop')
        check(r.status == 200 and r.json()['revoked'] is True, r)
        r = lan.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        r = lan.get('/api/v1/published')
        check(r.status == 401, f'a revoked token is not anonymous: {r}')
        r = admin.delete('/api/v1/users/lan/tokens/laptop')
        check(r.status == 404, f'revoked twice: {r}')
        lan.token = tok2
        r = lan.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 200, f'the other token still works: {r}')
        r = admin.delete('/api/v1/users/lan/tokens/script')
        check(r.status == 200, r)
        r = lan.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 401, r)

        # ---- passwords ----------------------------------------------
        lan.token = None
        r = admin.post(TOK, {'label': 'pw'})
        lan.token = r.json()['token'] if r.status == 201 else 'none'
        created.append(r)
        PW = '/api/v1/users/lan/password'
        r = lan.put(PW, {'password': NEW_PW2})
        check(r.status == 200 and r.json() ==
              {'user': 'lan', 'password': 'changed'}, r)
        r = editor_b.put(PW, {'password': 'not-theirs-Secret-9'})
        check(r.status == 403, r)
        r = lan.put('/api/v1/users/owner/password',
                    {'password': 'not-theirs-Secret-9'})
        check(r.status == 403, r)
        r = admin.put('/api/v1/users/owner/password',
                      {'password': password('owner')})
        check(r.status == 200, r)
        r = lan.put(PW, {'password': 42})
        check(r.status == 400 and r.json()['code'] == 'bad_type', r)
        r = lan.put(PW, {'password': NEW_PW2}, headers={
            'Content-Type': 'text/plain'})
        check(r.status == 415, r)
        # a malformed body is not quoted back: it may hold a password
        for path, raw in ((PW, '{"password": "' + NEW_PW2),
                          (PW, '{"password": "' + NEW_PW2 + '", "p'),
                          ('/api/v1/users',
                           '{"name": "x", "password": "' + NEW_PW2 + '",,}')):
            r = lan.request('PUT' if path == PW else 'POST', path, raw=raw,
                            content_type='application/json')
            check(r.status == 400 and r.json()['code'] == 'bad_json' and
                  NEW_PW2[:6] not in r.body.decode('utf-8') and
                  r.json()['detail'].startswith('malformed JSON body at '
                                                'line 1'), r)
        # signed in with the password: a change ends the other sessions
        s1, s2 = srv.client(), srv.client()
        check(s1.login('lan', NEW_PW2).status == 200, 'login with the new')
        check(s2.login('lan', NEW_PW2).status == 200, 'a second session')
        csrf, s1.csrf = s1.csrf, None
        r = s1.put(PW, {'password': NEW_PW})
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        s1.csrf = csrf
        r = s1.put(PW, {'password': NEW_PW})
        check(r.status == 200, r)
        r = s1.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 200, f'the session that changed it stays: {r}')
        r = s2.get('/api/v1/audit?unit=48&limit=1')
        check(r.status == 401, f'the other session ended: {r}')
        r = srv.client().login('lan', NEW_PW2)
        check(r.status == 401, f'the old password still works: {r}')
        r = srv.client().login('lan', NEW_PW)
        check(r.status == 200, r)
        ev = cli_log(store, ['--action', 'user.passwd'])
        check([e['object'] for e in ev] ==
              ['user lan', 'user owner', 'user lan'],
              f'password events: {ev}')

        # ---- the audit log ------------------------------------------
        r = anon.get('/api/v1/audit')
        check(r.status == 401, r)
        r = editor_b.get('/api/v1/audit')
        check(r.status == 403, f'an editor reads the whole log: {r}')
        r = editor_b.get('/api/v1/audit?unit=48')
        check(r.status == 403, f'another unit\'s events: {r}')
        r = editor_a.get('/api/v1/audit?unit=48')
        check(r.status == 200 and r.json()['events'] and
              all(e['unit'] == '48' for e in r.json()['events']), r)
        r = viewer.get('/api/v1/audit')
        check(r.status == 200, r)
        every = r.json()['events'] if r.status == 200 else []
        cli_every = cli_log(store, [])
        check(len(every) == len(cli_every) and len(every) < 1000 and
              r.json()['next_after'] is None,
              f'{len(every)} events, the CLI {len(cli_every)}')
        check([e['seq'] for e in every] == list(range(1, len(every) + 1)),
              'seqs are not 1..n')
        check(all(e['prev'] == p['hash'] for p, e in zip(every, every[1:])),
              'prev does not chain')
        for k in ('at', 'actor', 'action', 'object', 'before', 'after',
                  'hash'):
            check(all(e[k] == c[k] for e, c in zip(every, cli_every)),
                  f'{k} differs from `dti audit log --json`')
        # filters, and the cursor through them
        q = 'cycle=dti-2022&action=submission.exclude'
        got, pages = page_all(viewer, q, 10)
        want = cli_log(store, ['--cycle', 'dti-2022', '--action',
                               'submission.exclude'])
        check(len(want) == 58 and pages == 6,
              f'{len(want)} exclusions in {pages} pages')
        check([e['seq'] for e in got] == [e['seq'] for e in want],
              'the cursor skipped or repeated events')
        check(all(e['action'] == 'submission.exclude' and
                  e['cycle'] == 'dti-2022' for e in got), 'filter')
        got, _ = page_all(viewer, 'user=reviewer', 3)
        want = cli_log(store, ['--user', 'reviewer'])
        check(len(got) == 6 and [e['seq'] for e in got] ==
              [e['seq'] for e in want] and
              all(e['actor'] == 'reviewer' for e in got),
              f'events of reviewer: {[e["action"] for e in got]}')
        r = viewer.get('/api/v1/audit?unit=' + quote('Đà Nẵng') +
                       '&cycle=dti-2022')
        want = cli_log(store, ['--unit', '48', '--cycle', 'dti-2022'])
        check(r.status == 200 and [e['seq'] for e in r.json()['events']] ==
              [e['seq'] for e in want] and len(want) >= 4,
              f'unit by name: {r}')
        r = viewer.get('/api/v1/audit?action=review.adjust')
        check(r.status == 200 and len(r.json()['events']) == 1 and
              r.json()['events'][0]['after'].get('reason') == 'report'
              if r.status == 200 else False, r)
        r = viewer.get('/api/v1/audit?after=5&limit=2')
        check(r.status == 200 and
              [e['seq'] for e in r.json()['events']] == [6, 7] and
              r.json()['next_after'] == 7, r)
        r = viewer.get(f'/api/v1/audit?after={len(every)}')
        check(r.status == 200 and r.json() ==
              {'events': [], 'next_after': None}, r)
        for bad in ('limit=0', 'limit=10001', 'limit=ten', 'after=-1',
                    'sort=seq'):
            r = viewer.get('/api/v1/audit?' + bad)
            check(r.status == 400, r)
        r = viewer.get('/api/v1/audit?limit=10000')
        check(r.status == 200, r)
        r = viewer.get('/api/v1/audit?unit=Atlantis')
        check(r.status == 404, r)

        # ---- verify -------------------------------------------------
        V = '/api/v1/audit/verify'
        r = anon.post(V)
        check(r.status == 401, r)
        r = editor_b.post(V)
        check(r.status == 403, f'an editor verifies the whole log: {r}')
        r = viewer.post(V)
        n_events = len(cli_log(store, []))
        check(r.status == 200 and r.json()['intact'] is True and
              r.json()['events'] == n_events and
              r.json()['bad_seq'] is None and r.json()['table'] is None, r)
        check(r.json().get('head') == cli_log(store, [])[-1]['hash']
              if r.status == 200 else False, r)
        # the signed checkpoint, as the object and as text
        cp_text = anon.get('/api/v1/cycles/dti-2022/checkpoint').body
        cp = json.loads(cp_text)
        r = viewer.post(V, {'checkpoint': cp})
        check(r.status == 200 and r.json()['intact'] is True and
              r.json()['checkpoint'] == 'valid', r)
        r = viewer.post(V, {'checkpoint': cp_text.decode('utf-8')})
        check(r.status == 200 and r.json()['intact'] is True and
              r.json()['checkpoint'] == 'valid', r)
        forged = dict(cp, time='2030-01-01T00:00:00Z')
        r = viewer.post(V, {'checkpoint': forged})
        check(r.status == 200 and r.json()['intact'] is False and
              r.json()['table'] == 'checkpoint' and
              r.json()['checkpoint'] == 'refused' and
              r.json()['problem'], r)
        r = viewer.post(V, {'checkpoint': 'not a checkpoint'})
        check(r.status == 200 and r.json()['intact'] is False and
              r.json()['checkpoint'] == 'refused', r)
        r = viewer.post(V, {'checkpoint': 7})
        check(r.status == 400 and r.json()['code'] == 'bad_type', r)
        r = viewer.post(V, {'other': 1})
        check(r.status == 400 and r.json()['code'] == 'unknown_field', r)

        # a figure changed behind the store's back
        tamper(store.path,
               "UPDATE figures SET value = 0.99 WHERE indicator = "
               "'awareness' AND submission_id = (SELECT s.id FROM "
               "submissions s JOIN cycles c ON c.id = s.cycle_id WHERE "
               "c.label = 'dti-2022' AND s.unit_id = '48')")
        r = viewer.post(V)
        check(r.status == 200 and r.json()['intact'] is False, r)
        if r.status == 200:
            body = r.json()
            check(body['table'] == 'figures' and
                  body['key'] == 'dti-2022/48/awareness' and
                  body['bad_seq'] is None and body['problem'] and
                  body['events'] == n_events, body)
        r = viewer.post(V, {'checkpoint': cp})
        check(r.status == 200 and r.json()['intact'] is False and
              r.json()['table'] == 'figures', r)
        # the log itself broken: an event edited
        tamper(store.path, "UPDATE audit SET actor = 'mallory' WHERE "
               "seq = 5")
        r = viewer.post(V)
        check(r.status == 200 and r.json()['intact'] is False and
              r.json()['bad_seq'] == 5, r)
    with open(os.path.join(store.dir, 'serve.err'), encoding='utf-8') as f:
        errors = f.read()
    with open(srv.log, encoding='utf-8') as f:
        access = f.read()
    # no password in any response or log; a token only where created
    texts = [(str(x), x.body) for x in RECEIVED]
    for pw in [NEW_PW, NEW_PW2, 'not-theirs-Secret-9'] + \
            [password(u) for u in ROLES]:
        b = pw.encode()
        check(not any(b in body for _, body in texts),
              'a password in a response')
        check(pw not in access and pw not in errors,
              'a password in the logs')
    for t in (tok1, tok2):
        holders = [what for what, body in texts if t.encode() in body]
        check(len(holders) == 1, f'token in {len(holders)} responses')
        check(t not in access and t not in errors,
              'a token in the logs')
finally:
    store.remove()
finish('server-api-admin')
