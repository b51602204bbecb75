"""
tests/server/contract.py - holds every response a server test received to
the API contract, doc/openapi.json (OpenAPI 3.1).

harness.finish() calls check(RECEIVED) for every test program, so every
server test checks the contract as a side effect.  A response is a failure
when:

  - its path matches no path of the document and it is not the server's
    404 `no_such_path` problem (an endpoint the contract does not know);
    paths outside /api/ (and /healthz, /readyz) are the HTML pages, which
    the contract does not describe;
  - the path exists but not the method, and it is not a 405
    `method_not_allowed` problem with an Allow header;
  - its status is not declared for the operation;
  - its Content-Type is not one the response declares (204 and 304 have
    no body), or its JSON body (problem documents included) does not match
    the declared schema;
  - a header the response declares as required (ETag, Set-Cookie,
    Retry-After, Content-Disposition, Allow) is missing.

HEAD is checked as GET without a body.  $ref is resolved inside the
document: each schema is validated as the root of a copy that carries the
document's components, which works alike with Debian bookworm's
python3-jsonschema (4.10, RefResolver) and later versions (referencing).
"""

import gzip
import json
import os
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DOC_PATH = os.path.join(HERE, '..', '..', 'doc', 'openapi.json')
METHODS = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options')

_doc = None
_validators = {}


def document():
    global _doc
    if _doc is None:
        with open(DOC_PATH, encoding='utf-8') as f:
            _doc = json.load(f)
    return _doc


def deref(obj):
    """Follows a local $ref (#/...) of the document, repeatedly."""
    doc = document()
    while isinstance(obj, dict) and '$ref' in obj and \
            obj['$ref'].startswith('#/') and len(obj) == 1:
        node = doc
        for part in obj['$ref'][2:].split('/'):
            part = part.replace('~1', '/').replace('~0', '~')
            node = node[part]
        obj = node
    return obj


def validator(schema):
    """A Draft 2020-12 validator of schema whose $refs resolve against the
    document's components."""
    key = json.dumps(schema, sort_keys=True)
    v = _validators.get(key)
    if v is None:
        import jsonschema
        root = {'$schema': 'https://json-schema.org/draft/2020-12/schema',
                'allOf': [schema],
                'components': document().get('components', {})}
        v = jsonschema.Draft202012Validator(root)
        _validators[key] = v
    return v


def schema_errors(schema, value):
    """Messages of value against schema (empty if it matches)."""
    out = []
    for e in validator(schema).iter_errors(value):
        where = '/'.join(str(p) for p in e.absolute_path) or '(body)'
        out.append(f'{where}: {e.message[:200]}')
    return out[:5]


def _segments(path):
    return path.split('/')[1:]


def match_path(path):
    """The document's path template for a decoded request path (the one
    with the most literal segments when several match), or None."""
    segs = _segments(path)
    best, best_lit = None, -1
    for tpl in document()['paths']:
        ts = _segments(tpl)
        if len(ts) != len(segs):
            continue
        lit = 0
        ok = True
        for t, s in zip(ts, segs):
            if t.startswith('{') and t.endswith('}'):
                if s == '':
                    ok = False
                    break
            elif t == s:
                lit += 1
            else:
                ok = False
                break
        if ok and lit > best_lit:
            best, best_lit = tpl, lit
    return best


def _header(resp, name):
    for k, v in resp.headers:
        if k.lower() == name.lower():
            return v
    return None


def _body(resp):
    b = resp.body
    if (_header(resp, 'Content-Encoding') or '').lower() == 'gzip' and b:
        b = gzip.decompress(b)
    return b


def _media(resp):
    ct = _header(resp, 'Content-Type')
    return ct.split(';')[0].strip().lower() if ct else None


def _problem_of(resp, status, code, why):
    """Checks that resp is a problem document of that status and code."""
    errs = []
    if resp.status != status:
        return [f'{why}: expected {status}, got {resp.status}']
    if _media(resp) != 'application/problem+json':
        return [f'{why}: not a problem document ({_media(resp)})']
    try:
        p = json.loads(_body(resp).decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as e:
        return [f'{why}: body is not JSON: {e}']
    errs += schema_errors({'$ref': '#/components/schemas/Problem'}, p)
    if isinstance(p, dict) and p.get('code') != code:
        errs.append(f'{why}: code {p.get("code")!r}, expected {code!r}')
    if isinstance(p, dict) and p.get('status') != resp.status:
        errs.append(f'problem status {p.get("status")} != HTTP status')
    return errs


def check_one(resp):
    """Contract violations of one harness.Response (a list of messages)."""
    raw = resp.path.split('?', 1)[0]
    path = urllib.parse.unquote(raw, errors='surrogateescape')
    if not (path.startswith('/api/') or path == '/api') and \
            path not in ('/healthz', '/readyz'):
        # the pages for people (src/server/pages.c): HTML, outside the
        # API's contract, checked by test_pages.py
        return []
    tpl = match_path(path)
    if tpl is None:
        if resp.status in (400, 413):
            # refused before routing (malformed request, body too large):
            # still a problem document
            return [] if _media(resp) == 'application/problem+json' \
                else ['refused before routing without a problem document']
        return _problem_of(resp, 404, 'no_such_path',
                           f'path {path!r} is not in the contract')
    item = document()['paths'][tpl]
    method = resp.method.lower()
    head = method == 'head'
    if head:
        method = 'get'
    op = item.get(method)
    if op is None:
        if resp.status in (400, 413):
            return []
        errs = _problem_of(resp, 405, 'method_not_allowed',
                           f'{resp.method} {tpl} is not in the contract')
        if not _header(resp, 'Allow'):
            errs.append('405 without Allow')
        return errs
    declared = op.get('responses', {})
    st = str(resp.status)
    if st not in declared:
        return [f'status {st} is not declared for {resp.method} {tpl} '
                f'(declared: {", ".join(sorted(declared))})']
    r = deref(declared[st])
    errs = []
    for hn, h in (r.get('headers') or {}).items():
        h = deref(h)
        if h.get('required') and _header(resp, hn) is None:
            errs.append(f'header {hn} is required on {st}')
        elif _header(resp, hn) is not None and h.get('schema'):
            errs += [f'header {hn}: {m}' for m in
                     schema_errors(h['schema'], _header(resp, hn))]
    content = r.get('content')
    body = _body(resp)
    if resp.status in (204, 304) or not content:
        if body:
            errs.append(f'{st} must have no body, has {len(body)} bytes')
        return errs
    if head:
        return errs
    media = _media(resp)
    mt = content.get(media) or content.get('*/*')
    if mt is None:
        return errs + [f'Content-Type {media} is not declared for {st} '
                       f'(declared: {", ".join(content)})']
    schema = mt.get('schema')
    if schema is None or schema == {}:
        return errs
    if media == 'application/json' or media.endswith('+json'):
        try:
            value = json.loads(body.decode('utf-8'))
        except (ValueError, UnicodeDecodeError) as e:
            return errs + [f'body is not JSON: {e}']
    else:
        try:
            value = body.decode('utf-8')
        except UnicodeDecodeError:
            return errs + ['text body is not UTF-8']
    errs += schema_errors(schema, value)
    if media == 'application/problem+json' and isinstance(value, dict) \
            and value.get('status') != resp.status:
        errs.append(f'problem status {value.get("status")} != HTTP status')
    return errs


def check(received):
    """Messages of every violation among the received responses."""
    out = []
    for resp in received:
        if getattr(resp, 'contract', True) is False:
            continue
        for m in check_one(resp):
            out.append(f'contract: {resp.method} {resp.path} -> '
                       f'{resp.status}: {m}')
    return out
