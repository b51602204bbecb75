"""
tests/server/test_api_targets.py - a unit's targets over HTTP: GET
/api/v1/units/{unit}/targets is `dti target track UNIT --format json`,
for any signed-in user; its numbers agree with a computation made here
from the published results alone (`dti results`); names are read on
?date=; refusals are problems (401 anonymous, 404 an unknown unit, 400 a
bad date or an unknown parameter); a target removed is gone at once (the
answer is never cached).

    python3 test_api_targets.py DTI
"""
import json
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PUBLISHED_2021_2022, Store, Server, check, finish  # noqa

dti = sys.argv[1]

# dti-2021 and dti-2022 published (the demo figures); Đà Nẵng's editor
# sets two targets of 48, the owner one of Hà Nội (01) by 2022, a year
# already published.
SETUP = PUBLISHED_2021_2022 + """
{
dti target add 48 --rank 3 --by 2024 --baseline dti-2021 --user editor_a
dti target add 48 --value 0.8 --by 2023 --note 'kế hoạch' --user editor_a
dti target add 01 --rank 1 --by 2022 --user owner
} >/dev/null
"""


def published(store, cycle, unit):
    """(rank, index value, units ranked) of unit in a published cycle."""
    res = json.loads(store.cli(f'results {cycle}'))['results']
    u = [x for x in res['units'] if x['id'] == unit][0]
    code = res['sorted_by']
    ranked = sum(1 for x in res['units'] if x['ranks'].get(code))
    return u['ranks'][code], u['values'][code], ranked


def without_time(doc):
    d = dict(doc)
    d.pop('as_of', None)
    return d


store = Store(dti, setup=SETUP)
try:
    r21, v21, _ = published(store, 'dti-2021', '48')
    r22, v22, n22 = published(store, 'dti-2022', '48')
    h21, _, _ = published(store, 'dti-2021', '01')
    h22, _, _ = published(store, 'dti-2022', '01')
    cli = json.loads(store.cli('target track 48 --format json'))
    with Server(store) as srv:
        anon = srv.client()
        viewer = srv.client('viewer', token=True)
        editor_b = srv.client('editor_b', token=True)

        r = viewer.get('/api/v1/units/48/targets')
        check(r.status == 200, r)
        check(r.header('Content-Type') == 'application/json', r)
        got = r.json()
        check(without_time(got) == without_time(cli),
              'the answer differs from dti target track 48 --format json')
        t = {x['kind']: x for x in got['targets']}
        check(set(t) == {'rank', 'value'}, got)

        # rank 3 or better by 2024, from dti-2021: the line through two
        # points is the points' own, read at 2024, kept in 1..ranked
        rk = t['rank']
        check([p['value'] for p in rk['points']] == [r21, r22], rk)
        check(rk['points'][1]['ranked'] == n22, rk)
        proj = min(max(r22 + 2 * (r22 - r21), 1), n22)
        check(abs(rk['projection'] - proj) < 1e-6,
              f'rank projection {rk["projection"]}, expected {proj}')
        check(rk['trend_per_year'] == r22 - r21, rk)
        check(rk['gap'] == r22 - 3, rk)
        want = ('met' if r22 <= 3 else
                'on_track' if proj <= 3 else 'off_track')
        check(rk['status'] == want, f'{rk["status"]}, expected {want}')
        check(rk['baseline'] == 'dti-2021' and rk['baseline_value'] == r21,
              rk)
        check(rk['deadline_passed'] is False, rk)

        # the index at 0.8 or more by 2023
        va = t['value']
        vproj = min(max(v22 + (v22 - v21), 0), 1)
        check(abs(va['projection'] - round(vproj, 6)) < 1e-9,
              f'value projection {va["projection"]}, expected {vproj}')
        check(abs(va['gap'] - (0.8 - v22)) < 1e-9, va)
        check(va['latest'] == v22 and va['latest_cycle'] == 'dti-2022', va)
        want = ('met' if v22 >= 0.8 else
                'on_track' if vproj >= 0.8 else 'off_track')
        check(va['status'] == want, f'{va["status"]}, expected {want}')
        check(va['note'] == 'kế hoạch' and va['set_by'] == 'editor_a', va)

        # Hà Nội by 2022, published: met or missed, no projection; any
        # signed-in user reads it (the editor of that very unit too)
        r = editor_b.get('/api/v1/units/01/targets')
        check(r.status == 200, r)
        hn = r.json()['targets'][0]
        check(hn['deadline_passed'] is True and hn['projection'] is None,
              hn)
        check(hn['status'] == ('met' if h22 <= 1 else 'missed'), hn)
        check([p['value'] for p in hn['points']] == [h21, h22], hn)

        # a name read on ?date=: Đà Nẵng of 2024 is 48
        path = '/api/v1/units/' + quote('Đà Nẵng') + '/targets'
        r = viewer.get(path + '?date=2024-12-31')
        check(r.status == 200 and without_time(r.json()) ==
              without_time(got), r)

        # refusals
        r = anon.get('/api/v1/units/48/targets')
        check(r.status == 401 and r.json()['code'] == 'unauthenticated', r)
        r = viewer.get('/api/v1/units/nowhere/targets')
        check(r.status == 404 and r.json()['code'] == 'not_found', r)
        r = viewer.get('/api/v1/units/48/targets?date=2024-02-30')
        check(r.status == 400 and r.json().get('field') == 'date', r)
        r = viewer.get('/api/v1/units/48/targets?lang=vi')
        check(r.status == 400 and r.json()['code'] == 'unknown_parameter',
              r)
        r = viewer.post('/api/v1/units/48/targets', {})
        check(r.status == 405, r)

        # never cached: a target removed is gone from the next answer
        rid = rk['id']
        store.cli(f'target remove {rid} --user owner')
        r = viewer.get('/api/v1/units/48/targets')
        check(r.status == 200 and
              [x['id'] for x in r.json()['targets']] == [t['value']['id']],
              r)
finally:
    store.remove()
finish('server-api-targets')
