"""
tests/server/test_fairness.py - many writers at once are served in turn:
eight clients edit eight provinces' figures through the API for a few
seconds; every one of them gets a fair share of the edits through (the
server's write lock is a ticket lock: first come, first served), none
fails, and the audit chain is intact and holds every edit.

    python3 test_fairness.py DTI
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish  # noqa: E402

UNITS = ['01', '79', '48', '31', '92', '22', '46', '75']
SECONDS = 4

dti = sys.argv[1]
store = Store(dti, setup="""
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \
  --submit-deadline 2099-12-31 --user owner >/dev/null
dti cycle open dti-2023 --user owner >/dev/null
""")
try:
    with Server(store, args=['--threads', '4']) as srv:
        token = store.token('owner')
        done = {u: 0 for u in UNITS}
        errors = []
        worst = {u: 0.0 for u in UNITS}
        stop = time.monotonic() + SECONDS

        def writer(unit):
            c = srv.client()
            c.token = token
            n = 0
            while time.monotonic() < stop:
                t0 = time.monotonic()
                r = c.patch(f'/api/v1/cycles/dti-2023/submissions/{unit}',
                            {'figures': [{'indicator': 'awareness',
                                          'value': (n % 90 + 5) / 100}]})
                worst[unit] = max(worst[unit], time.monotonic() - t0)
                if r.status != 200:
                    errors.append(str(r))
                    return
                n += 1
            done[unit] = n

        threads = [threading.Thread(target=writer, args=(u,)) for u in UNITS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not errors, f'failed edits: {errors[:3]}')
        total = sum(done.values())
        mean = total / len(UNITS)
        print(f'{total} edits in {SECONDS} s by {len(UNITS)} writers: '
              f'{sorted(done.values())}; longest call '
              f'{max(worst.values()):.3f} s')
        # fair: nobody gets less than a quarter of the mean share
        check(min(done.values()) >= max(1, mean / 4),
              f'unfair shares: {done}')
    out = store.cli('audit verify')
    check('intact' in out, f'audit verify: {out}')
    n_events = int(store.shell(
        'DTI_USER=admin dti audit log --action submission.edit --json '
        '| grep -c \'"actor":"owner"\''))
    check(n_events >= total, f'{n_events} edit events for {total} edits')
finally:
    store.remove()
finish('server-fairness')
