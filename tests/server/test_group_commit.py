"""
tests/server/test_group_commit.py - edits made at the same moment are
committed together (serve.c: group commit), and each of them still
happens completely or not at all: 24 clients edit at once, some of their
edits refused (another unit's editor, a stale If-Match, an unknown
indicator, a value out of range) between the accepted ones.  Every
accepted edit is in the store with its event, every refused one left
nothing, each client sees its own versions rise, and the audit chain is
intact.

    python3 test_group_commit.py DTI
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Store, Server, check, finish, UNIT_A, UNIT_B  # noqa

ROUNDS = 25
CYCLE = 'dti-2023'
# one province per accepting client
UNITS = ['02', '04', '06', '08', '10', '11', '12', '14', '15', '17', '19',
         '20', '22', '24', '25', '26']

dti = sys.argv[1]
store = Store(dti, setup=f"""
dti cycle create {CYCLE} --year 2023 --framework pdti-2022 \
  --submit-deadline 2099-12-31 --user owner >/dev/null
dti cycle open {CYCLE} --user owner >/dev/null
""")


def events():
    return int(store.shell(
        'DTI_USER=admin dti audit log --json | grep -c \'"seq"\''))


def sub(unit):
    return f'/api/v1/cycles/{CYCLE}/submissions/{unit}'


try:
    with Server(store, args=['--threads', '8']) as srv:
        owner = store.token('owner')
        ed_a = store.token('editor_a')
        ed_b = store.token('editor_b')
        before = events()
        lock = threading.Lock()
        accepted = []   # (unit, value) of every 200
        last_value = {}
        refused = []    # statuses of the refusals
        wrong = []

        def good(k):
            """Owner edits unit k's 'awareness': every edit accepted."""
            c = srv.client()
            c.token = owner
            unit = UNITS[k]
            last = 0
            for n in range(ROUNDS):
                v = round((k * ROUNDS + n) % 95 / 100 + 0.01, 2)
                r = c.patch(sub(unit), {'figures': [
                    {'indicator': 'human_resources', 'value': v}]})
                if r.status != 200:
                    wrong.append(str(r))
                    return
                body = r.json()
                if body['version'] <= last:
                    wrong.append(f'version went from {last} to '
                                 f'{body["version"]}')
                last = body['version']
                with lock:
                    accepted.append((unit, v))
                last_value[unit] = v

        def bad(k):
            """Edits that must be refused, sent among the good ones."""
            c = srv.client()
            for n in range(ROUNDS):
                kind = (k + n) % 4
                if kind == 0:    # editor of unit 01 edits unit 48
                    c.token = ed_b
                    r = c.patch(sub(UNIT_A), {'figures': [
                        {'indicator': 'awareness', 'value': 0.5}]})
                elif kind == 1:  # a stale version
                    c.token = ed_a
                    r = c.patch(sub(UNIT_A), {'figures': [
                        {'indicator': 'awareness', 'value': 0.5}]},
                        headers={'If-Match': '"v1"'})
                elif kind == 2:  # no such indicator
                    c.token = ed_b
                    r = c.patch(sub(UNIT_B), {'figures': [
                        {'indicator': 'no_such_thing', 'value': 0.5}]})
                else:            # out of its range
                    c.token = ed_b
                    r = c.patch(sub(UNIT_B), {'figures': [
                        {'indicator': 'awareness', 'value': 7}]})
                with lock:
                    refused.append(r.status)
                if not 400 <= r.status < 500:
                    wrong.append(f'a refused edit answered {r}')

        # unit 48 gets a first version, so that "v1" is stale
        c = srv.client()
        c.token = ed_a
        for v in (0.1, 0.2):
            r = c.patch(sub(UNIT_A), {'figures': [
                {'indicator': 'awareness', 'value': v}]})
            check(r.status == 200, r)
        base = events()

        threads = [threading.Thread(target=good, args=(k,))
                   for k in range(16)]
        threads += [threading.Thread(target=bad, args=(k,))
                    for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not wrong, f'unexpected answers: {wrong[:3]}')
        check(len(accepted) == 16 * ROUNDS,
              f'{len(accepted)} edits accepted of {16 * ROUNDS}')
        check(len(refused) == 8 * ROUNDS, f'{len(refused)} refusals')
        check(set(refused) <= {403, 404, 409, 412, 422},
              f'refusals answered {sorted(set(refused))}')
        print(f'{len(accepted)} edits accepted and {len(refused)} refused '
              f'by 24 clients at once')

        # each accepted edit is one event; the refused ones left none
        check(events() - base == len(accepted),
              f'{events() - base} events for {len(accepted)} edits')
        # the last value each writer set is what the store holds, and no
        # refused value was kept
        c.token = owner
        r = c.get(sub(UNIT_B))
        check(r.status == 200, r)
        held = {f['indicator']: f['value'] for f in r.json()['figures']}
        check('awareness' not in held or held['awareness'] != 7,
              f'a refused value was kept: {held}')
        for unit in UNITS:
            r = c.get(sub(unit))
            held = {f['indicator']: f['value'] for f in r.json()['figures']}
            check(held.get('human_resources') == last_value[unit],
                  f'unit {unit} holds {held.get("human_resources")}, its '
                  f'last edit set {last_value[unit]}')
    out = store.cli('audit verify')
    check('intact' in out, f'audit verify: {out}')
    check(before > 0, 'no events before the edits')
finally:
    store.remove()
finish('server-group-commit')
