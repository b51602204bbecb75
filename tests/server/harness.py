"""
tests/server/harness.py - what the server tests share: a store made with
the command line, a `dti serve` on a free loopback port, and clients that
sign in with a password (cookie + CSRF token) or a Bearer token.

    from harness import Store, Server, check
    store = Store(dti)                       # a temporary store, users below
    with Server(store) as srv:
        c = srv.client('owner')              # signed in with the password
        r = c.get('/api/v1/cycles')
        check(r.status == 200, r)

Users of Store(dti, published=...) (password = name + '-secret-pw'):
  admin (admin), owner (owner), reviewer (reviewer), viewer (viewer),
  editor_a (editor of unit 48, Đà Nẵng), editor_b (editor of unit 01,
  Hà Nội).
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROLES = ['admin', 'owner', 'reviewer', 'viewer', 'editor_a', 'editor_b']
UNIT_A, UNIT_B = '48', '01'
FAILED = []


def password(user):
    return user + '-secret-pw'


def check(cond, what):
    """Records a failure (with what: a message or a Response) and goes on."""
    if not cond:
        FAILED.append(str(what))
        print('FAIL:', what, file=sys.stderr)
    return cond


# Every response is checked against doc/openapi.json at finish() (see
# contract.py); a test that sends what HTTP itself forbids may mark a
# response with r.contract = False.
CHECK_CONTRACT = True


def finish(name):
    """Ends a test program: checks every received response against the
    contract (doc/openapi.json), then exits 1 if any check failed."""
    if CHECK_CONTRACT:
        try:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import contract
            problems = contract.check(RECEIVED)
        except ImportError as e:
            problems = [f'contract: cannot check ({e}): install '
                        'python3-jsonschema (scripts/install-deps.sh)']
        for m in problems:
            check(False, m)
        print(f'{name}: {len(RECEIVED)} responses checked against '
              'doc/openapi.json')
    if FAILED:
        print(f'{name}: {len(FAILED)} failed', file=sys.stderr)
        sys.exit(1)
    print(f'{name}: ok')
    sys.exit(0)


SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Setup shell for Store(): DTI 2021 and 2022 of the 63 provinces published
# from the bundled demo figures ($demo names the file for what follows).
PUBLISHED_2021_2022 = f"""
demo={SRC}/data/demo/pdti-2022-demo.csv
{{
for y in 2021 2022; do
  dti cycle create dti-$y --year $y --framework pdti-2022 --user owner
  dti cycle open dti-$y --user owner
  dti submission import dti-$y "$demo" --data-cycle $y --and-submit \\
    --user owner
  dti cycle review dti-$y --user owner
  dti review approve dti-$y --all-submitted --user reviewer
  dti cycle close dti-$y --user owner
  dti publish dti-$y --user owner
done
}} >/dev/null
"""


class Store:
    """A temporary SQLite store with the users above and the bundled
    provinces and frameworks.  setup: more shell run in its directory
    (DTI_DB set) after the users exist."""

    def __init__(self, dti, setup='', allow_now=False):
        self.dti = os.path.abspath(dti)
        self.dir = tempfile.mkdtemp(prefix='dti-server-')
        self.path = os.path.join(self.dir, 'dti.db')
        self.env = dict(os.environ, DTI_DB=self.path, LC_ALL='C.UTF-8',
                        NO_COLOR='1')
        self.env.pop('DTI_USER', None)
        self.env.pop('DTI_NOW', None)
        self.tokens = {}
        init = [self.dti, 'db', 'init', '--admin', 'admin',
                '--password-stdin']
        if allow_now:
            init.append('--allow-dti-now')
        self.run(init, stdin=password('admin') + '\n')
        for u in ROLES[1:]:
            self.run([self.dti, 'user', 'add', u, '--password-stdin',
                      '--user', 'admin'], stdin=password(u) + '\n')
        self.cli('user role owner owner --user admin')
        self.cli('user role reviewer reviewer --user admin')
        self.cli('user role viewer viewer --user admin')
        self.cli(f'user role editor_a editor --unit {UNIT_A} --user admin')
        self.cli(f'user role editor_b editor --unit {UNIT_B} --user admin')
        if setup:
            self.shell(setup)

    def run(self, argv, stdin=None):
        p = subprocess.run(argv, cwd=self.dir, env=self.env, input=stdin,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f'{argv}: exit {p.returncode}: {p.stderr}')
        return p.stdout

    def cli(self, args, stdin=None):
        """Runs dti with a shell-like argument string (no quoting)."""
        return self.run([self.dti] + args.split(), stdin=stdin)

    def shell(self, script):
        env = dict(self.env, PATH=os.path.dirname(self.dti) + os.pathsep +
                   self.env.get('PATH', '/usr/bin:/bin'))
        p = subprocess.run(['bash', '-ec', script], cwd=self.dir, env=env,
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f'setup failed: {p.stderr}')
        return p.stdout

    def token(self, user, label='test'):
        """An API token of user (made once per label)."""
        key = (user, label)
        if key not in self.tokens:
            out = self.cli(f'user token {user} {label} --user {user}')
            self.tokens[key] = out.strip().split()[-1]
        return self.tokens[key]

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Response:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path = method, path
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body.decode('utf-8'))

    def __str__(self):
        return (f'{self.method} {self.path} -> {self.status} '
                f'{self.body[:300]!r}')


# Every response a test receives, for the OpenAPI check.
RECEIVED = []


class Client:
    """A client of one server: anonymous, with a token, or signed in."""

    def __init__(self, server, token=None):
        self.server = server
        self.token = token
        self.cookie = None
        self.csrf = None

    def login(self, user, pw=None):
        r = self.post('/api/v1/session',
                      {'user': user, 'password': pw or password(user)})
        if r.status == 200:
            c = r.header('Set-Cookie') or ''
            self.cookie = c.split(';')[0]
            self.csrf = r.json().get('csrf_token')
        return r

    def request(self, method, path, body=None, headers=None, raw=None,
                content_type=None):
        h = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            h['Content-Type'] = 'application/json'
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode('utf-8')
        if content_type:
            h['Content-Type'] = content_type
        if self.token:
            h['Authorization'] = 'Bearer ' + self.token
        if self.cookie:
            h['Cookie'] = self.cookie
            if self.csrf and method not in ('GET', 'HEAD'):
                h['X-CSRF-Token'] = self.csrf
        h.update(headers or {})
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port,
                                          timeout=60)
        try:
            try:
                conn.request(method, path, body=data, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                # the server answered before reading the whole body
                # (413): its answer is still there to read
                pass
            resp = conn.getresponse()
            r = Response(method, path, resp.status, resp.getheaders(),
                         resp.read())
        finally:
            conn.close()
        RECEIVED.append(r)
        return r

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request('PUT', path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request('PATCH', path, body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)


class Server:
    """`dti serve` over a Store on a free loopback port; a context manager
    that stops it with SIGTERM and checks that it exits 0."""

    def __init__(self, store, args=(), env=None):
        self.store = store
        self.log = os.path.join(store.dir, 'access.log')
        self.err = open(os.path.join(store.dir, 'serve.err'), 'w+')
        e = dict(store.env, **(env or {}))
        self.proc = subprocess.Popen(
            [store.dti, 'serve', '--db', store.path, '--port', '0',
             '--access-log', self.log] + list(args),
            cwd=store.dir, env=e, stdout=subprocess.PIPE, stderr=self.err,
            stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r'listening on http://127\.0\.0\.1:(\d+)/', line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            self.err.seek(0)
            raise RuntimeError('dti serve did not start: ' + line +
                               self.err.read())
        self.port = int(m.group(1))
        self.url = f'http://127.0.0.1:{self.port}'

    def client(self, user=None, token=False):
        """Anonymous (user None), signed in with the password, or (token
        True) with an API token."""
        if user and token:
            return Client(self, token=self.store.token(user))
        c = Client(self)
        if user:
            r = c.login(user)
            if r.status != 200:
                raise RuntimeError(f'login of {user}: {r}')
        return c

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                check(False, 'dti serve did not stop on SIGTERM')
        self.err.seek(0)
        errors = self.err.read()
        self.err.close()
        check(self.proc.returncode == 0,
              f'dti serve exited {self.proc.returncode}: {errors}')
        return errors

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
