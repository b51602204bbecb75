"""
tests/server/test_serve_mail.py - dti serve with an SMTP relay: the
server's mailer e-mails the notices that are due (here: a submission
returned with the reviewer's comment, to the editor of that unit) to the
users with an address, once each, through a sink on loopback.

    python3 test_serve_mail.py DTI
"""
import email
import email.policy
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import Store, Server, check, finish  # noqa: E402

COMMENT = 'Thiếu kế hoạch chuyển đổi số năm 2023'
dti = sys.argv[1]
sink_dir = tempfile.mkdtemp(prefix='dti-sink-')
port_file = os.path.join(sink_dir, 'port')
sink = subprocess.Popen([sys.executable,
                         os.path.join(HERE, '..', 'mail', 'smtp_sink.py'),
                         '--dir', sink_dir, '--port-file', port_file,
                         '--timeout', '300'])
for _ in range(200):
    if os.path.exists(port_file):
        break
    time.sleep(0.05)
smtp = 'smtp://127.0.0.1:%d' % int(open(port_file).read())


def messages():
    out = []
    for p in sorted(glob.glob(os.path.join(sink_dir, '*.eml'))):
        with open(p, 'rb') as f:
            out.append(email.message_from_bytes(f.read(),
                                                policy=email.policy.default))
    return out


store = Store(dti, setup="""
dti user email editor_a lan@example.org --user admin >/dev/null
dti cycle create dti-2023 --year 2023 --framework pdti-2022 \
  --submit-deadline 2099-12-31 --user owner >/dev/null
dti cycle open dti-2023 --user owner >/dev/null
""")
try:
    with Server(store, args=['--smtp-url', smtp, '--smtp-from',
                             'DTI <dti@example.org>', '--mail-interval',
                             '1']) as srv:
        # the opening reaches editor_a by mail within a few seconds
        for _ in range(100):
            if messages():
                break
            time.sleep(0.1)
        first = messages()
        check(len(first) == 1, f'{len(first)} messages after the opening')
        # the reviewer returns Đà Nẵng's submission through the API
        a = srv.client('editor_a')
        r = a.patch('/api/v1/cycles/dti-2023/submissions/48',
                    {'figures': [{'indicator': 'awareness', 'value': 0.5}]})
        check(r.status == 200, r)
        check(a.post('/api/v1/cycles/dti-2023/submissions/48/submit')
              .status == 200, 'submit')
        o = srv.client('owner')
        check(o.post('/api/v1/cycles/dti-2023/transition', {'to': 'review'})
              .status == 200, 'review')
        rv = srv.client('reviewer')
        r = rv.post('/api/v1/cycles/dti-2023/submissions/48/return',
                    {'comment': COMMENT})
        check(r.status == 200, r)
        for _ in range(100):
            if len(messages()) >= 2:
                break
            time.sleep(0.1)
        time.sleep(2.5)  # two more mail runs: nothing is sent twice
        msgs = messages()
        check(len(msgs) == 2, f'{len(msgs)} messages, not 2')
        if len(msgs) == 2:
            m = msgs[1]
            check(m['To'] and 'lan@example.org' in m['To'], m['To'])
            check('dti@example.org' in m['From'], m['From'])
            body = m.get_content()
            check(COMMENT in body, body)
            check('[DTI]' in m['Subject'], m['Subject'])
        # nobody without an address is mailed
        check(all('lan@example.org' in m['To'] for m in msgs), 'recipients')
finally:
    store.remove()
    sink.terminate()
    sink.wait()
    shutil.rmtree(sink_dir, ignore_errors=True)
finish('server-mail')
