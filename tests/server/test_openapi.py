"""
tests/server/test_openapi.py - the contract itself, doc/openapi.json: a
valid OpenAPI 3.1 document (against the OpenAPI 3.1 meta-schema when
openapi-spec-validator is installed, and always by the structural checks
below), whose every schema is valid JSON Schema 2020-12, that lists
exactly the endpoints of doc/api.md, and that the server serves as built.

    python3 test_openapi.py DTI
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402
import contract  # noqa: E402
import jsonschema  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
doc = contract.document()

# -- the OpenAPI 3.1 meta-schema, when it is at hand (not in Debian) -------
try:
    from openapi_spec_validator import validate as oas_validate
except ImportError:
    oas_validate = None
if oas_validate:
    try:
        oas_validate(doc)
        print('openapi.json: valid against the OpenAPI 3.1 meta-schema')
    except Exception as e:  # noqa: BLE001 - any finding is a failure
        check(False, f'OpenAPI meta-schema: {e}')
else:
    print('openapi.json: openapi-spec-validator not installed; '
          'structural checks only')

# -- structure ------------------------------------------------------------
check(doc.get('openapi', '').startswith('3.1.'), 'openapi: 3.1.x')
for k in ('title', 'version'):
    check(k in doc.get('info', {}), f'info.{k}')
comp = doc.get('components', {})
schemes = comp.get('securitySchemes', {})
check(schemes.get('bearerAuth', {}).get('scheme') == 'bearer', 'bearer')
check(schemes.get('sessionCookie', {}).get('in') == 'cookie', 'cookie')
check(schemes.get('csrfToken', {}).get('name') == 'X-CSRF-Token', 'csrf')


def refs(node, where):
    """Every $ref under node resolves inside the document."""
    if isinstance(node, dict):
        r = node.get('$ref')
        if isinstance(r, str):
            ok = r.startswith('#/')
            if ok:
                cur = doc
                for part in r[2:].split('/'):
                    part = part.replace('~1', '/').replace('~0', '~')
                    if not isinstance(cur, dict) or part not in cur:
                        ok = False
                        break
                    cur = cur[part]
            check(ok, f'{where}: $ref {r} does not resolve')
        for k, v in node.items():
            refs(v, f'{where}/{k}')
    elif isinstance(node, list):
        for i, v in enumerate(node):
            refs(v, f'{where}/{i}')


refs(doc, '#')

for name, s in comp.get('schemas', {}).items():
    try:
        jsonschema.Draft202012Validator.check_schema(s)
    except jsonschema.SchemaError as e:
        check(False, f'schema {name}: {e.message}')
problem = {'$ref': '#/components/schemas/Problem'}
opids = set()
ops = set()
for path, item in doc['paths'].items():
    check(path.startswith('/'), f'path {path}')
    names = re.findall(r'\{(\w+)\}', path)
    for method, op in item.items():
        check(method in contract.METHODS, f'{path}: method {method}')
        where = f'{method.upper()} {path}'
        ops.add((method.upper(), path))
        oid = op.get('operationId')
        check(oid and oid not in opids, f'{where}: operationId {oid}')
        opids.add(oid)
        pp = [p['name'] for p in op.get('parameters', [])
              if p.get('in') == 'path']
        check(sorted(pp) == sorted(names), f'{where}: path parameters {pp}')
        for p in op.get('parameters', []):
            check(p.get('in') != 'path' or p.get('required') is True,
                  f'{where}: path parameter {p["name"]} must be required')
            check('schema' in p, f'{where}: parameter {p["name"]} schema')
        for sec in op.get('security', []):
            for sn in sec:
                check(sn in schemes, f'{where}: security {sn}')
        rb = op.get('requestBody')
        if rb:
            for mt, c in rb.get('content', {}).items():
                s = c.get('schema', {})
                jsonschema.Draft202012Validator.check_schema(s)
                if mt == 'application/json':
                    alts = s.get('oneOf', [s])
                    for a in alts:
                        check(a.get('additionalProperties') is False,
                              f'{where}: the server refuses unknown '
                              'fields: additionalProperties false')
        resps = op.get('responses', {})
        ok2 = [c for c in resps if c.startswith('2')]
        check(ok2, f'{where}: no 2xx response')
        for code, r in resps.items():
            check(re.fullmatch(r'[1-5][0-9][0-9]', code) is not None,
                  f'{where}: response {code} (exact codes only)')
            r = contract.deref(r)
            content = r.get('content', {})
            if code.startswith(('4', '5')):
                check(list(content) == ['application/problem+json'] and
                      content['application/problem+json']['schema'] ==
                      problem, f'{where}: {code} must be a problem')
            if code.startswith('2') and code != '204':
                check(content, f'{where}: {code} has no content')
                for mt, c in content.items():
                    check('schema' in c, f'{where}: {code} {mt} schema')
                    jsonschema.Draft202012Validator.check_schema(
                        c.get('schema', {}))
            if code in ('204', '304'):
                check(not content, f'{where}: {code} has content')
        if any(p.get('name') == 'If-Match' for p in
               op.get('parameters', [])):
            check('412' in resps, f'{where}: If-Match without 412')
        if op.get('security') and {} not in op['security']:
            check('401' in resps and '403' in resps, f'{where}: 401/403')

# -- every endpoint of doc/api.md, and no other ------------------------------
with open(os.path.join(ROOT, 'doc', 'api.md'), encoding='utf-8') as f:
    md = f.read()
section = md.split('## Endpoints', 1)[1].split('\n## ', 1)[0]
listed = set()
for m in re.finditer(r'^\| `(GET|POST|PUT|PATCH|DELETE) (/[^` ]*)`', section,
                     re.M):
    listed.add((m.group(1), m.group(2)))
check(len(listed) >= 40, f'doc/api.md lists {len(listed)} endpoints')
for e in sorted(listed - ops):
    check(False, f'{e[0]} {e[1]} is in doc/api.md but not in openapi.json')
for e in sorted(ops - listed):
    check(False, f'{e[0]} {e[1]} is in openapi.json but not in doc/api.md')

# the problem codes of doc/api.md's table are the schema's
codes = set(re.findall(r'`([a-z_]+)`', md.split('| code | HTTP', 1)[1]
                       .split('\n\n', 1)[0]))
enum = set(comp['schemas']['Problem']['properties']['code']['enum'])
check(codes <= enum, f'problem codes missing from the schema: '
      f'{sorted(codes - enum)}')

# the schemas hold what they promise: a problem with an unknown field fails
check(contract.schema_errors(problem, {'type': 't', 'title': 't',
                                       'status': 400, 'code': 'bad_json',
                                       'detail': 'd', 'extra': 1}) != [],
      'Problem accepts unknown members')

# -- the server serves the document it was built with ----------------------
store = Store(sys.argv[1])
try:
    with Server(store) as srv:
        anon = srv.client()
        r = anon.get('/api/v1/openapi.json')
        check(r.status == 200 and r.json() == doc, r)
        check(r.header('Content-Type') == 'application/json', r)
        check(r.header('Cache-Control') == 'no-store', r)
        r = anon.get('/api/v1/openapi.json',
                     headers={'Accept-Encoding': 'gzip'})
        check(r.status == 200 and r.header('Content-Encoding') == 'gzip', r)
        r = anon.get('/api/v1/openapi.json?x=1')
        check(r.status == 400 and r.json()['code'] == 'unknown_parameter',
              r)
        r = anon.request('HEAD', '/api/v1/openapi.json')
        check(r.status == 200 and r.body == b'', r)
        r = anon.post('/api/v1/openapi.json', {})
        check(r.status == 405, r)
        # public and storeless: credentials are not even read
        bad = srv.client()
        bad.token = 'dti_' + 'x' * 40
        r = bad.get('/api/v1/openapi.json')
        check(r.status == 200, r)
finally:
    store.remove()
finish('server-openapi')
