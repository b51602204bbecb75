"""
tests/server/test_basics.py - the daemon itself: health checks, unknown
paths and methods, Bearer tokens, conditional requests, gzip, the access
log, and a clean stop on SIGTERM.

    python3 test_basics.py DTI
"""
import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402

dti = sys.argv[1]
store = Store(dti)
try:
    with Server(store) as srv:
        anon = srv.client()
        r = anon.get('/healthz')
        check(r.status == 200 and r.json() == {'status': 'ok'}, r)
        r = anon.get('/readyz')
        check(r.status == 200 and r.json()['status'] == 'ready', r)
        # a path for people leads to a page, one under /api to a problem
        r = anon.get('/nowhere')
        check(r.status == 404 and
              r.header('Content-Type').startswith('text/html'), r)
        r = anon.get('/api/v1/nowhere')
        check(r.status == 404 and r.json()['code'] == 'no_such_path', r)
        check(r.header('Content-Type') == 'application/problem+json', r)
        r = anon.post('/healthz')
        check(r.status == 405 and 'GET' in (r.header('Allow') or ''), r)
        r = anon.request('HEAD', '/healthz')
        check(r.status == 200 and r.body == b'', r)
        # a token that does not hold is refused, not taken as anonymous
        bad = srv.client()
        bad.token = 'dti_' + 'x' * 40
        r = bad.get('/api/v1/status')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        # an oversized body is refused before it is read
        r = anon.post('/api/v1/session', raw=b'x' * (2 << 20),
                      content_type='application/json')
        check(r.status == 413 and r.json()['code'] == 'too_large', r)
    # the access log has a line per request, without forged lines
    with open(srv.log, encoding='utf-8') as f:
        lines = f.read().splitlines()
    check(len(lines) >= 7, f'access log: {lines}')
    check(any('"GET /healthz" 200' in l for l in lines), lines)
finally:
    store.remove()
finish('server-basics')
