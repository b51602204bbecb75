"""
tests/server/test_daemon.py - the daemon around the API: configuration
(file < DTI_* environment < flags, errors that name their line), --demo,
slow clients (slowloris), header limits, /readyz on a store that needs
migrating, and the graceful stop on SIGTERM with a request in flight.

    python3 test_daemon.py DTI
"""
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, Client, check, finish, password  # noqa: E402

dti = os.path.abspath(sys.argv[1])
store = Store(dti)
env = {k: v for k, v in store.env.items() if not k.startswith('DTI_')}


def serve(args, extra_env=None, cwd=None):
    """Runs `dti serve ARGS` to its end (for --check and errors)."""
    return subprocess.run([dti, 'serve'] + args, cwd=cwd or store.dir,
                          env=dict(env, **(extra_env or {})),
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def settings(out):
    """--check's output: {key: (value, source)}."""
    got = {}
    for line in out.splitlines():
        m = re.match(r'^(\S+) = (.*?)\s+# (.*)$', line)
        if m:
            got[m.group(1)] = (m.group(2), m.group(3))
    return got


def write(name, text):
    path = os.path.join(store.dir, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def closed_within(sock, seconds):
    """Seconds until the server closed sock (reads b'' or a reset), or
    None if still open after `seconds`."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        r, _, _ = select.select([sock], [], [], 0.1)
        if r:
            try:
                if sock.recv(4096) == b'':
                    return time.monotonic() - t0
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - t0
    return None


DEPLOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                      'doc', 'deploy')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def deploy_examples():
    """doc/deploy: the sample configuration holds, the systemd unit
    verifies (where systemd-analyze is), and the nginx example is valid
    and, run on loopback ports with a throwaway certificate in front of
    dti serve, serves a sign-in over TLS (where nginx and openssl are)."""
    conf = os.path.join(DEPLOY, 'dti-serve.conf')
    p = serve(['--config', conf, '--check'])
    check(p.returncode == 0, f'doc/deploy/dti-serve.conf: {p.stderr}')
    got = settings(p.stdout)
    with open(os.path.join(DEPLOY, 'nginx-dti.conf'), encoding='utf-8') as f:
        nginx_conf = f.read()
    m = re.search(r'client_max_body_size (\d+)m;', nginx_conf)
    check(m and int(m.group(1)) << 20 > int(got['max-upload'][0]),
          'nginx takes the largest upload dti takes')
    with open(os.path.join(DEPLOY, 'dti.service'), encoding='utf-8') as f:
        unit = f.read()
    check('ExecStart=/usr/local/bin/dti serve --config '
          '/etc/dti/dti-serve.conf\n' in unit and
          'KillSignal=SIGTERM' in unit, 'the unit runs dti serve')
    tmp = os.path.join(store.dir, 'deploy')
    os.makedirs(tmp)
    if shutil.which('systemd-analyze'):
        path = os.path.join(tmp, 'dti.service')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(unit.replace('/usr/local/bin/dti', dti))
        p = subprocess.run(['systemd-analyze', 'verify', '--man=no', path],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0 and not p.stderr.strip(),
              f'systemd-analyze verify: {p.stderr}')
    else:
        print('server-daemon: no systemd-analyze: the unit is not verified')
    if not (shutil.which('nginx') and shutil.which('openssl')):
        print('server-daemon: no nginx or openssl: the nginx example is '
              'not tried')
        return
    p = subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                        '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
                        '-days', '1', '-subj', '/CN=127.0.0.1'],
                       cwd=tmp, capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f'openssl: {p.stderr}')
    srv = Server(store, ['--trust-proxy'])
    tls_port, plain_port = free_port(), free_port()
    site = nginx_conf.replace(
        '/etc/letsencrypt/live/dti.example.gov.vn/fullchain.pem',
        f'{tmp}/cert.pem').replace(
        '/etc/letsencrypt/live/dti.example.gov.vn/privkey.pem',
        f'{tmp}/key.pem').replace(
        'server 127.0.0.1:8080;', f'server 127.0.0.1:{srv.port};').replace(
        'listen 443 ssl http2;', f'listen 127.0.0.1:{tls_port} ssl http2;')
    site = re.sub(r'\n\s*listen \[::\]:\d+[^;]*;', '', site)
    site = site.replace('listen 80;', f'listen 127.0.0.1:{plain_port};')
    check(f'{tmp}/key.pem' in site and str(srv.port) in site and
          'listen 443' not in site and 'listen 80' not in site,
          'the nginx copy points at the test')
    with open(os.path.join(tmp, 'dti.conf'), 'w', encoding='utf-8') as f:
        f.write(site)
    temps = ''.join(f'    {k}_temp_path {tmp}/{k};\n'
                    for k in ('client_body', 'proxy', 'fastcgi', 'uwsgi',
                              'scgi'))
    with open(os.path.join(tmp, 'nginx.conf'), 'w', encoding='utf-8') as f:
        f.write(f'pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n'
                f'events {{}}\nhttp {{\n    access_log {tmp}/access.log;\n'
                f'{temps}    include {tmp}/dti.conf;\n}}\n')
    base = ['nginx', '-p', tmp + '/', '-e', f'{tmp}/error.log', '-c',
            f'{tmp}/nginx.conf']
    nginx = None
    try:
        p = subprocess.run(base + ['-t'], capture_output=True, text=True,
                           timeout=60)
        check(p.returncode == 0, f'nginx -t: {p.stderr}')
        if p.returncode != 0:
            return
        nginx = subprocess.Popen(
            base + ['-g', 'daemon off; master_process off;'],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', tls_port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        ctx = ssl.create_default_context(cafile=f'{tmp}/cert.pem')
        ctx.check_hostname = False

        def ask(method, path, body=None, headers=None):
            c = http.client.HTTPSConnection('127.0.0.1', tls_port,
                                            context=ctx, timeout=60)
            h = dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h['Content-Type'] = 'application/json'
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            out = (r.status, dict((k.lower(), v) for k, v in
                                  r.getheaders()), r.read())
            c.close()
            return out

        status, h, body = ask('POST', '/api/v1/session',
                              {'user': 'owner',
                               'password': password('owner')})
        check(status == 200 and 'secure' in h.get('set-cookie', '').lower(),
              f'login over TLS through nginx: {status} {h} {body[:200]}')
        check(h.get('strict-transport-security', '').startswith('max-age='),
              f'HSTS: {h}')
        if status == 200:
            cookie = h['set-cookie'].split(';')[0]
            csrf = json.loads(body)['csrf_token']
            status, h, body = ask('DELETE', '/api/v1/session', headers={
                'Cookie': cookie, 'X-CSRF-Token': csrf,
                'Origin': f'https://127.0.0.1:{tls_port}'})
            check(status == 204, f'logout with the https Origin: {status} '
                  f'{body[:200]}')
        c = http.client.HTTPConnection('127.0.0.1', plain_port, timeout=30)
        c.request('GET', '/healthz')
        r = c.getresponse()
        check(r.status == 301 and
              (r.getheader('Location') or '').startswith('https://'),
              f'plain HTTP is sent to https: {r.status}')
        c.close()
    finally:
        if nginx:
            nginx.terminate()
            nginx.communicate(timeout=30)
        srv.stop()


try:
    # ---- configuration: file < environment < flags
    conf = write('dti-serve.conf', f"""# a comment, then settings
db = {store.path}
port = 1111
threads = 3
timeout = 7

max-body = 2m
access-log = "{store.dir}/from-file.log"
trust-proxy = yes
""")
    p = serve(['--config', conf, '--check', '--threads', '6'],
              {'DTI_PORT': '2222', 'DTI_THREADS': '5', 'DTI_DEMO': 'on'})
    check(p.returncode == 0, f'--check: {p.stderr}')
    got = settings(p.stdout)
    check(got.get('port') == ('2222', 'DTI_PORT'), got.get('port'))
    check(got.get('threads') == ('6', '--threads'), got.get('threads'))
    check(got.get('timeout') == ('7', f'{conf}:5'), got.get('timeout'))
    check(got.get('max-body') == (str(2 << 20), f'{conf}:7'),
          got.get('max-body'))
    check(got.get('access-log') == (f'{store.dir}/from-file.log',
                                    f'{conf}:8'), got.get('access-log'))
    check(got.get('trust-proxy') == ('yes', f'{conf}:9'),
          got.get('trust-proxy'))
    check(got.get('demo') == ('yes', 'DTI_DEMO'), got.get('demo'))
    check(got.get('listen') == ('127.0.0.1', 'default'), got.get('listen'))
    check(len(got) == 14, f'every setting is listed: {sorted(got)}')
    # a later flag wins over an earlier one
    p = serve(['--port', '1', '--port', '2', '--check'])
    check(settings(p.stdout).get('port') == ('2', '--port'), p.stdout)
    # a password in smtp-url is not printed
    p = serve(['--smtp-url', 'smtp://mail:s3cret@localhost:25', '--check'])
    check(p.returncode == 0 and 's3cret' not in p.stdout and
          'smtp://mail:***@localhost:25' in p.stdout, p.stdout)

    # the file really is what the server runs with
    conf2 = write('run.conf', f'db = {store.path}\nport = 0\n'
                  f'access-log = {store.dir}/run.log\ndemo = yes\n')
    proc = subprocess.Popen([dti, 'serve', '--config', conf2],
                            cwd=store.dir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    line = proc.stdout.readline()
    m = re.search(r'listening on http://127\.0\.0\.1:(\d+)/', line)
    check(m is not None, f'started from the file: {line!r}')
    if m:
        s = socket.create_connection(('127.0.0.1', int(m.group(1))))
        s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\n'
                  b'Connection: close\r\n\r\n')
        answer = b''
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        s.close()
        check(answer.startswith(b'HTTP/1.1 200') and
              b'X-DTI-Data: synthetic demo data' in answer, answer[:300])
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    check(proc.returncode == 0, f'exit {proc.returncode}: {err}')
    with open(os.path.join(store.dir, 'run.log'), encoding='utf-8') as f:
        check('"GET /healthz" 200' in f.read(), 'the access log of the file')

    # ---- configuration errors name where they are, exit 2
    bad = write('bad.conf', 'port = 8080\n\nprot = 8081\n')
    p = serve(['--config', bad])
    check(p.returncode == 2 and
          f"{bad}:3: unknown key 'prot' (did you mean 'port'?)" in p.stderr,
          f'{p.returncode} {p.stderr}')
    for text, want in [
            ('threads = 0\n', ':1: threads wants a whole number from 1'),
            ('# x\nport = 8080\nport = 8081\n',
             ":3: 'port' is already set on line 2"),
            ('listen 127.0.0.1\n', ":1: expected 'key = value'"),
            ('listen = localhost\n', ':1: listen wants an IPv4 or IPv6'),
            ('demo = maybe\n', ":1: demo wants yes or no, not 'maybe'"),
            ('base-url = ftp://x\n', ':1: base-url wants a URL'),
            ('max-upload = 10q\n', ":1: max-upload wants a whole number"),
            ('db =\n', ':1: db wants a value')]:
        bad = write('bad.conf', text)
        p = serve(['--config', bad, '--check'])
        check(p.returncode == 2 and bad + want in p.stderr,
              f'{text!r}: {p.returncode} {p.stderr}')
    p = serve(['--config', os.path.join(store.dir, 'missing.conf')])
    check(p.returncode == 3 and 'missing.conf' in p.stderr, p.stderr)
    p = serve(['--check'], {'DTI_PORT': 'eighty'})
    check(p.returncode == 2 and
          "DTI_PORT wants a whole number from 0 to 65535, not 'eighty'"
          in p.stderr, p.stderr)
    p = serve(['--session-ttl', '0', '--check'])
    check(p.returncode == 2 and '--session-ttl wants' in p.stderr, p.stderr)
    p = serve(['--check'], {'DTI_PORT': ''})  # empty: not given
    check(p.returncode == 0 and
          settings(p.stdout).get('port') == ('8080', 'default'), p.stdout)

    # ---- --demo labels every response; without it, none
    with Server(store, ['--demo']) as srv:
        anon = srv.client()
        for r in [anon.get('/healthz'), anon.get('/nowhere'),
                  anon.post('/api/v1/session', {'user': 'x',
                                                'password': 'y'}),
                  anon.post('/api/v1/session', raw=b'x' * (2 << 20),
                            content_type='application/json')]:
            check(r.header('X-DTI-Data') == 'synthetic demo data', r)
    with Server(store) as srv:
        check(srv.client().get('/healthz').header('X-DTI-Data') is None,
              'no demo header without --demo')

        # ---- header limits
        many = {f'X-H{i}': 'v' for i in range(70)}
        r = srv.client().get('/healthz', headers=many)
        check(r.status == 400 and r.json()['code'] == 'too_many_parameters',
              r)
        s = socket.create_connection(('127.0.0.1', srv.port))
        s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' +
                  b'a' * (200 * 1024) + b'\r\n\r\n')
        answer = b''
        try:
            s.settimeout(10)
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
        s.close()
        check(not answer.startswith(b'HTTP/1.1 200'),
              f'a 200 KB header is refused: {answer[:100]!r}')
        check(srv.client().get('/healthz').status == 200,
              'served after an oversized header')

        # ---- /readyz: 503 on a store that needs migrating (made so
        # behind the server's back)
        r = srv.client().get('/readyz')
        check(r.status == 200 and r.json()['status'] == 'ready', r)
        db = sqlite3.connect(store.path)
        row = db.execute('SELECT * FROM schema_migrations ORDER BY '
                         'version DESC LIMIT 1').fetchone()
        db.execute('DELETE FROM schema_migrations WHERE version = ?',
                   (row[0],))
        db.commit()
        r = srv.client().get('/readyz')
        check(r.status == 503 and r.json()['code'] == 'not_ready', r)
        check(srv.client().get('/healthz').status == 200,
              'healthz: the process is up all the same')
        db.execute('INSERT INTO schema_migrations VALUES (' +
                   ', '.join('?' * len(row)) + ')', row)
        db.commit()
        db.close()
        r = srv.client().get('/readyz')
        check(r.status == 200, f'ready again: {r}')

    # ---- slowloris: headers sent a byte at a time are cut off after
    # --timeout seconds in all, and others are served meanwhile
    with Server(store, ['--timeout', '2']) as srv:
        slow = socket.create_connection(('127.0.0.1', srv.port))
        request = (b'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                   b'X-Pad: ' + b'a' * 200 + b'\r\n\r\n')
        t0 = time.monotonic()
        cut = None
        served_meanwhile = []
        for i, byte in enumerate(request):
            try:
                slow.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut = time.monotonic() - t0
                break
            if closed_within(slow, 0.25) is not None:
                cut = time.monotonic() - t0
                break
            if i in (1, 3):
                served_meanwhile.append(
                    srv.client().get('/healthz').status)
        slow.close()
        check(cut is not None and 1.5 <= cut <= 8,
              f'the slow client was cut after {cut} s (timeout 2)')
        check(served_meanwhile == [200, 200],
              f'others served meanwhile: {served_meanwhile}')
        # a client that connects and says nothing goes too
        idle = socket.create_connection(('127.0.0.1', srv.port))
        t = closed_within(idle, 10)
        check(t is not None and t <= 6, f'an idle connection lasted {t}')
        idle.close()
        # a request whose headers come in time is answered
        r = srv.client().get('/healthz')
        check(r.status == 200, r)

    # ---- graceful stop: SIGTERM while a request's body is still coming
    srv = Server(store)
    try:
        pad = ' ' * (512 * 1024)
        body = (json.dumps({'user': 'owner', 'password': password('owner')})
                [:-1] + pad + '}').encode()
        s = socket.create_connection(('127.0.0.1', srv.port))
        s.sendall(b'POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                  b'Content-Type: application/json\r\nConnection: close\r\n'
                  b'Content-Length: ' + str(len(body)).encode() +
                  b'\r\n\r\n')
        half = len(body) // 2
        s.sendall(body[:half])
        idle = socket.create_connection(('127.0.0.1', srv.port))
        time.sleep(0.5)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        # an idle connection is cut at once; the request goes on
        t = closed_within(idle, 5)
        check(t is not None and t < 3, f'the idle connection lasted {t}')
        idle.close()
        check(srv.proc.poll() is None, 'still running: a request is open')
        step = (len(body) - half) // 8 + 1
        for k in range(half, len(body), step):
            s.sendall(body[k:k + step])
            time.sleep(0.15)
        answer = b''
        s.settimeout(30)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        s.close()
        check(answer.startswith(b'HTTP/1.1 200') and
              b'dti_session=' in answer,
              f'the request in flight completed: {answer[:200]!r}')
        srv.proc.wait(timeout=30)
        check(time.monotonic() - t0 < 10, 'stopped within the grace time')
    finally:
        errors = srv.stop()
    check('SIGTERM: stopping' in errors, errors)
    p = subprocess.run([dti, 'audit', 'verify'], cwd=store.dir,
                       env=store.env, capture_output=True, text=True,
                       timeout=120)
    check(p.returncode == 0, f'audit verify after the stop: {p.stderr}')

    deploy_examples()
finally:
    store.remove()
finish('server-daemon')
