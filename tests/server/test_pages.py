"""
tests/server/test_pages.py - the public pages (src/server/pages.c) over a
store with two published years of the 63 provinces (the demo figures of
2021 and 2022) and a year in progress: the ranking, a unit's profile, the
comparison and the methodology, in Vietnamese and in English, read as a
browser without scripts reads them.  The numbers on the pages are the
API's (GET /api/v1/cycles/C/ranking, .../profile) in the page's number
format; filters by region and by name (with or without diacritics) work
without scripts; text from the request is escaped; an unpublished cycle is
a 404 page that names nothing of it; every page carries the strict
Content-Security-Policy, has no inline script, style or event handler, is
well formed and stays under 100 KB; published pages answer 304 to their
ETag.

    python3 test_pages.py DTI
"""
import gzip
import html.parser
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Store, Server, check, finish,  # noqa: E402
                     PUBLISHED_2021_2022)

dti = sys.argv[1]

SETUP = PUBLISHED_2021_2022 + """
dti cycle create dti-2023 --year 2023 --framework pdti-2022 --user owner \\
  >/dev/null
"""

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
VOID = {'meta', 'link', 'input', 'br', 'img', 'hr', 'source', 'col',
        'area', 'base', 'wbr', 'track', 'embed', 'param'}


class Page(html.parser.HTMLParser):
    """The parts of a page the checks need, and its balance of tags."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.rows = []        # ranking rows: [cell texts]
        self.row = None
        self.cell = None
        self.text = []
        self.links = []
        self.alerts = 0
        self.lang = None
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f'unclosed {self.stack}')

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'html':
            self.lang = a.get('lang')
        if tag == 'a' and 'href' in a:
            self.links.append(a['href'])
        if a.get('role') == 'alert':
            self.alerts += 1
        for name in a:
            if name.startswith('on') or name == 'style':
                self.errors.append(f'<{tag} {name}=...>')
        if tag == 'script' and 'src' not in a:
            self.errors.append('an inline <script>')
        if tag == 'style':
            self.errors.append('a <style> element')
        if tag == 'tr' and 'data-name' in a:
            self.row = []
        if tag in ('td', 'th') and self.row is not None:
            self.cell = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'</{tag}> closes {self.stack[-1:]}')
        else:
            self.stack.pop()
        if tag in ('td', 'th') and self.cell is not None:
            self.row.append(''.join(self.cell).strip())
            self.cell = None
        if tag == 'tr' and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def page(client, path, status=200):
    r = client.get(path)
    check(r.status == status, f'{path}: {r}')
    ctype = r.header('Content-Type') or ''
    check(ctype == 'text/html; charset=utf-8', f'{path}: type {ctype}')
    check(r.header('Content-Security-Policy') == CSP,
          f'{path}: CSP {r.header("Content-Security-Policy")}')
    check(len(r.body) < 100 * 1024, f'{path}: {len(r.body)} bytes')
    p = Page(r.body.decode('utf-8'))
    check(not p.errors, f'{path}: {p.errors[:5]}')
    return r, p


def fmt(v, dec, lang):
    if v is None:
        return '–'
    s = f'{v:.{dec}f}'
    return s.replace('.', ',') if lang == 'vi' else s


store = Store(dti, setup=SETUP)
try:
    with Server(store) as srv:
        anon = srv.client()
        api = anon.get('/api/v1/cycles/dti-2022/ranking?lang=vi').json()
        dec = api['precision']
        rows = api['rows']
        index = api['nodes'][0]['code']
        check(len(rows) == 63, f'{len(rows)} rows in the API ranking')
        check([e['year'] for e in api['earlier']] == [2021],
              f'earlier cycles: {api["earlier"]}')

        # -- the ranking, as the API gives it, in each language's numbers
        for lang, base in (('vi', ''), ('en', '/en')):
            r, p = page(anon, f'{base}/cycles/dti-2022')
            check(p.lang == lang, f'{lang}: <html lang={p.lang}>')
            check(len(p.rows) == 63, f'{lang}: {len(p.rows)} rows')
            by_name = {row[1]: row for row in p.rows}
            changes = 0
            for row in rows:
                cell = by_name.get(row['name'])
                if not check(cell is not None, f'{row["name"]} missing'):
                    continue
                idx = row['cells'][index]
                rank = str(idx['rank']) if idx['rank'] else '–'
                check(cell[0] == rank,
                      f'{lang} {row["name"]}: rank {cell[0]} != {rank}')
                check(cell[3] == fmt(idx['value'], dec, lang),
                      f'{lang} {row["name"]}: value {cell[3]} != '
                      f'{idx["value"]}')
                # the change in places since 2021, with its arrow
                ch = idx['changes'][0] if idx.get('changes') else None
                if ch and ch.get('rank_change') is not None:
                    changes += 1
                    n = ch['rank_change']
                    want = (f'▲ {n}' if n > 0 else f'▼ {-n}' if n < 0
                            else '=')
                    check(cell[5].startswith(want),
                          f'{lang} {row["name"]}: change {cell[5]!r}, '
                          f'API {n}')
            check(changes == 63, f'{lang}: {changes} changes since 2021')
            check(('/en/cycles/dti-2022' if lang == 'vi'
                   else '/cycles/dti-2022') in p.links,
                  f'{lang}: no link to the other language')

        # -- filters without scripts: region, name with or without marks
        _, p = page(anon, '/cycles/dti-2022?q=da+nang')
        names = [row[1] for row in p.rows]
        check('Đà Nẵng' in names and 'Hà Nội' not in names,
              f'search "da nang": {names}')
        _, p = page(anon, '/cycles/dti-2022?q=%C4%90%C3%A0')  # "Đà"
        check('Đà Nẵng' in [row[1] for row in p.rows], 'search "Đà"')
        dbsh = {row['name'] for row in rows if row['group'] == 'DBSH'}
        _, p = page(anon, '/cycles/dti-2022?group=DBSH')
        check({row[1] for row in p.rows} == dbsh,
              f'region DBSH: {[row[1] for row in p.rows]}')

        # -- what the request says is escaped
        r, p = page(anon, '/cycles/dti-2022?q=%3Cscript%3Ealert(1)%3C%2F'
                    'script%3E%22%27')
        body = r.body.decode()
        check('<script>alert' not in body and
              '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;' in body,
              'the query is not escaped')

        # -- cache validators on a published page
        r, _ = page(anon, '/cycles/dti-2022')
        etag = r.header('ETag')
        check(etag and r.header('Last-Modified'), 'no validators')
        r2 = anon.get('/cycles/dti-2022', headers={'If-None-Match': etag})
        check(r2.status == 304, f'If-None-Match: {r2}')
        rz = anon.get('/cycles/dti-2022',
                      headers={'Accept-Encoding': 'gzip'})
        check(rz.header('Content-Encoding') == 'gzip' and
              gzip.decompress(rz.body) == r.body, 'gzip of the page')

        # -- a profile: the API's standing, the sentence of the releases
        prof = anon.get('/api/v1/cycles/dti-2022/units/48/profile'
                        '?lang=vi').json()
        r, p = page(anon, '/cycles/dti-2022/units/48')
        text = ''.join(p.text)
        node0 = prof['nodes'][0]
        check(fmt(node0['value'], dec, 'vi') in text, 'profile value')
        check(f'{node0["rank"]}/{node0["ranked"]}' in text, 'profile rank')
        check(node0['phrase_vi'] in text,
              f'the press-release sentence {node0["phrase_vi"]!r}')
        check('Qua các năm' in text and
              '/cycles/dti-2021/units/48' in p.links,
              'no years table linking to 2021')
        check('so với năm 2021' in node0['phrase_vi'],
              f'no change in the sentence: {node0["phrase_vi"]}')
        check('Điểm mạnh' in text, 'strengths')
        last = max(rows, key=lambda row: row['cells'][index]['rank'] or 0)
        _, p = page(anon, f'/cycles/dti-2022/units/{last["id"]}')
        check('Điểm yếu' in ''.join(p.text), f'weaknesses of {last["name"]}')
        # the charts, inline: SVG with a text alternative, ids under the
        # page's prefixes, and the radar alone for other sites
        r, p = page(anon, '/cycles/dti-2022/units/48')
        body = r.body.decode()
        for prefix in ('radar', 'bars', 'trend', 'dist'):
            check(re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="'
                            + prefix + r'-', body),
                  f'profile: no {prefix} chart')
        check('/cycles/dti-2022/units/48/radar.svg' in p.links,
              'no embeddable chart')
        svg = anon.get('/cycles/dti-2022/units/48/radar.svg')
        check(svg.status == 200 and
              svg.header('Content-Type') == 'image/svg+xml' and
              svg.header('ETag'), f'radar.svg: {svg}')
        import xml.dom.minidom
        try:
            doc = xml.dom.minidom.parseString(svg.body)
            check(doc.documentElement.tagName == 'svg', 'radar.svg root')
        except Exception as e:  # noqa: BLE001
            check(False, f'radar.svg is not XML: {e}')
        # the map: one tile per province, and the numbers as a table
        r, p = page(anon, '/cycles/dti-2022/map')
        tiles = set(re.findall(r'id="map-tile-([0-9A-Za-z_-]+)"',
                               r.body.decode()))
        check(len(tiles) == 63, f'map: {len(tiles)} tiles')
        check(sum(1 for row in rows) == 63 and
              all(f'/cycles/dti-2022/units/{row["id"]}' in p.links
                  for row in rows), 'map: the table of every unit')
        _, p = page(anon, '/en/cycles/dti-2022/units/48')
        check('Strengths' in ''.join(p.text), 'English profile')
        page(anon, '/cycles/dti-2022/units/99', status=404)

        # -- comparison: 2 to 4 different units
        _, p = page(anon, '/cycles/dti-2022/compare?u=48&u=01&u=79')
        text = ''.join(p.text)
        check(all(n in text for n in ('Đà Nẵng', 'Hà Nội',
                                       'Hồ Chí Minh')) and
              p.alerts == 0, 'comparison of three')
        for bad in ('?u=48', '?u=48&u=48', '?u=48&u=01&u=79&u=31&u=92',
                    '?u=48&u=nowhere'):
            _, p = page(anon, '/cycles/dti-2022/compare' + bad)
            check(p.alerts == 1, f'compare{bad}: no notice')
        _, p = page(anon, '/cycles/dti-2022/compare')
        check(p.alerts == 0, 'the empty comparison form')

        # -- methodology: the framework's tree with its pillars
        _, p = page(anon, '/cycles/dti-2022/methodology')
        text = ''.join(p.text)
        for node in api['nodes']:
            check(node['name_vi'] in text,
                  f'methodology lacks {node["name_vi"]}')

        # -- the home page lists the published cycles only
        _, p = page(anon, '/')
        check('/cycles/dti-2022' in p.links and
              '/cycles/dti-2021' in p.links and
              '/cycles/dti-2023' not in p.links, f'home: {p.links}')

        # -- an unpublished or unknown cycle says nothing of itself
        for path in ('/cycles/dti-2023', '/cycles/dti-2023/units/48',
                     '/cycles/nowhere/methodology', '/en/cycles/dti-2023'):
            r, _ = page(anon, path, status=404)
            check(b'dti-2023' not in r.body.split(b'<main')[1],
                  f'{path}: names the cycle')
        owner = srv.client('owner')
        page(owner, '/cycles/dti-2023', status=404)

        # -- assets
        for path, ctype in (('/static/dti.css', 'text/css'),
                            ('/static/dti.js', 'text/javascript')):
            r = anon.get(path)
            check(r.status == 200 and
                  (r.header('Content-Type') or '').startswith(ctype) and
                  r.header('ETag'), f'{path}: {r}')
        r = anon.get('/static/nothing.js')
        check(r.status == 404, f'unknown asset: {r}')
        # the script only enhances: nothing in it writes HTML from text
        js = anon.get('/static/dti.js').body.decode()
        check('innerHTML' not in js and 'eval(' not in js,
              'the script writes markup')
finally:
    store.remove()
finish('server-pages')
