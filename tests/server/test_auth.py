"""
tests/server/test_auth.py - signing in: password sessions (cookie and
CSRF token), Bearer tokens, logout, expiry, login throttling.

    python3 test_auth.py DTI
"""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, Client, check, finish, password  # noqa: E402

dti = sys.argv[1]


def cookie_attrs(r):
    """The Set-Cookie headers of a response, each as (value, {attr})."""
    out = []
    for k, v in r.headers:
        if k.lower() != 'set-cookie':
            continue
        parts = [p.strip() for p in v.split(';')]
        attrs = {}
        for p in parts[1:]:
            name, _, val = p.partition('=')
            attrs[name.lower()] = val
        out.append((parts[0], attrs))
    return out


def login(srv, user, pw=None, headers=None):
    c = Client(srv)
    r = c.request('POST', '/api/v1/session',
                  {'user': user, 'password': pw or password(user)},
                  headers=headers)
    if r.status == 200:
        c.cookie = (r.header('Set-Cookie') or '').split(';')[0]
        c.csrf = r.json().get('csrf_token')
    return c, r


store = Store(dti)
try:
    with Server(store) as srv:
        # ---- a login: the cookie and the answer
        c, r = login(srv, 'owner')
        check(r.status == 200, r)
        body = r.json()
        check(set(body) == {'user', 'csrf_token', 'expires_at'}, r)
        check(body['user'] == 'owner', r)
        check(len(body['csrf_token']) >= 40, r)
        check(body['expires_at'].endswith('Z'), r)
        cookies = cookie_attrs(r)
        check(len(cookies) == 1, f'one Set-Cookie: {r.headers}')
        value, attrs = cookies[0]
        name, _, sid = value.partition('=')
        check(name == 'dti_session' and len(sid) >= 43, value)
        check('httponly' in attrs, f'HttpOnly: {attrs}')
        check(attrs.get('samesite') == 'Strict', f'SameSite: {attrs}')
        check(attrs.get('path') == '/', f'Path: {attrs}')
        check('secure' not in attrs, f'no Secure over plain HTTP: {attrs}')
        check(r.header('Cache-Control') == 'no-store', r)
        # two logins: two sessions, two ids, two CSRF tokens
        c2, r2 = login(srv, 'owner')
        check(r2.status == 200 and c2.cookie != c.cookie and
              c2.csrf != c.csrf, r2)

        # ---- who am I
        r = c.get('/api/v1/session')
        check(r.status == 200, r)
        me = r.json()
        check(me['user'] == 'owner' and me['auth'] == 'session', r)
        check(me['csrf_token'] == c.csrf, r)
        check({'role': 'owner', 'unit': None} in me['roles'], r)
        r = srv.client('editor_a').get('/api/v1/session')
        check(r.status == 200 and
              r.json()['roles'] == [{'role': 'editor', 'unit': '48'}], r)
        r = srv.client().get('/api/v1/session')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        t = srv.client('viewer', token=True)
        r = t.get('/api/v1/session')
        check(r.status == 200 and r.json()['auth'] == 'token' and
              r.json()['csrf_token'] is None and
              r.json()['expires_at'] is None, r)

        # ---- wrong password and unknown user: the same answer
        bad_pw = Client(srv).post('/api/v1/session',
                                  {'user': 'reviewer', 'password': 'nope'})
        no_user = Client(srv).post('/api/v1/session',
                                   {'user': 'nobody', 'password': 'nope'})
        check(bad_pw.status == 401 and no_user.status == 401,
              f'{bad_pw} / {no_user}')
        check(bad_pw.body == no_user.body, f'{bad_pw} / {no_user}')
        check(bad_pw.header('Set-Cookie') is None, bad_pw)
        # and about the same time: the unknown user's failure verifies a
        # dummy hash (without it, it is a hundred times faster)
        def timed(user):
            t0 = time.monotonic()
            Client(srv).post('/api/v1/session',
                             {'user': user, 'password': 'nope'})
            return time.monotonic() - t0
        wrong = sorted(timed('reviewer') for _ in range(3))[1]
        unknown = sorted(timed('nobody') for _ in range(3))[1]
        check(unknown > wrong * 0.3,
              f'unknown user {unknown:.3f}s, wrong password {wrong:.3f}s')
        # malformed bodies
        r = Client(srv).post('/api/v1/session', {'user': 'owner'})
        check(r.status == 400 and r.json()['code'] == 'missing_field', r)
        r = Client(srv).post('/api/v1/session',
                             {'user': 'owner', 'password': 'x', 'role': 1})
        check(r.status == 400 and r.json()['code'] == 'unknown_field', r)
        r = Client(srv).post('/api/v1/session', raw='user=owner',
                             content_type='application/x-www-form-urlencoded')
        check(r.status == 415, r)
        # a login from another site's page is refused
        c3, r = login(srv, 'owner',
                      headers={'Origin': 'https://evil.example'})
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        c3, r = login(srv, 'owner',
                      headers={'Origin': f'http://127.0.0.1:{srv.port}'})
        check(r.status == 200, r)

        # ---- CSRF: logout is the state change
        def still_in(client):
            return client.get('/api/v1/session').status == 200
        r = c.delete('/api/v1/session', headers={'X-CSRF-Token': ''})
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        check(still_in(c), 'the session survives a refused logout')
        r = c.delete('/api/v1/session',
                     headers={'X-CSRF-Token': c2.csrf})  # another's
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        nocsrf = Client(srv)
        nocsrf.cookie = c.cookie  # the cookie alone, as a forged form
        r = nocsrf.delete('/api/v1/session')
        check(r.status == 403 and r.json()['code'] == 'csrf' and
              'no X-CSRF-Token' in r.json()['detail'], r)
        check(still_in(c), 'the session survives')
        r = c.delete('/api/v1/session',
                     headers={'Origin': 'https://evil.example'})
        check(r.status == 403 and r.json()['code'] == 'csrf' and
              r.json().get('field') == 'Origin', r)
        check(still_in(c), 'the session survives')
        # ---- logout with the right token ends the session
        r = c.delete('/api/v1/session',
                     headers={'Origin': f'http://127.0.0.1:{srv.port}'})
        check(r.status == 204, r)
        ck = cookie_attrs(r)
        check(len(ck) == 1 and ck[0][0] == 'dti_session=' and
              ck[0][1].get('max-age') == '0', f'cleared: {r.headers}')
        r = c.get('/api/v1/session')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        check(any(v == 'dti_session=' for v, _ in cookie_attrs(r)),
              f'an ended session\'s cookie is cleared: {r.headers}')
        check(still_in(c2), 'the other session goes on')
        # an unknown cookie on a public route: anonymous, cookie cleared,
        # and a login with it gets a fresh id (one Set-Cookie)
        stale = Client(srv)
        stale.cookie = 'dti_session=' + 'A' * 43
        r = stale.post('/api/v1/session',
                       {'user': 'owner', 'password': password('owner')})
        ck = cookie_attrs(r)
        check(r.status == 200 and len(ck) == 1 and ck[0][0] != 'dti_session='
              and ck[0][0] != stale.cookie, f'{r} {r.headers}')

        # ---- Bearer tokens need no CSRF token; logout needs a session
        r = t.delete('/api/v1/session')
        check(r.status == 400 and r.json()['code'] == 'bad_argument', r)
        # a revoked token stops working at once
        tok = store.token('viewer', 'short-lived')
        tc = Client(srv, token=tok)
        check(tc.get('/api/v1/status').status == 200, 'token works')
        store.cli('user token viewer short-lived --revoke --user viewer')
        r = tc.get('/api/v1/status')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        # a Bearer token that does not hold is refused even on a public
        # route
        r = tc.post('/api/v1/session',
                    {'user': 'owner', 'password': password('owner')})
        check(r.status == 401, r)

        # ---- a user disabled while signed in is out at once
        ed, r = login(srv, 'editor_b')
        check(r.status == 200 and still_in(ed), r)
        db = sqlite3.connect(store.path)
        db.execute("UPDATE users SET disabled = 1 WHERE name = 'editor_b'")
        db.commit()
        db.close()
        r = ed.get('/api/v1/session')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        c4, r = login(srv, 'editor_b')
        check(r.status == 401, r)

    # ---- Secure: over TLS, i.e. behind a trusted proxy that says so
    with Server(store, ['--trust-proxy']) as srv:
        _, r = login(srv, 'owner', headers={'X-Forwarded-Proto': 'https'})
        check(r.status == 200 and 'secure' in cookie_attrs(r)[0][1], r)
        _, r = login(srv, 'owner')
        check(r.status == 200 and 'secure' not in cookie_attrs(r)[0][1], r)
        # behind the proxy the Origin is https
        cs, r = login(srv, 'owner', headers={'X-Forwarded-Proto': 'https'})
        r = cs.delete('/api/v1/session', headers={
            'X-Forwarded-Proto': 'https',
            'Origin': f'http://127.0.0.1:{srv.port}'})
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        r = cs.delete('/api/v1/session', headers={
            'X-Forwarded-Proto': 'https',
            'Origin': f'https://127.0.0.1:{srv.port}'})
        check(r.status == 204 and 'secure' in cookie_attrs(r)[0][1], r)
    with Server(store) as srv:
        # without --trust-proxy the header is not believed
        _, r = login(srv, 'owner', headers={'X-Forwarded-Proto': 'https'})
        check(r.status == 200 and 'secure' not in cookie_attrs(r)[0][1], r)

    # ---- expiry after --session-ttl idle seconds
    with Server(store, ['--session-ttl', '2']) as srv:
        c, r = login(srv, 'owner')
        check(r.status == 200, r)
        for _ in range(3):  # activity keeps it alive past the ttl
            time.sleep(1)
            r = c.get('/api/v1/session')
            check(r.status == 200, f'active session: {r}')
        time.sleep(3.5)
        r = c.get('/api/v1/session')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated',
              f'idle session: {r}')

    # ---- throttling, per account and per client address (the proxy's
    # X-Forwarded-For; documentation addresses, never contacted)
    with Server(store, ['--trust-proxy']) as srv:
        def attempt(user, pw, addr):
            return Client(srv).post(
                '/api/v1/session', {'user': user, 'password': pw},
                headers={'X-Forwarded-For': f'198.51.100.9, {addr}'})
        for i in range(5):
            r = attempt('viewer', 'wrong', '203.0.113.1')
            check(r.status == 401, f'failure {i + 1}: {r}')
        # the sixth is refused before the password is looked at
        r = attempt('viewer', password('viewer'), '203.0.113.1')
        check(r.status == 429 and r.json()['code'] == 'too_many_attempts',
              r)
        ra = r.header('Retry-After') or ''
        check(ra.isdigit() and 0 < int(ra) <= 900, f'Retry-After {ra!r}')
        r = attempt('viewer', password('viewer'), '203.0.113.50')
        check(r.status == 429, f'per account, from anywhere: {r}')
        r = attempt('owner', password('owner'), '203.0.113.1')
        check(r.status == 200, f'another account from there: {r}')
        # a success clears the account's count
        for i in range(4):
            check(attempt('reviewer', 'wrong', '203.0.113.3').status == 401,
                  'reviewer failure')
        check(attempt('reviewer', password('reviewer'),
                      '203.0.113.3').status == 200, 'reviewer success')
        for i in range(4):
            check(attempt('reviewer', 'wrong', '203.0.113.3').status == 401,
                  'reviewer failure after a success')
        check(attempt('reviewer', password('reviewer'),
                      '203.0.113.3').status == 200,
              'reviewer success after a reset')
        # an address: 20 failures over many names
        for i in range(20):
            r = attempt(f'guess{i}', 'wrong', '203.0.113.2')
            check(r.status == 401, f'address failure {i + 1}: {r}')
        r = attempt('admin', password('admin'), '203.0.113.2')
        check(r.status == 429 and r.header('Retry-After'), r)
        r = attempt('admin', password('admin'), '203.0.113.4')
        check(r.status == 200, f'from another address: {r}')
finally:
    store.remove()
finish('server-auth')
