// tests/browser/run.mjs - the public pages of `dti serve` in a real browser
// (Debian's chromium, driven by playwright-core), on loopback only.
//
//     node tests/browser/run.mjs DTI
//
// Makes its own store with two published years of the 63 provinces (the
// demo figures of 2021 and 2022) and a year in progress, starts
// `dti serve --port 0` on it, and visits every public page in Vietnamese
// and in English at 360x740 (a phone) and at 1280x900 (a desktop):
//   - each answers 200 (404 for the 404 pages), with no console error, no
//     script error, no Content-Security-Policy violation, no failed
//     request, no request off this machine, no sideways scrolling of
//     the page itself, and in every table as many cells shown in each row
//     as column headers;
//   - axe-core (WCAG 2.0 and 2.1, levels A and AA) finds no violation;
//   - with JavaScript disabled, each page shows the same content, the
//     ranking the same rows, and its filters still work (the form is
//     submitted to the server);
//   - with JavaScript, a click on a ranking column header sorts the table
//     and typing "da nang" in the search box leaves only Đà Nẵng's row.
// The detectors are tried first on a deliberate fault (an inline script,
// an image without text), so that a silent detector fails the test.
// A full-page PNG of every page at both widths is written to
// $DTI_BROWSER_ARTIFACTS (default: the build directory's browser-artifacts/)
// as PAGE-WIDTH.png.  Ends with "browser: PASS ..." or "browser: FAIL ..."
// and exit status 0 or 1; the server is stopped on every path.
//
// Needs /usr/bin/chromium ($DTI_CHROMIUM overrides) and node_modules/
// beside this file (playwright-core, axe-core): scripts/install-deps.sh
// installs both.  No browser is ever downloaded.  $DTI_BROWSER_TIME_LIMIT:
// seconds before the test gives up (390); $DTI_BROWSER_VERBOSE: print the
// time of each step.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(HERE, '..', '..');
const T0 = Date.now();
// meson stops the test at 420 s: this one stops itself before
const TIME_LIMIT_MS =
  (Number(process.env.DTI_BROWSER_TIME_LIMIT) || 390) * 1000;
const CHROMIUM = process.env.DTI_CHROMIUM || '/usr/bin/chromium';
const WIDTHS = [
  { name: '360', width: 360, height: 740 },
  { name: '1280', width: 1280, height: 900 },
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const INSTALL = 'run scripts/install-deps.sh (it installs chromium, ' +
  'node and the packages of tests/browser/package.json)';

let checks = 0;
const failures = [];
function check(cond, what) {
  checks++;
  if (!cond) {
    failures.push(what);
    console.error('FAIL: ' + what);
  }
  return cond;
}

function elapsed() {
  return ((Date.now() - T0) / 1000).toFixed(1) + ' s';
}

function finish(extra) {
  const code = failures.length === 0 ? 0 : 1;
  if (code === 0) {
    console.log(`browser: PASS (${checks} checks${extra || ''}, ${elapsed()})`);
  } else {
    console.log(`browser: FAIL (${failures.length} of ${checks} checks ` +
      `failed${extra || ''}, ${elapsed()})`);
  }
  return code;
}

// --- what the test needs, said plainly when missing --------------------

if (!process.argv[2]) {
  console.error('usage: node tests/browser/run.mjs DTI');
  process.exit(2);
}
const dti = path.resolve(process.argv[2]);
function need(cond, what) {
  if (!cond) {
    console.error(`browser: ${what}: ${INSTALL}`);
    console.log('browser: FAIL (the browser tests cannot run)');
    process.exit(1);
  }
}
need(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing`);
const pinned = JSON.parse(
  fs.readFileSync(path.join(HERE, 'package.json'), 'utf8')).dependencies;
for (const [name, version] of Object.entries(pinned)) {
  const p = path.join(HERE, 'node_modules', name, 'package.json');
  need(fs.existsSync(p), `tests/browser/node_modules/${name} is missing`);
  const got = JSON.parse(fs.readFileSync(p, 'utf8')).version;
  need(got === version,
    `tests/browser/node_modules/${name} is ${got}, not ${version}`);
}
const { chromium } = (await import('playwright-core')).default;
const AXE_SRC = fs.readFileSync(
  path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

function artifactsDir() {
  if (process.env.DTI_BROWSER_ARTIFACTS) {
    return path.resolve(process.env.DTI_BROWSER_ARTIFACTS);
  }
  if (process.env.DTI_BUILDDIR) {
    return path.join(process.env.DTI_BUILDDIR, 'browser-artifacts');
  }
  // run by hand: the build directory is the one above the binary that
  // holds meson-private/
  for (let d = path.dirname(path.resolve(dti)); d !== path.dirname(d);
    d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'meson-private'))) {
      return path.join(d, 'browser-artifacts');
    }
  }
  return path.resolve('browser-artifacts');
}

// --- the store and the server ------------------------------------------

const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dti-browser-'));
const db = path.join(storeDir, 'dti.db');
const env = { ...process.env, DTI_DB: db, LC_ALL: 'C.UTF-8', NO_COLOR: '1' };
delete env.DTI_USER;
delete env.DTI_NOW;
let server = null;
let serverErr = null;
let browser = null;

function run(args, input) {
  const r = spawnSync(dti, args, {
    cwd: storeDir, env, input, encoding: 'utf8', timeout: 120000,
  });
  if (r.status !== 0) {
    throw new Error(`dti ${args.join(' ')}: exit ${r.status}` +
      (r.error ? ` (${r.error.message})` : '') + `: ${r.stderr}`);
  }
  return r.stdout;
}

// The store of tests/server/test_pages.py: an admin, an owner and a
// reviewer; 2021 and 2022 published from the demo figures; 2023 open.
function makeStore() {
  const pw = (u) => u + '-secret-pw\n';
  run(['db', 'init', '--admin', 'admin', '--password-stdin'], pw('admin'));
  for (const u of ['owner', 'reviewer']) {
    run(['user', 'add', u, '--password-stdin', '--user', 'admin'], pw(u));
    run(['user', 'role', u, u, '--user', 'admin']);
  }
  const demo = path.join(SRC, 'data', 'demo', 'pdti-2022-demo.csv');
  for (const y of ['2021', '2022']) {
    const c = 'dti-' + y;
    run(['cycle', 'create', c, '--year', y, '--framework', 'pdti-2022',
      '--user', 'owner']);
    run(['cycle', 'open', c, '--user', 'owner']);
    run(['submission', 'import', c, demo, '--data-cycle', y, '--and-submit',
      '--user', 'owner']);
    run(['cycle', 'review', c, '--user', 'owner']);
    run(['review', 'approve', c, '--all-submitted', '--user', 'reviewer']);
    run(['cycle', 'close', c, '--user', 'owner']);
    run(['publish', c, '--user', 'owner']);
  }
  run(['cycle', 'create', 'dti-2023', '--year', '2023', '--framework',
    'pdti-2022', '--user', 'owner']);
}

function startServer() {
  serverErr = path.join(storeDir, 'serve.err');
  const err = fs.openSync(serverErr, 'w');
  server = spawn(dti, ['serve', '--db', db, '--port', '0'], {
    cwd: storeDir, env, stdio: ['ignore', 'pipe', err],
  });
  fs.closeSync(err);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error('dti serve did not start in 30 s')), 30000);
    server.stdout.on('data', (b) => {
      out += b.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    server.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`dti serve exited (${code ?? sig}): ` +
        fs.readFileSync(serverErr, 'utf8')));
    });
  });
}

// SIGTERM, then SIGKILL after 30 s; a clean stop exits 0.
async function stopServer() {
  if (!server) {
    return;
  }
  const s = server;
  server = null;
  if (s.exitCode !== null || s.signalCode !== null) {
    check(false, `dti serve stopped early (${s.exitCode ?? s.signalCode})`);
    return;
  }
  const done = new Promise((resolve) =>
    s.on('exit', (c, g) => resolve(c ?? g)));
  s.kill('SIGTERM');
  const timer = setTimeout(() => s.kill('SIGKILL'), 30000);
  const code = await done;
  clearTimeout(timer);
  check(code === 0, `dti serve exited ${code} on SIGTERM: ` +
    fs.readFileSync(serverErr, 'utf8'));
}

// The last resort on every other path (an exception, the time limit, a
// signal): the server and the store never outlive the test.
function killAll() {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
  }
  server = null;
  fs.rmSync(storeDir, { recursive: true, force: true });
}
process.on('exit', killAll);
// Ends the run early: chromium is closed (given 5 s), then the 'exit'
// handlers stop the server.
let aborting = false;
async function abort(why) {
  if (aborting) {
    return;
  }
  aborting = true;
  check(false, why);
  if (browser) {
    const b = browser;
    browser = null;
    await Promise.race([b.close().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  finish();
  process.exit(1);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => abort(`stopped by ${sig}`));
}
const deadline = setTimeout(
  () => abort(`not done in ${TIME_LIMIT_MS / 1000} s`), TIME_LIMIT_MS);

// --- the pages -----------------------------------------------------------

const C = '/cycles/dti-2022';
const COMPARE = '/compare?u=48&u=01&u=79';
const PAGES = [
  { name: 'home-vi', path: '/' },
  { name: 'home-en', path: '/en' },
  { name: 'ranking-vi', path: C, ranking: true },
  { name: 'ranking-en', path: '/en' + C, ranking: true },
  { name: 'ranking-region-vi', path: C + '?group=DBSH', ranking: true },
  { name: 'ranking-search-en', path: '/en' + C + '?q=da+nang', ranking: true },
  { name: 'profile-vi', path: C + '/units/48' },
  { name: 'profile-en', path: '/en' + C + '/units/48' },
  { name: 'compare-vi', path: C + COMPARE },
  { name: 'compare-en', path: '/en' + C + COMPARE },
  { name: 'methodology-vi', path: C + '/methodology' },
  { name: 'methodology-en', path: '/en' + C + '/methodology' },
  { name: '404-vi', path: '/cycles/dti-2023', status: 404 },
  { name: '404-en', path: '/en/no-such-page', status: 404 },
];

let base = '';

// A browser context with one page, which records what goes wrong on it in
// page.problems: console errors and warnings, script errors, CSP
// violations, failed requests, sub-resources that fail, and any request
// that is not to this server (chromium resolves no name but localhost:
// see launch()).  asServed: scripts on but /static/dti.js answered empty,
// for axe to see the page as the server wrote it (axe needs scripts,
// which a context without them does not run).
async function newContext(w, js, asServed = false) {
  const ctx = await browser.newContext({
    viewport: { width: w.width, height: w.height },
    javaScriptEnabled: js,
    locale: 'vi-VN',
    serviceWorkers: 'block',
  });
  if (asServed) {
    await ctx.route(base + '/static/dti.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: '' }));
  }
  // Violations of the Content-Security-Policy, as the page sees them
  // (scripts on); with scripts off, chromium's console error still shows.
  await ctx.exposeBinding('__dtiViolation', (src, v) => {
    const p = src.page;
    if (p && p.problems) {
      p.problems.push(`CSP violation: ${v}`);
    }
  });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__dtiViolation(`${e.violatedDirective} blocked ` +
        `${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await ctx.newPage();
  page.problems = [];
  page.wanted404 = null;
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') {
      return;
    }
    // chromium logs the 404 of a page that is meant to be one
    if (page.wanted404 && m.location().url === page.wanted404 &&
      /status of 404/.test(m.text())) {
      return;
    }
    page.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(base + '/')) {
      page.problems.push(`a request off this server: ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => page.problems.push(`request failed: ` +
    `${r.url()} (${r.failure() && r.failure().errorText})`));
  page.on('response', (r) => {
    if (r.request().isNavigationRequest()) {
      return; // the page's own status is checked by visit()
    }
    if (r.status() >= 400) {
      page.problems.push(`${r.url()}: status ${r.status()}`);
    }
  });
  ctx.page = page;
  return ctx;
}

// Loads a page in the context's page and checks its status.
async function visit(ctx, p, label) {
  const page = ctx.page;
  page.problems = [];
  const want = p.status || 200;
  page.wanted404 = want === 404 ? base + p.path : null;
  const r = await page.goto(base + p.path, { waitUntil: 'load' });
  check(r && r.status() === want,
    `${label}: status ${r && r.status()}, not ${want}`);
  return page;
}

function problemsOf(page, label) {
  if (process.env.DTI_BROWSER_VERBOSE) {
    console.log(`  ${label} (${elapsed()})`);
  }
  check(page.problems.length === 0,
    `${label}: ${page.problems.slice(0, 5).join('; ')}`);
}

// What a reader sees on a ranking: the unit of each visible row, in order.
function visibleUnits(page) {
  return page.$$eval('tbody tr[data-name]', (rows) => rows
    .filter((tr) => !tr.hidden && tr.getClientRects().length > 0)
    .map((tr) => tr.querySelector('th').textContent.trim()));
}

// In each table, the cells shown in each row against the headers shown
// (a column hidden on a phone must be hidden in every row).
function columnsShown(page) {
  return page.$$eval('table', (tables) => tables.map((t, i) => {
    const shown = (tr) => [...tr.cells]
      .filter((c) => c.getClientRects().length > 0)
      .reduce((n, c) => n + c.colSpan, 0);
    const head = t.tHead ? shown(t.tHead.rows[0]) : null;
    const rows = [];
    for (const body of t.tBodies) {
      for (const tr of body.rows) {
        if (head !== null && !tr.hidden && shown(tr) !== head) {
          rows.push(`"${tr.cells[0].textContent.trim()}": ${shown(tr)}`);
        }
      }
    }
    return { table: i + 1, head, rows };
  }));
}

// The main part's text, as a reader sees it.
function mainText(page) {
  return page.$eval('main', (m) => m.innerText);
}

// Runs axe-core in the page (evaluated through the browser's debugging
// protocol, which the page's CSP does not govern: nothing is inlined, so
// the page is tested under its own policy).  Scripts must be on.
async function runAxe(page) {
  await page.evaluate(AXE_SRC);
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return {
      passes: res.passes.length,
      violations: res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          summary: n.failureSummary,
          html: n.html,
        })),
      })),
    };
  }, AXE_TAGS);
}

// No violation allowed; each is printed with its rule, impact, elements
// and what would fix it.
async function axe(page, label) {
  const r = await runAxe(page);
  check(r.passes > 0, `${label}: axe checked nothing`);
  for (const v of r.violations) {
    const nodes = v.nodes.map((n) => `\n    at ${n.target}: ` +
      `${n.html.slice(0, 160)}\n      ${n.summary.replace(/\n/g, '\n      ')}`);
    check(false, `${label}: axe ${v.id} (${v.impact}): ${v.help}` +
      nodes.join(''));
  }
}

// The detectors first: an inline script must be seen as a CSP violation,
// an image without a text alternative as an axe violation.
async function selfTest(ctx) {
  const page = await visit(ctx, PAGES[0], 'self-test');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'document.title = "inline script ran"';
    document.head.appendChild(s);
  });
  await page.waitForTimeout(200);
  check(page.problems.some((x) => x.startsWith('CSP violation')),
    'self-test: an inline script went unseen by the CSP listener ' +
    `(${page.problems.join('; ')})`);
  check(page.problems.some((x) => x.startsWith('console error')),
    'self-test: an inline script left no console error');
  check(!(await page.title()).includes('inline script ran'),
    'self-test: an inline script ran despite the CSP');
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    document.querySelector('main').appendChild(img);
  });
  const r = await runAxe(page);
  check(r.violations.some((v) => v.id === 'image-alt'),
    'self-test: axe did not see an image without alt text');
}

// With scripts: a click on "score" sorts ascending, a second descending;
// typing "da nang" leaves Đà Nẵng's row alone, clearing brings all back.
async function interact(page, label) {
  const all = await visibleUnits(page);
  const th = page.locator('table.sortable thead th').nth(3);
  const button = th.locator('button.sort');
  check(await button.count() === 1, `${label}: no sort button in a header`);
  const scores = () => page.$$eval('tbody tr[data-name]', (rows) => rows
    .map((tr) => parseFloat(tr.cells[3].textContent.replace(',', '.'))));
  for (const [dir, ok] of [
    ['ascending', (a, b) => a <= b],
    ['descending', (a, b) => a >= b],
  ]) {
    await button.click();
    const s = await scores();
    check(await th.getAttribute('aria-sort') === dir,
      `${label}: the header is not aria-sort=${dir}`);
    check(s.length === all.length && s.every((v, i) => i === 0 ||
      ok(s[i - 1], v)), `${label}: not sorted ${dir} by score: ${s}`);
    check(JSON.stringify([...await visibleUnits(page)].sort()) ===
      JSON.stringify([...all].sort()), `${label}: sorting changed the rows`);
  }
  const search = page.locator('#search');
  await search.fill('');
  await search.pressSequentially('da nang');
  const only = await visibleUnits(page);
  check(only.length === 1 && only[0] === 'Đà Nẵng',
    `${label}: "da nang" leaves ${JSON.stringify(only)}`);
  await search.fill('');
  check((await visibleUnits(page)).length === all.length,
    `${label}: clearing the search does not bring the rows back`);
}

// Without scripts, the forms go to the server: a search by name without
// diacritics, then a region.
async function formsWithoutScripts(ctx, label) {
  const page = await visit(ctx, PAGES[2], label);
  await page.locator('#search').fill('da nang');
  await Promise.all([page.waitForNavigation(), page.locator('#search')
    .press('Enter')]);
  check(/[?&]q=da\+nang/.test(page.url()), `${label}: search went to ` +
    page.url());
  const only = await visibleUnits(page);
  check(only.length === 1 && only[0] === 'Đà Nẵng',
    `${label}: the search "da nang" shows ${JSON.stringify(only)}`);
  await page.locator('#search').fill('');
  await page.locator('select[name=group]').selectOption('DBSH');
  await Promise.all([page.waitForNavigation(),
    page.locator('form.filters button[type=submit]').click()]);
  check(/[?&]group=DBSH/.test(page.url()), `${label}: the region filter ` +
    `went to ${page.url()}`);
  const regions = await page.$$eval('tbody tr[data-name]',
    (rows) => rows.map((tr) => tr.cells[2].textContent.trim()));
  check(regions.length > 1 && regions.every((g) => g === regions[0]),
    `${label}: the region filter shows ${JSON.stringify(regions)}`);
  problemsOf(page, label);
}

// Debian's chromium, headless, resolving no name but localhost and asking
// nothing of the network by itself.
function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // chromium's sandbox cannot run as root; elsewhere it stays on
    chromiumSandbox: !(process.getuid && process.getuid() === 0),
    args: ['--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--disable-default-apps', '--mute-audio',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, ' +
      'EXCLUDE 127.0.0.1'],
    timeout: 60000,
  });
}

// Printed on A4 (794 px wide at 96 dpi): the site's navigation and the
// filters left out, every table whole on the page (none cut at a scrolling
// box's edge), links as text; each page kept as print-NAME.pdf.
const PRINTED = ['ranking-vi', 'profile-vi', 'methodology-vi'];
async function printed() {
  const shots = artifactsDir();
  const files = [];
  const ctx = await newContext({ name: 'a4', width: 794, height: 1123 }, true);
  for (const name of PRINTED) {
    const p = PAGES.find((x) => x.name === name);
    const label = `print-${name}`;
    const page = await visit(ctx, p, label);
    await page.emulateMedia({ media: 'print' });
    const got = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)]
        .filter((e) => getComputedStyle(e).display !== 'none').length;
      const cut = [...document.querySelectorAll('table')]
        .filter((t) => t.getBoundingClientRect().right >
          document.documentElement.clientWidth + 1)
        .map((t) => t.id || t.className || t.rows[0].textContent.slice(0, 40));
      return { nav: shown('header.site nav'), forms: shown('form.filters'),
        cut, tables: document.querySelectorAll('table').length };
    });
    check(got.nav === 0, `${label}: the navigation is printed`);
    check(got.forms === 0, `${label}: the filters are printed`);
    check(got.cut.length === 0,
      `${label}: tables wider than the page: ${got.cut.join('; ')}`);
    const file = path.join(shots, `${label}.pdf`);
    await page.pdf({ path: file, format: 'A4', printBackground: false });
    const pdf = fs.readFileSync(file);
    check(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 2000,
      `${label}: no PDF (${pdf.length} bytes)`);
    files.push(file);
    problemsOf(page, label);
  }
  await ctx.close();
  return files;
}

async function main() {
  makeStore();
  base = await startServer();
  console.log(`browser: store and server ready at ${base} (${elapsed()})`);
  const shots = artifactsDir();
  fs.mkdirSync(shots, { recursive: true });
  browser = await launch();
  console.log(`browser: chromium ${browser.version()} (${elapsed()})`);
  const written = [];
  let axeRuns = 0;
  for (const w of WIDTHS) {
    const on = await newContext(w, true);
    const off = await newContext(w, false);
    const asServed = await newContext(w, true, true);
    if (w === WIDTHS[0]) {
      await selfTest(on);
    }
    for (const p of PAGES) {
      const label = `${p.name}-${w.name}`;
      const page = await visit(on, p, label);
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth -
        document.documentElement.clientWidth);
      check(overflow <= 0, `${label}: the page scrolls sideways by ` +
        `${overflow} px`);
      for (const t of await columnsShown(page)) {
        check(t.rows.length === 0, `${label}: table ${t.table} shows ` +
          `${t.head} column headers but rows with other numbers of ` +
          `cells: ${t.rows.slice(0, 3).join('; ')}`);
      }
      const file = path.join(shots, `${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
      const text = await mainText(page);
      const units = p.ranking ? await visibleUnits(page) : null;
      if (p.ranking) {
        check(units.length > 0, `${label}: no ranking rows`);
      }
      await axe(page, label);
      axeRuns++;
      if (p.ranking && !p.path.includes('?')) {
        await interact(page, label);
      }
      problemsOf(page, label);

      const bare = await visit(off, p, label + ' without scripts');
      check(await mainText(bare) === text,
        `${label}: without scripts the page shows other content`);
      if (p.ranking) {
        const u = await visibleUnits(bare);
        check(JSON.stringify(u) === JSON.stringify(units),
          `${label}: without scripts, other rows: ${u.length} rows, ` +
          `${units.length} with`);
      }
      problemsOf(bare, label + ' without scripts');

      // dti.js changes only the ranking's table (sort buttons): the
      // other pages are the same for axe with it or without it
      if (p.ranking) {
        const served = await visit(asServed, p, label + ' as served');
        await axe(served, label + ' as served (without dti.js)');
        axeRuns++;
        problemsOf(served, label + ' as served');
      }
      if (process.env.DTI_BROWSER_VERBOSE) {
        console.log(`browser: ${label} (${elapsed()})`);
      }
    }
    await formsWithoutScripts(off, `forms-${w.name} without scripts`);
    await on.close();
    await off.close();
    await asServed.close();
  }
  written.push(...await printed());
  await browser.close();
  browser = null;
  await stopServer();
  console.log(`browser: ${PAGES.length} pages at ${WIDTHS.length} widths, ` +
    `scripts on and off; axe (${AXE_TAGS.join(', ')}) run ${axeRuns} times`);
  console.log(`browser: screenshots in ${shots}:`);
  for (const f of written) {
    console.log('  ' + path.basename(f));
  }
}

let code = 1;
try {
  await main();
  code = finish();
} catch (e) {
  if (aborting) {
    await new Promise(() => {}); // abort() ends the run
  }
  check(false, `${e.stack || e}`);
  if (serverErr && fs.existsSync(serverErr)) {
    const err = fs.readFileSync(serverErr, 'utf8');
    if (err) {
      console.error('dti serve said:\n' + err);
    }
  }
  code = finish();
} finally {
  clearTimeout(deadline);
  if (browser) {
    await browser.close().catch(() => {});
  }
  killAll();
}
process.exit(code);
