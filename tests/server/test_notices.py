"""
tests/server/test_notices.py - GET /api/v1/notices and POST
/api/v1/notices/read: a submission returned with the reviewer's comment
reaches the editors of that unit only; the opening of a cycle reaches the
editors of its units; marking read one notice or all; refusals.

    python3 test_notices.py DTI
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402

COMMENT = 'Thiếu kế hoạch chuyển đổi số năm 2023'
dti = sys.argv[1]
store = Store(dti, setup=f"""
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \
  --submit-deadline 2099-12-31 --user owner >/dev/null
dti cycle open dti-2023 --user owner >/dev/null
dti submission edit dti-2023 48 awareness=0.5 --user editor_a >/dev/null
dti submission submit dti-2023 48 --user editor_a >/dev/null
dti cycle review dti-2023 --user owner >/dev/null
dti review return dti-2023 48 --comment '{COMMENT}' --user reviewer >/dev/null
""")
try:
    with Server(store) as srv:
        a = srv.client('editor_a')
        r = a.get('/api/v1/notices')
        check(r.status == 200, r)
        body = r.json()
        kinds = [n['kind'] for n in body['notices']]
        check(body['user'] == 'editor_a', r)
        check('submission_returned' in kinds and 'cycle_opened' in kinds, r)
        check(body['unread'] == len(body['notices']), r)
        ret = [n for n in body['notices'] if n['kind'] == 'submission_returned']
        check(ret and ret[0]['comment'] == COMMENT and ret[0]['unit'] == '48'
              and ret[0]['actor'] == 'reviewer' and ret[0]['read'] is False, r)
        check(ret and ret[0]['text']['vi'] and ret[0]['text']['en'], r)

        # the editor of another unit does not get the return
        b = srv.client('editor_b')
        kinds_b = [n['kind'] for n in b.get('/api/v1/notices').json()['notices']]
        check('submission_returned' not in kinds_b and
              'cycle_opened' in kinds_b, kinds_b)

        # marking one read, then the unread list
        key = ret[0]['key']
        r = a.post('/api/v1/notices/read', {'key': key})
        check(r.status == 200 and r.json()['marked'] == 1, r)
        r = a.post('/api/v1/notices/read', {'key': key})
        check(r.status == 200 and r.json()['marked'] == 0, r)
        r = a.get('/api/v1/notices?unread=1')
        check(r.status == 200 and key not in
              [n['key'] for n in r.json()['notices']], r)
        check(r.json()['unread'] == body['unread'] - 1, r)
        r = a.get('/api/v1/notices?limit=1')
        check(r.status == 200 and len(r.json()['notices']) == 1, r)

        # the other editor cannot mark this one: it is not among theirs
        r = b.post('/api/v1/notices/read', {'key': key})
        check(r.status == 404 and r.json()['code'] == 'not_found', r)
        # refusals
        for bad in ({}, {'key': key, 'all': True}, {'all': 'yes'},
                    {'key': 7}, {'keys': key}):
            r = a.post('/api/v1/notices/read', bad)
            check(r.status == 400, r)
        check(a.get('/api/v1/notices?unread=maybe').status == 400, 'unread')
        check(a.get('/api/v1/notices?limit=0').status == 400, 'limit')
        check(a.get('/api/v1/notices?sort=x').status == 400, 'unknown')
        check(srv.client().get('/api/v1/notices').status == 401, 'anon')
        # with the cookie, a change needs the CSRF token
        a.csrf = 'forged'
        r = a.post('/api/v1/notices/read', {'all': True})
        check(r.status == 403 and r.json()['code'] == 'csrf', r)
        # a token needs none
        t = srv.client('editor_a', token=True)
        r = t.post('/api/v1/notices/read', {'all': True})
        check(r.status == 200 and r.json()['marked'] >= 1, r)
        check(t.get('/api/v1/notices').json()['unread'] == 0, 'all read')
finally:
    store.remove()
finish('server-notices')
