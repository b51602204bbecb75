"""
tests/server/test_api_results.py - computing, publishing and reading the
results of a cycle over HTTP: the published snapshot as JSON and CSV (the
same bytes as `dti results`), its cache validators (ETag, Last-Modified,
304) and gzip form, what anonymous readers may see (published cycles only:
a draft is 404 to them), previews for owners and reviewers, compute and
publish by role, If-Match on publish, and the cache emptied by a
publication.

    python3 test_api_results.py DTI
"""
import email.utils
import gzip
import json
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402

dti = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# dti-2022: the five provinces whose DTI 2022 figures were published
# (data/published), the other 58 excluded; closed and published.
# dti-2021: the demo figures of 2021, all approved, closed, not published.
SETUP = f"""
top5={SRC}/data/published/dti-2022-top5.csv
demo={SRC}/data/demo/pdti-2022-demo.csv
{{
dti cycle create dti-2022 --year 2022 --framework pdti-2022 --user owner
dti cycle open dti-2022 --user owner
dti submission import dti-2022 "$top5" --and-submit --user owner
dti cycle review dti-2022 --user owner
dti review approve dti-2022 --all-submitted --user reviewer
dti cycle status dti-2022 | awk 'NF > 4 && $(NF-3) == "draft" {{print $1}}' |
  while read -r u; do
    dti submission exclude dti-2022 "$u" --reason 'no figures' --user owner
  done
dti cycle close dti-2022 --user owner
dti publish dti-2022 --user owner
dti cycle create dti-2021 --year 2021 --framework pdti-2022 --user owner
dti cycle open dti-2021 --user owner
dti submission import dti-2021 "$demo" --data-cycle 2021 --and-submit \\
  --user owner
dti cycle review dti-2021 --user owner
dti review approve dti-2021 --all-submitted --user reviewer
dti cycle close dti-2021 --user owner
}} >/dev/null
"""

R22 = '/api/v1/cycles/dti-2022/results'
R21 = '/api/v1/cycles/dti-2021/results'


def cycle_version(store, cycle):
    return json.loads(store.cli(f'cycle status {cycle} --json'))['version']


store = Store(dti, setup=SETUP)
try:
    cli_json = store.cli('results dti-2022')
    cli_csv = store.cli('results dti-2022 --format csv')
    cli_cp = store.cli('audit checkpoint dti-2022 --user viewer')
    snapshot = json.loads(cli_json)
    with Server(store) as srv:
        anon = srv.client()
        owner = srv.client('owner')  # signed in: cookie and CSRF token
        reviewer = srv.client('reviewer', token=True)
        viewer = srv.client('viewer', token=True)
        editor = srv.client('editor_a', token=True)

        # ---- the published snapshot, anonymously --------------------
        r = anon.get(R22)
        check(r.status == 200, r)
        check(r.header('Content-Type') == 'application/json', r)
        check(r.body.decode('utf-8') == cli_json,
              'results JSON differs from `dti results dti-2022`')
        got = r.json()
        check(got == snapshot, 'results JSON does not parse the same')
        # the numbers as published: Đà Nẵng first, 0.8002
        check(got['state'] == 'published' and got['partial'] is False, r)
        check('0.8002' in r.body.decode('utf-8'), 'index of Đà Nẵng')
        etag = r.header('ETag')
        check(etag and etag.startswith('"') and etag.endswith('"'), r)
        check(r.header('Cache-Control') == 'public, no-cache', r)
        lm = r.header('Last-Modified')
        check(lm is not None, f'no Last-Modified: {r.headers}')
        published = email.utils.parsedate_to_datetime(lm) if lm else None
        check(published is not None and published.strftime(
            '%Y-%m-%dT%H:%M:%SZ') == snapshot['published_at'],
            f'Last-Modified {lm} is not the publication time '
            f'{snapshot["published_at"]}')

        # a second read: the same entity, the same validators
        r2 = anon.get(R22)
        check(r2.status == 200 and r2.body == r.body and
              r2.header('ETag') == etag, r2)
        # signed-in readers get the same cached entity
        r2 = viewer.get(R22)
        check(r2.status == 200 and r2.header('ETag') == etag, r2)

        # conditional requests
        r2 = anon.get(R22, headers={'If-None-Match': etag})
        check(r2.status == 304 and r2.body == b'', r2)
        check(r2.header('ETag') == etag, r2)
        r2 = anon.get(R22, headers={'If-None-Match': '"0123abcd"'})
        check(r2.status == 200 and r2.body == r.body, r2)
        r2 = anon.get(R22, headers={'If-Modified-Since': lm})
        check(r2.status == 304 and r2.body == b'', r2)
        r2 = anon.get(R22, headers={
            'If-Modified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT'})
        check(r2.status == 200 and r2.body == r.body, r2)
        r2 = anon.request('HEAD', R22)
        check(r2.status == 200 and r2.body == b'' and
              r2.header('ETag') == etag, r2)

        # gzip: the same bytes once decompressed
        r2 = anon.get(R22, headers={'Accept-Encoding': 'gzip'})
        check(r2.status == 200 and
              r2.header('Content-Encoding') == 'gzip', r2)
        check(r2.status == 200 and gzip.decompress(r2.body) == r.body,
              'gzip body does not decompress to the JSON')
        check(len(r2.body) < len(r.body), 'gzip body is not smaller')
        check('Accept-Encoding' in (r2.header('Vary') or ''), r2)

        # CSV: the snapshot's ranking, as `dti results --format csv`
        r = anon.get(R22 + '?format=csv')
        check(r.status == 200, r)
        check((r.header('Content-Type') or '').startswith('text/csv'), r)
        check(r.body.decode('utf-8') == cli_csv,
              f'results CSV differs from the CLI: {r.body!r}')
        lines = r.body.decode('utf-8').splitlines()
        check(len(lines) == 6 and lines[1].startswith('dti-2022,1,48,') and
              lines[1].endswith(',0.8002'), lines)
        csv_etag = r.header('ETag')
        check(csv_etag and csv_etag != etag, 'CSV and JSON share an ETag')
        r2 = anon.get(R22 + '?format=csv',
                      headers={'If-None-Match': csv_etag})
        check(r2.status == 304, r2)
        # the JSON's ETag does not validate the CSV
        r2 = anon.get(R22 + '?format=csv', headers={'If-None-Match': etag})
        check(r2.status == 200 and r2.body == r.body, r2)
        r2 = anon.get(R22 + '?format=json')
        check(r2.status == 200 and r2.header('ETag') == etag, r2)
        r = anon.get(R22 + '?format=csv&lang=vi')
        check(r.status == 200 and r.body.decode('utf-8') == store.cli(
            'results dti-2022 --format csv --lang vi'), r)

        # malformed queries
        r = anon.get(R22 + '?format=xml')
        check(r.status == 400 and r.json()['code'] == 'bad_argument' and
              r.json().get('field') == 'format', r)
        r = anon.get(R22 + '?colour=red')
        check(r.status == 400 and
              r.json()['code'] == 'unknown_parameter', r)
        r = anon.get(R22 + '?lang=fr')
        check(r.status == 400 and r.json().get('field') == 'lang', r)

        # ---- the checkpoint ------------------------------------------
        r = anon.get('/api/v1/cycles/dti-2022/checkpoint')
        check(r.status == 200 and r.body.decode('utf-8') == cli_cp, r)
        check(r.status == 200 and
              r.json()['signature'] == snapshot['checkpoint']['signature'],
              r)
        cp_etag = r.header('ETag')
        check(r.header('Last-Modified') == lm, r)
        r2 = anon.get('/api/v1/cycles/dti-2022/checkpoint',
                      headers={'If-None-Match': cp_etag})
        check(r2.status == 304, r2)

        # ---- the published ranking and a unit's profile --------------
        RK = '/api/v1/cycles/dti-2022/ranking'
        r = anon.get(RK)
        check(r.status == 200, r)
        check(r.body.decode('utf-8') ==
              store.cli('rank --cycle dti-2022 --format json --lang en'),
              'ranking JSON differs from `dti rank --cycle dti-2022`')
        rk = r.json() if r.status == 200 else {'rows': []}
        snap_units = snapshot['results']['units']
        check([u['id'] for u in rk['rows']] ==
              [u['id'] for u in snap_units] ==
              ['48', '79', '22', '46', '92'], rk['rows'])
        for a, b in zip(rk['rows'], snap_units):
            check(a['cells']['pdti']['rank'] == b['rank'] and
                  a['cells']['pdti']['group_rank'] == b['group_rank'] and
                  a['cells']['pdti']['value'] == b['values']['pdti'] and
                  a['cells']['cqs']['value'] == b['values']['cqs'] and
                  a['cells']['xhs']['rank'] == b['ranks']['xhs'],
                  f'ranking row {a} differs from the snapshot {b}')
        check(rk.get('ranked_on') == 'pdti' and rk.get('earlier') == [] and
              rk.get('published_at') == snapshot['published_at'], rk)
        check(r.header('Last-Modified') == lm, r)
        rk_etag = r.header('ETag')
        r2 = anon.get(RK, headers={'If-None-Match': rk_etag})
        check(r2.status == 304, r2)
        r2 = anon.get(RK, headers={'Accept-Encoding': 'gzip'})
        check(r2.header('Content-Encoding') == 'gzip' and
              gzip.decompress(r2.body) == r.body, r2)
        r = anon.get(RK + '?node=xhs')
        order = sorted(snap_units, key=lambda u: u['ranks']['xhs'])
        check(r.status == 200 and r.json()['ranked_on'] == 'xhs' and
              [u['id'] for u in r.json()['rows']] ==
              [u['id'] for u in order], r)
        r = anon.get(RK + '?group=BTBDHMT&lang=vi')
        check(r.status == 200 and
              [u['id'] for u in r.json()['rows']] == ['48', '46'], r)
        r = anon.get(RK + '?sort=name')
        check(r.status == 200 and [u['name'] for u in r.json()['rows']] ==
              ['Cần Thơ', 'Đà Nẵng', 'Hồ Chí Minh', 'Huế', 'Quảng Ninh'],
              r)
        r = anon.get(RK + '?format=csv&since=2021&lang=vi')
        check(r.status == 200 and
              (r.header('Content-Type') or '').startswith('text/csv') and
              r.body.decode('utf-8') == store.cli(
                  'rank --cycle dti-2022 --since 2021 --format csv '
                  '--lang vi'), r)
        for bad, field in (('?sort=size', 'sort'), ('?format=pdf', 'format'),
                           ('?since=21', 'since'), ('?colour=1', 'colour')):
            r = anon.get(RK + bad)
            check(r.status == 400 and r.json().get('field') == field, r)
        r = anon.get(RK + '?node=nowhere')
        check(r.status == 404, r)
        r = anon.get(RK + '?group=XYZ')
        check(r.status == 404, r)
        r = anon.get('/api/v1/cycles/dti-2021/ranking')
        check(r.status == 404 and 'closed' not in r.body.decode(), r)
        r = viewer.get('/api/v1/cycles/dti-2021/ranking')
        check(r.status == 409, r)

        PF = '/api/v1/cycles/dti-2022/units/48/profile'
        r = anon.get(PF)
        check(r.status == 200 and r.body.decode('utf-8') == store.cli(
            'explain --cycle dti-2022 48 --format json --lang en'),
            f'profile differs from `dti explain --cycle`: {r}')
        pf = r.json() if r.status == 200 else {}
        check(pf.get('unit', {}).get('id') == '48' and
              pf.get('nodes', [{}])[0].get('value') == 0.8002 and
              pf['nodes'][0].get('phrase_vi') ==
              'xếp hạng 1/5 (giá trị 0,8002)', pf)
        check(r.header('Last-Modified') == lm, r)
        r2 = anon.get(PF, headers={'If-None-Match': r.header('ETag')})
        check(r2.status == 304, r2)
        r = anon.get('/api/v1/cycles/dti-2022/units/' +
                     quote('Đà Nẵng') + '/profile?node=cqs&lang=vi')
        check(r.status == 200 and r.json()['unit']['id'] == '48', r)
        r = anon.get('/api/v1/cycles/dti-2022/units/01/profile')
        check(r.status == 404 and 'field' in r.json(),
              f'a unit not in the snapshot: {r}')
        r = anon.get(PF + '?format=csv')
        check(r.status == 400, r)
        r = anon.get('/api/v1/cycles/dti-2021/units/48/profile')
        check(r.status == 404 and 'closed' not in r.body.decode(), r)

        # the editor's preview: never public, never cached
        PV = '/api/v1/cycles/dti-2021/submissions/48/preview'
        r = anon.get(PV)
        check(r.status == 401, r)
        r = editor.get(PV)
        check(r.status == 200 and r.json() == json.loads(store.cli(
            'submission preview dti-2021 48 --format json --lang en '
            '--user editor_a')), f'preview differs from the CLI: {r}')
        check(r.header('Cache-Control') == 'no-store' and
              r.header('ETag') is None, r)
        r = srv.client('editor_b', token=True).get(PV)
        check(r.status == 403, r)
        r = editor.get(PV + '?lang=vi')
        check(r.status == 200, r)

        # ---- the list of published cycles ----------------------------
        r = anon.get('/api/v1/published')
        check(r.status == 200, r)
        cycles = [c['cycle'] for c in r.json()['cycles']] \
            if r.status == 200 else []
        check(cycles == ['dti-2022'], f'published: {cycles}')
        c = r.json()['cycles'][0] if cycles else {}
        check(c.get('published_at') == snapshot['published_at'] and
              c.get('sha256') == snapshot['sha256'] and
              c.get('year') == 2022 and c.get('partial') is False, c)
        pub_etag = r.header('ETag')

        # ---- an unpublished cycle ------------------------------------
        # anonymous: 404, as for a cycle that does not exist
        for path in (R21, R21 + '?format=csv',
                     '/api/v1/cycles/dti-2021/checkpoint',
                     '/api/v1/cycles/no-such-cycle/results'):
            r = anon.get(path)
            check(r.status == 404 and r.json()['code'] == 'not_found', r)
            check('closed' not in r.body.decode('utf-8'), r)
        r404 = anon.get(R21).json()
        r404x = anon.get('/api/v1/cycles/dti-2020/results').json()
        check(r404['detail'].replace('dti-2021', 'X') ==
              r404x['detail'].replace('dti-2020', 'X'),
              'a draft and no cycle answer alike')
        # signed in: the library's answer
        r = viewer.get(R21)
        check(r.status == 409 and r.json()['code'] == 'wrong_state', r)
        r = viewer.get('/api/v1/cycles/no-such-cycle/results')
        check(r.status == 404, r)
        # previews: signed-in owners and reviewers only
        r = anon.get(R21 + '?preview=1')
        check(r.status == 401, r)
        r = viewer.get(R21 + '?preview=1')
        check(r.status == 403 and r.json()['code'] == 'forbidden', r)
        r = reviewer.get(R21 + '?preview=1')
        check(r.status == 404, f'no result computed yet: {r}')

        # ---- compute ------------------------------------------------
        r = anon.post('/api/v1/cycles/dti-2021/compute')
        check(r.status == 401, r)
        r = editor.post('/api/v1/cycles/dti-2021/compute')
        check(r.status == 403 and r.json()['code'] == 'forbidden', r)
        r = viewer.post('/api/v1/cycles/dti-2021/compute')
        check(r.status == 403, r)
        r = reviewer.post('/api/v1/cycles/dti-2021/compute', {'x': 1})
        check(r.status == 400 and r.json()['code'] == 'unknown_field', r)
        r = reviewer.post('/api/v1/cycles/dti-2021/compute')
        check(r.status == 200 and r.json()['cycle'] == 'dti-2021' and
              isinstance(r.json().get('result'), int), r)
        rid = r.json().get('result') if r.status == 200 else None
        r = owner.post('/api/v1/cycles/dti-2021/compute', {})
        check(r.status == 200 and rid is not None and
              r.json()['result'] == rid + 1, r)
        rid = r.json().get('result') if r.status == 200 else None
        r = reviewer.get(R21 + '?preview=1')
        check(r.status == 200 and r.json()['result'] == rid and
              r.json()['state'] == 'closed', r)
        check(r.header('Cache-Control') == 'no-store', r)
        preview_json = r.json() if r.status == 200 else {}
        r = owner.get(R21 + '?preview=1&format=csv')
        check(r.status == 200 and
              (r.header('Content-Type') or '').startswith('text/csv'), r)
        check(len(r.body.decode('utf-8').splitlines()) == 64, r)
        check(r.body.decode('utf-8') == store.cli(
            'results dti-2021 --preview --format csv --user owner'), r)
        r = anon.get(R21)
        check(r.status == 404, 'a preview is not published')

        # ---- publish ------------------------------------------------
        v = cycle_version(store, 'dti-2021')
        P21 = '/api/v1/cycles/dti-2021/publish'
        r = reviewer.post(P21)
        check(r.status == 403 and r.json()['code'] == 'forbidden', r)
        r = editor.post(P21)
        check(r.status == 403, r)
        r = anon.post(P21)
        check(r.status == 401, r)
        r = owner.post(P21, headers={'If-Match': f'"v{v - 1}"'})
        check(r.status == 412 and r.json()['code'] == 'conflict', r)
        r = owner.post(P21, headers={'If-Match': 'v1'})
        check(r.status == 400 and r.json()['code'] == 'bad_header', r)
        r = owner.post(P21, {'partial': 'yes'})
        check(r.status == 400 and r.json()['code'] == 'bad_type', r)
        r = owner.post('/api/v1/cycles/dti-2022/publish')
        check(r.status == 409, f'published twice: {r}')
        check(cycle_version(store, 'dti-2021') == v, 'refusals changed it')
        # still 404 after the refusals (nothing cached of it)
        r = anon.get(R21)
        check(r.status == 404, r)
        r = owner.post(P21, {'partial': False},
                       headers={'If-Match': f'"v{v}"'})
        check(r.status == 200 and r.json()['state'] == 'published', r)
        check(r.header('ETag') == f'"v{v + 1}"', r)
        # the cache was emptied: the new cycle reads, the list grows
        r = anon.get(R21)
        check(r.status == 200 and r.json()['state'] == 'published', r)
        check(r.status == 200 and
              r.body.decode('utf-8') == store.cli('results dti-2021'), r)
        r = anon.get('/api/v1/published')
        cycles = [c['cycle'] for c in r.json()['cycles']] \
            if r.status == 200 else []
        check(sorted(cycles) == ['dti-2021', 'dti-2022'], cycles)
        check(r.header('ETag') != pub_etag, 'the list kept its ETag')
        r = anon.get('/api/v1/cycles/dti-2021/checkpoint')
        check(r.status == 200 and r.json()['cycle'] == 'dti-2021', r)
        r = anon.get('/api/v1/cycles/dti-2021/ranking')
        check(r.status == 200 and len(r.json()['rows']) == 63, r)
        # the views of dti-2022 now compare with dti-2021
        r = anon.get(RK)
        check(r.status == 200 and r.header('ETag') != rk_etag and
              [e['cycle'] for e in r.json()['earlier']] == ['dti-2021'],
              f'the ranking of dti-2022 was kept: {r}')
        r = anon.get(RK + '?format=csv&since=2021&lang=vi')
        check(r.status == 200 and r.body.decode('utf-8') == store.cli(
            'rank --cycle dti-2022 --since 2021 --format csv --lang vi'),
            r)
        r = anon.get(PF)
        check(r.status == 200 and r.body.decode('utf-8') == store.cli(
            'explain --cycle dti-2022 48 --format json --lang en'), r)
        # the older cycle's entity is unchanged
        r = anon.get(R22, headers={'If-None-Match': etag})
        check(r.status == 304, r)
        # the published result is the last computed one's successor
        r = anon.get(R21)
        check(r.status == 200 and
              r.json()['results'] == preview_json.get('results'),
              'published results differ from the preview of the same '
              'figures')
    # the store's verdict after all of it
    out = store.cli('audit verify --user viewer')
    check('intact' in out, out)
finally:
    store.remove()
finish('server-api-results')
