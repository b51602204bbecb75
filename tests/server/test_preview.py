"""
tests/server/test_preview.py - an editor's likely score, with figures
tried before they are saved (POST .../preview), and the rank it would take
in last year's field.

DTI 2021 and 2022 are published from the demo figures; 2023 is open with
the 2022 figures entered again.  The preview of a unit then ranks it in the
2022 field exactly where 2022 published it; figures tried change the
preview as saving them would, and store nothing: no new version, no audit
event.  Bad figures, other units' editors, viewers, anonymous clients, a
cookie without the CSRF token and a submitted submission are refused.

    python3 test_preview.py DTI
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Store, Server, check, finish, UNIT_A,  # noqa: E402
                     PUBLISHED_2021_2022)

dti = sys.argv[1]

SETUP = PUBLISHED_2021_2022 + """
{
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \\
  --submit-deadline 2099-12-31 --user owner
dti cycle open dti-2023 --user owner
dti submission import dti-2023 "$demo" --data-cycle 2022 --user owner
} >/dev/null
"""
SUB = f'/api/v1/cycles/dti-2023/submissions/{UNIT_A}'


def nodes(p):
    return {n['code']: n for n in p['nodes']}


def events(store):
    return int(store.shell('DTI_USER=admin dti audit log --json | '
                           'grep -c \'"seq"\''))


store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        ed = srv.client('editor_a')
        anon = srv.client()
        ranking = anon.get('/api/v1/cycles/dti-2022/ranking').json()
        index = ranking['nodes'][0]['code']
        row = [x for x in ranking['rows'] if x['id'] == UNIT_A][0]

        # -- the preview now: the 2022 figures, so the 2022 rank -----------
        r = ed.get(SUB + '/preview')
        check(r.status == 200, f'preview: {r}')
        now = r.json()
        check(now['prev_cycle'] == 'dti-2022' and not now['edited'],
              f'prev_cycle {now["prev_cycle"]}, edited {now["edited"]}')
        top = nodes(now)[index]
        check(top['prev_rank'] == row['rank'] and
              top['prev_ranked'] == len(ranking['rows']),
              f'in the 2022 field: {top["prev_rank"]}/'
              f'{top["prev_ranked"]}, published {row["rank"]}')
        check(top['rank'] == row['rank'],
              f'likely rank {top["rank"]}, the same figures ranked '
              f'{row["rank"]}')

        # -- figures tried: the preview moves, nothing is stored -----------
        sub = ed.get(SUB).json()
        before = events(store)
        tried = [{'indicator': 'awareness', 'value_text': '1'},
                 {'indicator': 'smart_city', 'value': 1.0},
                 {'indicator': 'cybersecurity', 'value_text': '1,0'}]
        r = ed.post(SUB + '/preview', {'figures': tried})
        check(r.status == 200, f'preview with figures tried: {r}')
        t = r.json()
        check(t['edited'] is True, 'edited is not said')
        check(nodes(t)[index]['value'] > top['value'],
              f'more points, a lower index: {nodes(t)[index]["value"]} '
              f'< {top["value"]}')
        check(nodes(t)[index]['prev_rank'] <= top['prev_rank'],
              'more points, a worse rank in the 2022 field')
        check(ed.get(SUB).json()['version'] == sub['version'],
              'trying figures changed the version')
        check(events(store) == before, 'trying figures wrote an event')
        check(nodes(ed.get(SUB + '/preview').json())[index]['value'] ==
              top['value'], 'trying figures changed the stored preview')
        # saving the same figures gives the same preview
        r = ed.patch(SUB, {'figures': tried},
                     headers={'If-Match': f'"v{sub["version"]}"'})
        check(r.status == 200, f'saving the figures tried: {r}')
        saved = ed.get(SUB + '/preview').json()
        for code, n in nodes(saved).items():
            m = nodes(t)[code]
            check((n['value'], n['rank'], n['prev_rank']) ==
                  (m['value'], m['rank'], m['prev_rank']),
                  f'{code}: saved {n}, tried {m}')
        # clearing a figure: scored by the missing rule
        r = ed.post(SUB + '/preview', {'figures': [
            {'indicator': 'awareness', 'clear': True}]})
        check(r.status == 200 and
              nodes(r.json())[index]['value'] <=
              nodes(saved)[index]['value'], f'clear: {r}')

        # -- refusals: 4xx, nothing stored ---------------------------------
        before = events(store)
        version = ed.get(SUB).json()['version']
        r = ed.post(SUB + '/preview', {'figures': [
            {'indicator': 'awareness', 'value_text': 'nhiều'}]})
        check(r.status in (400, 422) and 'awareness' in r.body.decode(),
              f'a figure that is not a number: {r}')
        r = ed.post(SUB + '/preview', {'figures': [
            {'indicator': 'no_such', 'value': 1}]})
        check(r.status in (400, 404, 422) and 'no_such' in r.body.decode(),
              f'an unknown indicator: {r}')
        r = ed.post(SUB + '/preview', {'figures': []})
        check(r.status == 400, f'no figures: {r}')
        r = ed.post(SUB + '/preview', {'figures': tried, 'extra': 1})
        check(r.status == 400, f'an unknown field: {r}')
        for user in ('editor_b', 'viewer', 'reviewer'):
            r = srv.client(user).post(SUB + '/preview', {'figures': tried})
            check(r.status == 403, f'{user} trying unit 48 figures: {r}')
        r = anon.post(SUB + '/preview', {'figures': tried})
        check(r.status == 401, f'anonymous: {r}')
        nocsrf = srv.client('editor_a')
        nocsrf.csrf = None
        r = nocsrf.post(SUB + '/preview', {'figures': tried})
        check(r.status == 403, f'a cookie without the CSRF token: {r}')
        check(events(store) == before and
              ed.get(SUB).json()['version'] == version,
              'a refused preview changed the store')
        # once submitted, figures can no longer be tried
        r = ed.post(SUB + '/submit', None,
                    headers={'If-Match': f'"v{version}"'})
        check(r.status == 200, f'submit: {r}')
        r = ed.post(SUB + '/preview', {'figures': tried})
        check(r.status == 409, f'trying figures once submitted: {r}')
        check(ed.get(SUB + '/preview').status == 200,
              'the preview of a submitted submission')
finally:
    store.remove()

finish('server-preview')
