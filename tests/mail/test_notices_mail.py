#!/usr/bin/env python3
"""tests/mail/test_notices_mail.py - 'dti notices mail' against a local
SMTP sink.

    test_notices_mail.py DTI SRCDIR

Builds a small DTI year (tests/cli/data/wf-year.sh, stage 5: the cycle in
review) and has rita return Quảng Ninh, gives four users an e-mail
address, starts smtp_sink.py on loopback and checks that:
  - 'dti notices mail' delivers each due notice of each user with an
    address exactly once: one message per (user, notice), to the user's
    address, with Date, From (the display name decoded), To, Subject (the
    notice's titles, UTF-8 decoded from encoded-words), a unique
    Message-ID, text/plain; charset=UTF-8 in quoted-printable, and a body
    that decodes to the notice's Vietnamese and English text;
  - a second run sends nothing, and the notices say "mailed";
  - a 7-day reminder is sent once it is due, and the 1-day one later
    without the 7-day one again;
  - a sender with a line break is refused before anything is sent
    (header injection), and an unreachable relay leaves the notices due
    (exit 3) for the next run;
  - AUTH: with --smtp-user and --password-file the sink sees the login.
Exit 0 when everything holds; prints 'N passed, N failed'.
"""
import email
import email.policy
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

DTI, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix='dti-mail-test-')
DB = os.path.join(TMP, 'dti.db')
passed, failures = 0, []


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print('FAIL: ' + what, file=sys.stderr)


def env(now):
    e = {k: v for k, v in os.environ.items() if not k.startswith('DTI_')}
    e.update(DTI=DTI, TMP=TMP, DTI_DB=DB, DTI_NOW=now, LC_ALL='C.UTF-8',
             NO_COLOR='1')
    return e


def dti(now, *args, ok=True):
    p = subprocess.run([DTI] + list(args), cwd=SRC, env=env(now),
                       capture_output=True, text=True, timeout=120)
    if ok and p.returncode != 0:
        raise SystemExit('dti %s: exit %d\n%s' % (' '.join(args),
                                                  p.returncode, p.stderr))
    return p


class SinkProc:
    def __init__(self, auth=None):
        self.dir = tempfile.mkdtemp(prefix='sink-', dir=TMP)
        pf = os.path.join(self.dir, 'port')
        cmd = [sys.executable, os.path.join(HERE, 'smtp_sink.py'),
               '--dir', self.dir, '--port-file', pf, '--timeout', '300']
        if auth:
            cmd += ['--auth', auth]
        self.p = subprocess.Popen(cmd)
        for _ in range(200):
            if os.path.exists(pf):
                break
            if self.p.poll() is not None:
                raise SystemExit('the SMTP sink did not start')
            time.sleep(0.05)
        with open(pf) as f:
            self.port = int(f.read())
        self.url = 'smtp://127.0.0.1:%d' % self.port

    def messages(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.dir, '*.eml'))):
            with open(path, 'rb') as f:
                raw = f.read()
            with open(path[:-4] + '.json', encoding='utf-8') as f:
                envl = json.load(f)
            out.append((raw, envl))
        return out

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()


def notices(now, user):
    p = dti(now, 'notices', '--user', 'admin', '--for', user, '--format',
            'json')
    return json.loads(p.stdout)['notices']


ADDR = {'ed-dn': 'ed-dn@example.org', 'ed-south': 'ed.south@example.org',
        'rita': 'rita@example.org', 'vic': 'vic@example.org'}
FROM = 'DTI Đà Nẵng <dti@example.org>'
T0 = '2026-01-15T09:00:00Z'


def due(now, sent):
    """(user, key) -> notice, of what the mailer should send at `now`."""
    out = {}
    for u in ADDR:
        for n in notices(now, u):
            if (u, n['key']) in sent:
                continue
            if n['days']:
                day = now[:10]
                if day > n['deadline']:
                    continue
                if n['days'] == 7 and any(
                        m['days'] == 1 and m['deadline'] == n['deadline']
                        and m['key'].split(':')[2] == n['key'].split(':')[2]
                        for m in notices(now, u)):
                    continue
            out[(u, n['key'])] = n
    return out


def check_message(raw, envl, expect, seen_ids):
    """Checks one message; returns its (user, key) or None."""
    check(b'\r\n' in raw and b'\n' not in raw.replace(b'\r\n', b''),
          'the message has CRLF line ends only')
    check(all(b < 0x80 for b in raw), 'the message is 7-bit')
    check(all(len(l) <= 78 for l in raw.split(b'\r\n')),
          'every line of the message is at most 78 characters')
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for h in ('Date', 'From', 'To', 'Subject', 'Message-ID',
              'MIME-Version', 'Content-Type',
              'Content-Transfer-Encoding'):
        check(m[h] is not None, 'header %s present' % h)
    check(m['Date'] is not None and m['Date'].datetime is not None,
          'Date parses: %s' % m['Date'])
    check(m['From'].addresses[0].display_name == 'DTI Đà Nẵng' and
          m['From'].addresses[0].addr_spec == 'dti@example.org',
          'From decodes: %s' % m['From'])
    check(m.get_content_type() == 'text/plain' and
          m.get_content_charset() == 'utf-8', 'text/plain; charset=UTF-8')
    check(m['Content-Transfer-Encoding'] == 'quoted-printable',
          'quoted-printable')
    mid = m['Message-ID']
    check(mid not in seen_ids, 'Message-ID unique: %s' % mid)
    seen_ids.add(mid)
    to = m['To'].addresses[0].addr_spec
    check(envl['to'] == ['<%s>' % to], 'envelope RCPT is To: %s' % envl)
    check(envl['from'].startswith('<dti@example.org>'),
          'envelope MAIL FROM: %s' % envl['from'])
    user = [u for u, a in ADDR.items() if a == to]
    check(len(user) == 1, 'To is one of the users: %s' % to)
    if len(user) != 1:
        return None
    body = m.get_content()
    key = None
    for line in body.split('\n'):
        if line.startswith('Mã thông báo / Notice: '):
            key = line.split(': ', 1)[1].strip()
    check(key is not None, 'the body names its notice')
    n = expect.get((user[0], key))
    check(n is not None, 'message %s to %s was due' % (key, user[0]))
    if n is None:
        return None
    check(str(m['Subject']) == '[DTI] %s / %s' % (n['title_vi'],
                                                  n['title_en']),
          'Subject decodes to the titles: %r' % str(m['Subject']))
    check(n['text_vi'] in body and n['text_en'] in body,
          'the body holds the Vietnamese and English text of %s' % key)
    return (user[0], key)


def main():
    setup = subprocess.run(
        ['sh', 'tests/cli/data/wf-year.sh', '5'], cwd=SRC, env=env(T0),
        capture_output=True, text=True)
    if setup.returncode != 0:
        raise SystemExit('wf-year.sh: ' + setup.stderr)
    dti(T0, 'review', 'return', 'dti-2022', 'Quảng Ninh', '--comment',
        'thiếu minh chứng về nhận thức số', '--user', 'rita')
    for u, a in ADDR.items():
        dti(T0, 'user', 'email', u, a, '--user', 'admin')
    # a notice read is still mailed: reading and mailing are apart
    dti(T0, 'notices', 'read', '--all', '--user', 'ed-dn')

    sink = SinkProc()
    sent = set()
    seen_ids = set()
    try:
        # 1. the first run sends every due notice once
        expect = due(T0, sent)
        check(len(expect) >= 3, 'notices are due: %d' % len(expect))
        p = dti(T0, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
                '--user', 'admin')
        msgs = sink.messages()
        check(len(msgs) == len(expect),
              'first run: %d messages for %d notices' % (len(msgs),
                                                         len(expect)))
        got = [check_message(r, e, expect, seen_ids) for r, e in msgs]
        check(sorted(g for g in got if g) == sorted(expect),
              'first run: each due notice once')
        check(p.stdout.count('\nsent ') + p.stdout.startswith('sent ') ==
              len(expect), 'one line per message sent:\n' + p.stdout)
        sent |= set(expect)
        for u in ADDR:
            for n in notices(T0, u):
                check(n['mailed'], '%s %s says mailed' % (u, n['key']))

        # 2. a second run sends nothing
        p = dti(T0, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
                '--user', 'admin')
        check(len(sink.messages()) == len(msgs),
              'second run sent %d more' % (len(sink.messages()) - len(msgs)))
        check(p.stdout == '', 'second run prints nothing: ' + p.stdout)
        check('0 notices sent' in p.stderr, 'second run says 0 sent')

        # 3. header injection: refused before anything is sent
        T1 = '2026-03-25T02:00:00Z'  # the review deadline 7 days ahead
        before = len(sink.messages())
        p = dti(T1, 'notices', 'mail', '--smtp', sink.url, '--from',
                'dti@example.org\r\nBcc: evil@example.org', '--user',
                'admin', ok=False)
        check(p.returncode == 3, 'a sender with CRLF: exit %d, wanted 3'
              % p.returncode)
        check(len(sink.messages()) == before,
              'a sender with CRLF: nothing sent')
        # 4. an unreachable relay: exit 3, the notices stay due
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        dead = s.getsockname()[1]
        s.close()
        p = dti(T1, 'notices', 'mail', '--smtp',
                'smtp://127.0.0.1:%d' % dead, '--from', FROM, '--user',
                'admin', ok=False)
        check(p.returncode == 3, 'unreachable relay: exit %d, wanted 3'
              % p.returncode)
        expect = due(T1, sent)
        check(len(expect) == 1 and
              list(expect)[0][0] == 'rita' and
              list(expect)[0][1].endswith(':7'),
              'the 7-day review reminder is due for rita: %s' % expect)
        # 5. sent at last, once
        dti(T1, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
            '--user', 'admin')
        msgs = sink.messages()[before:]
        got = [check_message(r, e, expect, seen_ids) for r, e in msgs]
        check(sorted(g for g in got if g) == sorted(expect),
              'the 7-day reminder sent once')
        sent |= set(expect)
        # 6. the 1-day reminder, without the 7-day one again
        T2 = '2026-03-30T02:00:00Z'
        before = len(sink.messages())
        expect = due(T2, sent)
        check(len(expect) == 1 and list(expect)[0][1].endswith(':1'),
              'the 1-day reminder is due: %s' % expect)
        dti(T2, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
            '--user', 'admin')
        msgs = sink.messages()[before:]
        got = [check_message(r, e, expect, seen_ids) for r, e in msgs]
        check(sorted(g for g in got if g) == sorted(expect),
              'the 1-day reminder sent once')
        sent |= set(expect)
    finally:
        sink.stop()

    # 7. AUTH: the sink refuses MAIL without a login
    sink = SinkProc(auth='relay-user:relay-pass')
    try:
        T3 = '2026-03-30T03:00:00Z'
        # a new reviewer: the 1-day review reminder is due for him
        dti(T3, 'user', 'add', 'minh', '--name', 'Lê Văn Minh', '--user',
            'admin')
        dti(T3, 'user', 'role', 'minh', 'reviewer', '--user', 'admin')
        dti(T3, 'user', 'email', 'minh', 'minh@example.org', '--user',
            'admin')
        ADDR['minh'] = 'minh@example.org'
        expect = due(T3, sent)
        check(len(expect) == 1, 'one reminder due for minh: %s' % expect)
        p = dti(T3, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
                '--user', 'admin', ok=False)
        check(p.returncode == 3 and not sink.messages(),
              'no login: exit %d, %d sent' % (p.returncode,
                                               len(sink.messages())))
        pw = os.path.join(TMP, 'relay.pw')
        with open(pw, 'w') as f:
            f.write('relay-pass\n')
        dti(T3, 'notices', 'mail', '--smtp', sink.url, '--from', FROM,
            '--smtp-user', 'relay-user', '--password-file', pw, '--user',
            'admin')
        msgs = sink.messages()
        check(len(msgs) == len(expect) and
              all(e['user'] == 'relay-user' for _, e in msgs),
              'with a login: %d of %d sent as relay-user' % (len(msgs),
                                                              len(expect)))
        got = [check_message(r, e, expect, seen_ids) for r, e in msgs]
        check(sorted(g for g in got if g) == sorted(expect),
              'with a login: each due notice once')
    finally:
        sink.stop()

    v = dti(T3, 'audit', 'verify', '--user', 'admin')
    check('intact' in v.stdout, 'audit verify: ' + v.stdout + v.stderr)


try:
    main()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print('%d passed, %d failed' % (passed, len(failures)))
sys.exit(1 if failures else 0)
