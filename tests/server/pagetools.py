"""
tests/server/pagetools.py - what the tests of the signed-in pages share: a
browser without scripts (plain forms, a session cookie, the CSRF token of
the page) and a parser of a page's forms and alerts.
"""
import html.parser
import urllib.parse

from harness import check, password


class Form(html.parser.HTMLParser):
    """The forms of a page: action -> {field: value}, and its alerts."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self.cur = None
        self.alerts = []
        self.in_alert = False
        self.inputs = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form':
            self.cur = self.forms.setdefault(a.get('action'), {})
        if tag == 'input' and self.cur is not None and 'name' in a:
            self.cur[a['name']] = a.get('value') or ''
            self.inputs[a['name']] = a.get('value') or ''
        if a.get('role') == 'alert':
            self.in_alert = True
            self.alerts.append('')

    def handle_endtag(self, tag):
        if tag == 'form':
            self.cur = None
        if tag == 'p':
            self.in_alert = False

    def handle_data(self, data):
        if self.in_alert:
            self.alerts[-1] += data


def form_post(c, path, fields):
    body = urllib.parse.urlencode(fields)
    return c.request('POST', path, raw=body,
                     content_type='application/x-www-form-urlencoded')


def sign_in(srv, user):
    c = srv.client()
    r = form_post(c, '/login', {'user': user, 'password': password(user)})
    check(r.status == 303 and r.header('Location') == '/work',
          f'sign-in of {user}: {r}')
    c.cookie = (r.header('Set-Cookie') or '').split(';')[0]
    return c


def page(c, path, status=200):
    r = c.get(path)
    check(r.status == status, f'{path}: {r}')
    return r, Form(r.body.decode('utf-8'))
