"""
tests/server/test_api_evidence.py - evidence over the HTTP API: a
multipart/form-data upload by the unit's editor, the file back byte for
byte (SHA-256) as an attachment with an RFC 5987 file name and the stored
media type, references without a file, removal; and the refusals: a file
over the limit (413, from the store and from the daemon), content that
does not match the extension (422), malformed or foreign bodies (400, 415),
another unit's editor (403), a stale If-Match (412), a submitted
submission (409).  The audit chain verifies at the end.

    python3 test_api_evidence.py DTI
"""
import hashlib
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, Store, Server, check, finish  # noqa: E402

dti = sys.argv[1]
MAX_UPLOAD = 65536
BOUNDARY = '----dti-test-7MA4YWxkTrZu0gW'


def client(srv, user):
    c = Client(srv)
    r = c.login(user)
    if r.status == 404:
        return srv.client(user, token=True)
    check(r.status == 200, r)
    return c


def problem(r, status, code, field=None):
    ok = (r.status == status and
          r.header('Content-Type') == 'application/problem+json')
    if ok:
        p = r.json()
        ok = p.get('status') == status and p.get('code') == code
        if field is not None:
            ok = ok and p.get('field') == field
    return check(ok, f'expected {status} {code} {field or ""}: {r}')


def part(name, value, filename=None, ctype=None, disposition=None):
    """One part: its header block and content (bytes)."""
    d = disposition or f'form-data; name="{name}"' + (
        f'; filename="{filename}"' if filename is not None else '')
    head = f'Content-Disposition: {d}\r\n'
    if ctype:
        head += f'Content-Type: {ctype}\r\n'
    data = value if isinstance(value, bytes) else value.encode('utf-8')
    return head.encode('utf-8') + b'\r\n' + data


def form(parts, boundary=BOUNDARY, close=True):
    b = boundary.encode('ascii')
    body = b''
    for p in parts:
        body += b'--' + b + b'\r\n' + p + b'\r\n'
    if close:
        body += b'--' + b + b'--\r\n'
    return body


def upload(c, path, parts, headers=None, **kw):
    return c.post(path, raw=form(parts, **kw), headers=headers,
                  content_type='multipart/form-data; boundary=' + BOUNDARY)


def sha(b):
    return hashlib.sha256(b).hexdigest()


# A PDF whose bytes would trip a careless reader: CR LF, "--" and the
# start of the boundary itself, NUL and bytes above 0x7f.
PDF = (b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\r\n<< /Type /Catalog >>\r\n'
       b'endobj\r\n--\r\n--' + BOUNDARY[:12].encode() + b'\x00\x01\xff' +
       bytes(range(256)) + b'\r\n%%EOF\r\n')
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
ELF = b'\x7fELF\x02\x01\x01' + b'\x00' * 64

store = Store(dti)
try:
    with Server(store, args=['--max-upload', str(MAX_UPLOAD)]) as srv:
        owner = client(srv, 'owner')
        ed_a = client(srv, 'editor_a')
        ed_b = client(srv, 'editor_b')
        viewer = client(srv, 'viewer')
        reviewer = client(srv, 'reviewer')
        r = owner.post('/api/v1/cycles', {'label': 'dti-2022',
                                          'year': 2022,
                                          'framework': 'pdti-2022'})
        check(r.status == 201, r)
        r = owner.post('/api/v1/cycles/dti-2022/transition', {'to': 'open'})
        check(r.status == 200, r)
        sub = '/api/v1/cycles/dti-2022/submissions/' + \
            urllib.parse.quote('Đà Nẵng', safe='')
        ev = sub + '/evidence'
        meta = [part('indicator', 'institutions'),
                part('doc_number', '123/KH-UBND'),
                part('doc_date', '2022-02-01'),
                part('issuer', 'UBND TP. Đà Nẵng'),
                part('title', 'Kế hoạch chuyển đổi số năm 2022')]

        # ---- the round trip ------------------------------------------
        v0 = ed_a.get(sub).header('ETag')
        r = upload(ed_a, ev, meta + [part('file', PDF, 'Kế hoạch số 1.pdf',
                                          'application/pdf')],
                   headers={'If-Match': v0})
        check(r.status == 201, r)
        e = r.json()['evidence']
        f = e['file']
        check(e['indicator'] == 'institutions' and
              e['doc_number'] == '123/KH-UBND' and
              e['doc_date'] == '2022-02-01' and
              e['issuer'] == 'UBND TP. Đà Nẵng' and e['link'] is None and
              e['added_by'] == 'editor_a', e)
        check(f['filename'] == 'Kế hoạch số 1.pdf' and
              f['media_type'] == 'application/pdf' and
              f['size'] == len(PDF) and f['sha256'] == sha(PDF) and
              f['url'] == f'/api/v1/evidence/{e["id"]}' and
              r.header('Location') == f['url'], f)
        check(r.json()['submission']['version'] > int(v0.strip('"v')), r)
        pdf_url = f['url']
        r = ed_a.get(pdf_url, headers={'Accept-Encoding': 'gzip'})
        check(r.status == 200 and r.body == PDF and sha(r.body) == sha(PDF),
              f'download differs: {len(r.body)} bytes')
        check(r.header('Content-Type') == 'application/pdf' and
              r.header('Content-Encoding') is None and
              r.header('X-Content-Type-Options') == 'nosniff', r.headers)
        check(r.header('Content-Disposition') ==
              'attachment; filename="K__ho_ch_s__1.pdf"; '
              "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%201"
              '.pdf', r.header('Content-Disposition'))
        r = viewer.get(pdf_url)
        check(r.status == 200 and r.body == PDF, r)
        r = reviewer.request('HEAD', pdf_url)
        check(r.status == 200 and r.body == b'', r)
        problem(ed_b.get(pdf_url), 403, 'forbidden')
        problem(srv.client().get(pdf_url), 401, 'unauthenticated')
        r = ed_a.get(sub)
        check(r.status == 200 and len(r.json()['evidence']) == 1 and
              r.json()['evidence'][0]['file']['sha256'] == sha(PDF), r)

        # the same bytes from the command line
        p = subprocess.run([store.dti, 'evidence', 'get',
                            str(e['id'])], cwd=store.dir,
                           env=dict(store.env, DTI_USER='viewer'),
                           capture_output=True, timeout=60)
        check(p.returncode == 0 and p.stdout == PDF, p.stderr)

        # a reference without a file; an old browser's path; the name of
        # an empty file input is no file
        r = upload(ed_a, ev, [part('indicator', 'cybersecurity'),
                              part('title', 'Báo cáo diễn tập'),
                              part('link', 'https://example.org/bao-cao'),
                              part('file', b'', '')])
        check(r.status == 201 and r.json()['evidence']['file'] is None and
              r.json()['evidence']['link'] ==
              'https://example.org/bao-cao', r)
        ref_id = r.json()['evidence']['id']
        problem(ed_a.get(f'/api/v1/evidence/{ref_id}'), 404, 'not_found')
        r = upload(ed_a, ev, [part('file', PNG, 'C:\\Users\\a\\so do.png')])
        check(r.status == 201 and
              r.json()['evidence']['file']['filename'] == 'so do.png' and
              r.json()['evidence']['file']['media_type'] == 'image/png', r)
        png_url = r.json()['evidence']['file']['url']
        r = ed_a.get(png_url)
        check(r.status == 200 and r.body == PNG and
              r.header('Content-Type') == 'image/png' and
              r.header('Content-Disposition') ==
              "attachment; filename=\"so_do.png\"; "
              "filename*=UTF-8''so%20do.png", r.headers)
        # a name that would break the header goes encoded, never raw
        quoted = 'filename*=UTF-8\'\'b%E1%BA%A3ng%22%3B%20x%3Dy.pdf'
        r = upload(ed_a, ev, [part('file', PDF, disposition=(
            'form-data; name="file"; ' + quoted))])
        check(r.status == 201 and
              r.json()['evidence']['file']['filename'] == 'bảng"; x=y.pdf',
              r)
        r = ed_a.get(r.json()['evidence']['file']['url'])
        check(r.status == 200 and r.header('Content-Disposition') ==
              'attachment; filename="b_ng___x_y.pdf"; '
              "filename*=UTF-8''b%E1%BA%A3ng%22%3B%20x%3Dy.pdf",
              r.header('Content-Disposition'))
        crlf = 'filename*=UTF-8\'\'a%0D%0ASet-Cookie%3A%20x.pdf'
        problem(upload(ed_a, ev, [part('file', PDF, disposition=(
            'form-data; name="file"; ' + crlf))]), 400, 'bad_argument',
            'file')

        count = len(ed_a.get(sub).json()['evidence'])

        # ---- refusals: nothing is added --------------------------------
        # over the store's limit, and over the daemon's (not even read)
        problem(upload(ed_a, ev, [part('file', PDF + b'\0' * MAX_UPLOAD,
                                       'big.pdf')]), 413, 'too_large',
                'file')
        problem(upload(ed_a, ev, [part('file', PDF + b'\0' * 300000,
                                       'huge.pdf')]), 413, 'too_large')
        # content and extension disagree; a type not accepted
        problem(upload(ed_a, ev, [part('file', PNG, 'ke-hoach.pdf')]), 422,
                'invalid', 'file')
        problem(upload(ed_a, ev, [part('file', ELF, 'report.pdf')]), 422,
                'invalid', 'file')
        problem(upload(ed_a, ev, [part('title', 'x'),
                                  part('link', 'javascript:alert(1)')]),
                422, 'invalid', 'link')
        problem(upload(ed_a, ev, [part('issuer', 'UBND')]), 422, 'invalid')
        problem(upload(ed_a, ev, [part('indicator', 'nonsense'),
                                  part('title', 'x')]), 404, 'not_found')
        # strict form
        problem(upload(ed_a, ev, [part('fiel', PDF, 'a.pdf')]), 400,
                'unknown_field', 'fiel')
        problem(upload(ed_a, ev, [part('title', 'a'), part('title', 'b')]),
                400, 'bad_argument', 'title')
        problem(upload(ed_a, ev, [part('title', PDF, 'a.pdf')]), 400,
                'bad_type', 'title')
        problem(upload(ed_a, ev, [part('file', PDF)]), 400, 'bad_type',
                'file')
        problem(upload(ed_a, ev, [part('title', 'x')], close=False), 400,
                'bad_argument')
        problem(ed_a.post(ev, raw=b'--' + BOUNDARY.encode() + b'\r\n'
                          b'Content-Disposition: form-data\r\n\r\nx\r\n--'
                          + BOUNDARY.encode() + b'--\r\n',
                          content_type='multipart/form-data; boundary=' +
                          BOUNDARY), 400, 'bad_argument')
        problem(ed_a.post(ev, raw=form([part('title', 'x')]),
                          content_type='multipart/form-data'), 415,
                'unsupported_media_type')
        problem(ed_a.post(ev, {'title': 'x'}), 415,
                'unsupported_media_type')
        # who and which version
        problem(upload(ed_b, ev, meta + [part('file', PDF, 'a.pdf')]), 403,
                'forbidden')
        problem(upload(viewer, ev, meta), 403, 'forbidden')
        problem(upload(ed_a, ev, meta, headers={'If-Match': v0}), 412,
                'conflict')
        check(len(ed_a.get(sub).json()['evidence']) == count,
              'a refused upload added evidence')

        # ---- removal ----------------------------------------------------
        problem(ed_b.delete(png_url), 403, 'forbidden')
        problem(ed_a.delete('/api/v1/evidence/abc'), 404, 'not_found')
        problem(ed_a.delete('/api/v1/evidence/0'), 404, 'not_found')
        problem(ed_a.delete('/api/v1/evidence/999999'), 404, 'not_found')
        r = ed_a.delete(png_url)
        check(r.status == 204 and r.body == b'', r)
        problem(ed_a.get(png_url), 404, 'not_found')
        check(len(ed_a.get(sub).json()['evidence']) == count - 1,
              'not removed')

        # ---- once submitted, the evidence is fixed ----------------------
        r = ed_a.post(sub + '/submit')
        check(r.status == 200 and r.json()['state'] == 'submitted', r)
        problem(upload(ed_a, ev, meta), 409, 'wrong_state')
        problem(ed_a.delete(pdf_url), 409, 'wrong_state')
        r = viewer.get(pdf_url)
        check(r.status == 200 and sha(r.body) == sha(PDF), r)

    p = subprocess.run([store.dti, 'audit', 'verify'], cwd=store.dir,
                       env=dict(store.env, DTI_USER='admin'),
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f'audit verify: {p.stdout} {p.stderr}')
finally:
    store.remove()
finish('server-api-evidence')
