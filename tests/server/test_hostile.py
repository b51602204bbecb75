"""
tests/server/test_hostile.py - requests meant to break the server: bodies
that are malformed JSON (the problem names line and column), of wrong
types, with unknown fields, duplicate keys, NUL or bytes that are not
UTF-8, too large; a huge header; clients that trickle bytes; paths that
climb (`..`, `%2e%2e%2f`), hold NUL (`%00`) or bytes that are not UTF-8;
unknown ids; expired sessions, forged CSRF tokens, revoked tokens, a role
taken back.  Each is refused with a 4xx problem document (except the huge
header, which libmicrohttpd refuses itself with 431) and changes nothing:
the audit head is the same before and after, and `dti audit verify`
passes at the end.

Endpoints that main does not have yet are named in KNOWN_MISSING (as in
test_roles.py): answered no_such_path or method_not_allowed they are
reported as SKIPPED.

    python3 test_hostile.py DTI
"""
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Store, Server, check, finish, password  # noqa: E402

# Endpoints not on main yet: empty it as they land (see test_roles.py).
KNOWN_MISSING = set()
UNIT_A = harness.UNIT_A
SUB = '/api/v1/cycles/o-main/submissions/' + UNIT_A
skipped = set()

SETUP = r'''
export DTI_USER=owner
dti cycle create o-main --year 2022 --framework pdti-2022 \
  --submit-deadline 2099-12-30 --review-deadline 2099-12-31 >/dev/null
dti cycle open o-main >/dev/null
'''


def problem(r):
    """The problem document of r, or None."""
    if r.header('Content-Type') != 'application/problem+json':
        return None
    try:
        p = r.json()
    except ValueError:
        return None
    return p if isinstance(p, dict) and p.get('status') == r.status else None


def missing(ep, r):
    """True (and noted) when ep is known missing and the server says so."""
    p = problem(r)
    if ep in KNOWN_MISSING and p and p.get('code') in (
            'no_such_path', 'method_not_allowed'):
        r.contract = False
        skipped.add(ep)
        return True
    return False


class Hostile:
    def __init__(self, srv):
        self.srv = srv
        self.admin = srv.client('admin', token=True)

    def head(self):
        r = self.admin.get('/api/v1/status')
        return r.json().get('audit_head') if r.status == 200 else None

    def send(self, c, ep, method, path, want, code=None, what='', **kw):
        """Sends a hostile request: a 4xx problem of status want (an int
        or a tuple) and code (when given), and nothing changed."""
        before = self.head()
        r = c.request(method, path, **kw)
        if missing(ep, r):
            return None
        p = problem(r)
        wants = want if isinstance(want, tuple) else (want,)
        check(r.status in wants and p is not None,
              f'{what}: expected {wants} problem: {r}')
        if code and p:
            codes = code if isinstance(code, tuple) else (code,)
            check(p.get('code') in codes, f'{what}: code {codes}: {r}')
        check(before is not None and self.head() == before,
              f'{what}: the audit head changed')
        return p


def json_attacks(h, c, ep, method, path, good, wrong):
    """Every malformed body against one endpoint (good: a valid body,
    wrong: (field, a body where field has the wrong type))."""
    def raw(text, what, want=400, code='bad_json'):
        data = text if isinstance(text, bytes) else text.encode('utf-8')
        return h.send(c, ep, method, path, want, code, f'{ep}: {what}',
                      raw=data, content_type='application/json')
    p = raw('{\n  "user": "x",\n  oops\n}', 'malformed JSON')
    if p:
        check(p.get('line') == 3 and isinstance(p.get('column'), int),
              f'{ep}: malformed JSON names line 3 and a column: {p}')
    raw(b'{"a": "x", "a": "y"}', 'duplicate keys')
    key = next(iter(good))
    dup = '{"%s": %s, "%s": %s' % (key, harness.json.dumps(good[key]), key,
                                   harness.json.dumps(good[key]))
    for k, v in list(good.items())[1:]:
        dup += ', "%s": %s' % (k, harness.json.dumps(v))
    raw(dup + '}', 'a duplicate key of a valid body')
    raw('[1, 2]', 'not an object')
    raw('', 'empty body')
    raw(b'{"user": "\xff\xfe", "password": "x"}', 'not UTF-8',
        code=('bad_json', 'bad_encoding'))
    raw('{"user": "a\\u0000b", "password": "x"}', 'NUL in a string',
        code=('bad_json', 'bad_type', 'bad_encoding'))
    raw('{"user": "x"} trailing', 'text after the object')
    # jansson's message quotes the input cut mid-character: the problem
    # must still be UTF-8 (found by fuzz_srv_json)
    raw(b'{"user": "a\\u00e9\\ud8\xd5\x9b\xa3\x8a"}',
        'a bad escape next to bytes that are not UTF-8')
    raw('{' * 5000 + '}' * 5000, 'deep nesting')
    body = dict(good, zz_unknown=1)
    p = h.send(c, ep, method, path, 400, 'unknown_field',
               f'{ep}: unknown field', body=body)
    if p:
        check(p.get('field') == 'zz_unknown', f'{ep}: field named: {p}')
    field, bad = wrong
    p = h.send(c, ep, method, path, 400, 'bad_type', f'{ep}: wrong type',
               body=bad)
    if p:
        check(p.get('field') == field, f'{ep}: field {field} named: {p}')
    h.send(c, ep, method, path, 415, 'unsupported_media_type',
           f'{ep}: text/plain', raw=harness.json.dumps(good),
           content_type='text/plain')
    h.send(c, ep, method, path, 413, 'too_large', f'{ep}: oversized',
           raw=b'{"user": "' + b'x' * (2 << 20) + b'"}',
           content_type='application/json')


def trickle(port, stop, sent):
    """A slowloris client: a request header one byte at a time."""
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    line = b'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + \
        b'a' * 1000
    try:
        for b in line:
            if stop.is_set():
                break
            s.sendall(bytes([b]))
            sent[0] += 1
            time.sleep(0.2)
    except OSError:
        pass  # dropped by the server: fine
    finally:
        s.close()


def raw_request(port, data, timeout=10):
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    try:
        s.sendall(data)
        out = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            if b'\r\n\r\n' in out:
                head, _, rest = out.partition(b'\r\n\r\n')
                n = 0
                for ln in head.split(b'\r\n'):
                    if ln.lower().startswith(b'content-length:'):
                        n = int(ln.split(b':')[1])
                if len(rest) >= n:
                    break
        return out
    except OSError as e:
        return ('error: %s' % e).encode()
    finally:
        s.close()


dti = sys.argv[1]
store = Store(dti, setup=SETUP)
try:
    with Server(store, args=['--session-ttl', '60']) as srv:
        h = Hostile(srv)
        anon = srv.client()
        # a session left idle, to be expired at the end (60 s, the least)
        idle = harness.Client(srv)
        r = idle.login('viewer')
        idle_since = time.monotonic()
        if missing('POST /api/v1/session', r):
            idle = None
        else:
            check(r.status == 200, f'login: {r}')
        owner = srv.client('owner', token=True)
        editor = srv.client('editor_a', token=True)
        viewer = srv.client('viewer', token=True)

        # -- bodies --------------------------------------------------------
        json_attacks(h, anon, 'POST /api/v1/session', 'POST',
                     '/api/v1/session',
                     {'user': 'viewer', 'password': password('viewer')},
                     ('user', {'user': 5, 'password': 'x'}))
        json_attacks(h, owner, 'POST /api/v1/cycles', 'POST',
                     '/api/v1/cycles',
                     {'label': 'h-2022', 'year': 2022, 'level': 'province',
                      'framework': 'pdti-2022'},
                     ('year', {'label': 'h-2022', 'year': '2022',
                               'level': 'province',
                               'framework': 'pdti-2022'}))
        json_attacks(h, editor, 'PATCH ' + '/api/v1/cycles/{cycle}/'
                     'submissions/{unit}', 'PATCH', SUB,
                     {'figures': [{'indicator': 'awareness', 'value': 0.5}]},
                     ('figures', {'figures': 'awareness=0.5'}))
        # a bad If-Match is refused before anything is read
        h.send(editor, 'PATCH /api/v1/cycles/{cycle}/submissions/{unit}',
               'PATCH', SUB, 400, 'bad_header', 'bad If-Match',
               body={'figures': [{'indicator': 'awareness', 'value': 0.5}]},
               headers={'If-Match': 'v1; DROP TABLE'})
        # a body on a route that takes none, over the limit
        h.send(viewer, 'GET /api/v1/status', 'GET', '/api/v1/status', 413,
               'too_large', 'oversized GET body', raw=b'x' * (2 << 20),
               content_type='application/octet-stream')

        # -- paths ---------------------------------------------------------
        for path in ['/api/v1/evidence/../../etc/passwd',
                     '/api/v1/evidence/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
                     '/api/v1/evidence/..%2f..%2fetc%2fpasswd',
                     '/api/v1/%2e%2e/%2e%2e/etc/passwd',
                     '/api/v1/status%00', '/api/v1/status%00x',
                     '/api/v1//status']:
            h.send(viewer, 'GET ' + path, 'GET', path, 404, 'no_such_path',
                   f'path {path}')
        # outside /api, a path that leads nowhere is the 404 page
        for path in ['/healthz%00.json', '/static/../../etc/passwd',
                     '/static/%2e%2e%2fdti.db', '/cycles/%00']:
            r = viewer.get(path)
            check(r.status in (400, 404) and b'root:' not in r.body and
                  b'SQLite' not in r.body, f'path {path}: {r}')
        h.send(viewer, 'GET /api/v1/evidence/{id}', 'GET',
               '/api/v1/evidence/1%00.pdf', (400, 404), None, 'NUL in an id')
        for path in ['/api/v1/units/%ff%fe', '/api/v1/units/%c3%28',
                     '/api/v1/cycles/%0a', '/api/v1/status?x=%ff',
                     '/api/v1/status?%ff=1', '/api/v1/units/%ed%a0%80']:
            h.send(viewer, 'GET ' + path, 'GET', path, 400, 'bad_encoding',
                   f'path {path}')
        out = raw_request(srv.port, b'GET /api/v1/st\xffatus HTTP/1.1\r\n'
                          b'Host: 127.0.0.1\r\nConnection: close\r\n\r\n')
        check(out.startswith(b'HTTP/1.1 400') and
              b'application/problem+json' in out, f'raw byte in path: {out}')

        # -- unknown ids -----------------------------------------------------
        for ep, path in [
                ('GET /api/v1/evidence/{id}', '/api/v1/evidence/999999'),
                ('GET /api/v1/evidence/{id}', '/api/v1/evidence/-1'),
                ('GET /api/v1/evidence/{id}',
                 '/api/v1/evidence/99999999999999999999999'),
                ('GET /api/v1/cycles/{cycle}', '/api/v1/cycles/no-such'),
                ('GET /api/v1/cycles/{cycle}/submissions/{unit}',
                 '/api/v1/cycles/o-main/submissions/no-such-unit'),
                ('GET /api/v1/units/{unit}', '/api/v1/units/no-such-unit'),
                ('GET /api/v1/frameworks/{ref}',
                 '/api/v1/frameworks/no-such-framework')]:
            h.send(viewer, ep, 'GET', path, (400, 404),
                   ('not_found', 'bad_argument', 'unknown_value'),
                   f'unknown id {path}')

        # -- credentials -----------------------------------------------------
        bad = srv.client()
        bad.token = 'dti_' + '0' * 64
        h.send(bad, 'GET /api/v1/status', 'GET', '/api/v1/status', 401,
               'unauthenticated', 'a made-up token')
        h.send(anon, 'GET /api/v1/status', 'GET', '/api/v1/status', 401,
               'unauthenticated', 'Basic credentials',
               headers={'Authorization': 'Basic dmlld2VyOng='})
        h.send(anon, 'GET /api/v1/status', 'GET', '/api/v1/status', 401,
               'unauthenticated', 'an empty Bearer',
               headers={'Authorization': 'Bearer '})
        # a revoked token
        tok = store.token('reviewer', 'to-revoke')
        rc = srv.client()
        rc.token = tok
        r = rc.get('/api/v1/status')
        check(r.status == 200, f'the token works before: {r}')
        store.cli('user token reviewer to-revoke --revoke --user reviewer')
        h.send(rc, 'GET /api/v1/status', 'GET', '/api/v1/status', 401,
               'unauthenticated', 'a revoked token')
        # a role taken back: the token holds, the rights do not
        store.cli('user role owner owner --revoke --user admin')
        h.send(owner, 'POST /api/v1/cycles', 'POST', '/api/v1/cycles', 403,
               'forbidden', 'an owner no longer',
               body={'label': 'h-2022', 'year': 2022, 'level': 'province',
                     'framework': 'pdti-2022'})
        store.cli('user role editor_a editor --unit 48 --revoke --user admin')
        h.send(editor, 'PATCH /api/v1/cycles/{cycle}/submissions/{unit}',
               'PATCH', SUB, 403, 'forbidden', 'an editor no longer',
               body={'figures': [{'indicator': 'awareness', 'value': 0.5}]})
        # sessions: forged CSRF, a foreign Origin, an expired session
        c = harness.Client(srv)
        r = c.login('viewer')
        if not missing('POST /api/v1/session', r):
            check(r.status == 200, f'login: {r}')
            csrf = c.csrf
            c.csrf = 'forged-' + (csrf or '')[7:]
            h.send(c, 'DELETE /api/v1/session', 'DELETE', '/api/v1/session',
                   403, 'csrf', 'a forged CSRF token')
            c.csrf = None
            h.send(c, 'DELETE /api/v1/session', 'DELETE', '/api/v1/session',
                   403, 'csrf', 'no CSRF token')
            c.csrf = csrf
            h.send(c, 'DELETE /api/v1/session', 'DELETE', '/api/v1/session',
                   403, 'csrf', 'a foreign Origin',
                   headers={'Origin': 'https://evil.example'})
            r = c.get('/api/v1/session')
            check(r.status == 200 or missing('GET /api/v1/session', r),
                  f'the session holds: {r}')
            forged = harness.Client(srv)
            forged.cookie = c.cookie.split('=')[0] + '=' + 'A' * 43
            h.send(forged, 'GET /api/v1/status', 'GET', '/api/v1/status',
                   401, 'unauthenticated', 'a made-up session cookie')
        # wrong passwords are refused, and then throttled
        for i in range(3):
            r = anon.post('/api/v1/session',
                          {'user': 'viewer', 'password': 'wrong-' + str(i)})
            if missing('POST /api/v1/session', r):
                break
            check(r.status in (401, 429) and problem(r), f'bad password {r}')

        # -- transport -------------------------------------------------------
        before = h.head()
        out = raw_request(srv.port, b'GET /healthz HTTP/1.1\r\nHost: x\r\n'
                          b'X-Big: ' + b'a' * 200000 + b'\r\n\r\n')
        check(out.startswith(b'HTTP/1.1 431') or
              out.startswith(b'HTTP/1.1 413') or
              out.startswith(b'HTTP/1.1 400'), f'huge header: {out[:200]}')
        # slowloris: clients trickling a header hold connections while
        # others are served promptly (dropping them is the read timeout's
        # job, 30 s: longer than this test waits)
        stop = threading.Event()
        sent = [0]
        slow = [threading.Thread(target=trickle, args=(srv.port, stop, sent))
                for _ in range(12)]
        for t in slow:
            t.start()
        time.sleep(1)
        for i in range(5):
            t0 = time.monotonic()
            r = anon.get('/healthz')
            check(r.status == 200 and time.monotonic() - t0 < 3,
                  f'served while slow clients trickle: {r}')
        stop.set()
        for t in slow:
            t.join()
        check(sent[0] > 12, 'the slow clients sent something')
        check(h.head() == before, 'the transport attacks changed the audit')
        r = anon.get('/healthz')
        check(r.status == 200, f'alive after it all: {r}')
        if idle:
            time.sleep(max(0.0, idle_since + 62 - time.monotonic()))
            h.send(idle, 'GET /api/v1/session', 'GET', '/api/v1/session',
                   401, 'unauthenticated', 'an expired session')
            h.send(idle, 'GET /api/v1/status', 'GET', '/api/v1/status',
                   401, 'unauthenticated', 'an expired session (status)')
    out = subprocess.run([store.dti, 'audit', 'verify'], env=store.env,
                         cwd=store.dir, capture_output=True, text=True)
    check(out.returncode == 0, f'audit verify: {out.stdout}{out.stderr}')
finally:
    store.remove()
for e in sorted(skipped):
    print(f'SKIPPED (not on this branch yet): {e}')
finish('server-hostile')
