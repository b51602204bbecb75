// tests/browser/workflow.mjs - a year's work through the signed-in pages
// of `dti serve` in a real browser (Debian's chromium, driven by
// playwright-core), on loopback only.
//
//     node tests/browser/workflow.mjs DTI
//
// The flow of tests/server/test_work.py, each step done by filling and
// clicking the pages' own forms (found by their labels and the names of
// their buttons), each person in a browser context of their own:
//   1. editor_a signs in at /login, types the figures of Đà Nẵng (48) with
//      decimal commas and a percentage, saves, uploads a PDF as evidence
//      for an indicator and submits;
//   2. the owner moves the cycle to review;
//   3. the reviewer returns the submission with a comment; the editor sees
//      it, corrects one figure and submits again;
//   4. the reviewer adjusts one value with a reason and approves (and
//      approves Hà Nội, submitted from the command line, with the button
//      that approves every submitted one);
//   5. the owner closes the cycle, sees the likely ranking and publishes;
//   6. the public ranking and the unit's profile show its score as
//      `dti rank --cycle dti-2023 --format csv` computes it, with a
//      decimal comma.
// Every signed-in page on the way (its states too) is checked at 360 and
// 1280 px wide: axe-core (WCAG 2.0 and 2.1, A and AA) finds no violation,
// the page does not scroll sideways, and it has no console error, script
// error, CSP violation, failed request or request off this server.  A
// full-page PNG of each is written to the artifacts directory of run.mjs
// as work-PAGE-WIDTH.png.  Ends with "browser-workflow: PASS ..." or
// "... FAIL ..." and exit status 0 or 1.  $DTI_BROWSER_TIME_LIMIT:
// seconds before the test gives up (390).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(HERE, '..', '..');
const T0 = Date.now();
const NAME = 'browser-workflow';
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
const CYCLE = 'dti-2023';
const SUB = `/work/cycles/${CYCLE}/units/48`;
const WORK_CYCLE = `/work/cycles/${CYCLE}`;

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

function finish() {
  if (failures.length === 0) {
    console.log(`${NAME}: PASS (${checks} checks, ${elapsed()})`);
    return 0;
  }
  console.log(`${NAME}: FAIL (${failures.length} of ${checks} checks ` +
    `failed, ${elapsed()})`);
  return 1;
}

if (!process.argv[2]) {
  console.error('usage: node tests/browser/workflow.mjs DTI');
  process.exit(2);
}
const dti = path.resolve(process.argv[2]);
function need(cond, what) {
  if (!cond) {
    console.error(`${NAME}: ${what}: ${INSTALL}`);
    console.log(`${NAME}: FAIL (the browser tests cannot run)`);
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
  for (let d = path.dirname(dti); d !== path.dirname(d);
    d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'meson-private'))) {
      return path.join(d, 'browser-artifacts');
    }
  }
  return path.resolve('browser-artifacts');
}

// --- the store and the server ------------------------------------------

const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dti-workflow-'));
const db = path.join(storeDir, 'dti.db');
const env = {
  ...process.env, DTI_DB: db, LC_ALL: 'C.UTF-8', NO_COLOR: '1',
  PATH: path.dirname(dti) + path.delimiter + (process.env.PATH || '/usr/bin:/bin'),
};
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

function shell(script) {
  const r = spawnSync('bash', ['-ec', script], {
    cwd: storeDir, env, encoding: 'utf8', timeout: 120000,
  });
  if (r.status !== 0) {
    throw new Error(`setup failed: ${r.stderr}`);
  }
  return r.stdout;
}

function password(u) {
  return u + '-secret-pw';
}

// The users of tests/server/harness.py; dti-2023 open on pdti-2022.
function makeStore() {
  run(['db', 'init', '--admin', 'admin', '--password-stdin'],
    password('admin') + '\n');
  for (const u of ['owner', 'reviewer', 'editor_a', 'editor_b']) {
    run(['user', 'add', u, '--password-stdin', '--user', 'admin'],
      password(u) + '\n');
  }
  run(['user', 'role', 'owner', 'owner', '--user', 'admin']);
  run(['user', 'role', 'reviewer', 'reviewer', '--user', 'admin']);
  run(['user', 'role', 'editor_a', 'editor', '--unit', '48', '--user', 'admin']);
  run(['user', 'role', 'editor_b', 'editor', '--unit', '01', '--user', 'admin']);
  run(['cycle', 'create', CYCLE, '--year', '2023', '--framework', 'pdti-2022',
    '--submit-deadline', '2099-12-31', '--user', 'owner']);
  run(['cycle', 'open', CYCLE, '--user', 'owner']);
}

// Hà Nội submits from the command line; every unit still in draft but
// Đà Nẵng is excluded (as in test_work.py).
function othersReady() {
  shell(`
dti submission edit ${CYCLE} 01 awareness=0,9 institutions=0,8 \\
  infrastructure=0,8 human_resources=0,7 cybersecurity=0,6 \\
  gov_activity=0,8 econ_activity=0,7 soc_activity=0,5 smart_city=0,4 \\
  --user editor_b >/dev/null
dti submission submit ${CYCLE} 01 --user editor_b >/dev/null
dti cycle status ${CYCLE} | awk 'NF > 4 && $(NF-3) == "draft" {print $1}' |
  while read -r u; do
    [ "$u" = 48 ] && continue
    dti submission exclude ${CYCLE} "$u" --reason 'not in this test' \\
      --user owner
  done >/dev/null
`);
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

function killAll() {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
  }
  server = null;
  fs.rmSync(storeDir, { recursive: true, force: true });
}
process.on('exit', killAll);
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

// --- a person in the browser ---------------------------------------------

let base = '';
let shots = '';
const written = [];
let axeRuns = 0;

// A context of its own (cookies apart) with one page that records what
// goes wrong on it, as run.mjs does.
async function person(who) {
  const ctx = await browser.newContext({
    viewport: { width: WIDTHS[1].width, height: WIDTHS[1].height },
    locale: 'vi-VN',
    serviceWorkers: 'block',
  });
  await ctx.exposeBinding('__dtiViolation', (src, v) => {
    if (src.page && src.page.problems) {
      src.page.problems.push(`CSP violation: ${v}`);
    }
  });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__dtiViolation(`${e.violatedDirective} blocked ` +
        `${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await ctx.newPage();
  page.who = who;
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      page.problems.push(`console ${m.type()}: ${m.text()} ` +
        `(${m.location().url})`);
    }
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
    if (r.status() >= 400) {
      page.problems.push(`${r.url()}: status ${r.status()}`);
    }
  });
  page.ctx = ctx;
  return page;
}

async function go(page, p) {
  const r = await page.goto(base + p, { waitUntil: 'load' });
  check(r && r.status() === 200,
    `${page.who} ${p}: status ${r && r.status()}`);
}

// Clicks a button that submits a form and waits for the page it leads to.
async function press(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    button.click()]);
}

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

// The page as it is, at both widths: no sideways scrolling, axe, a
// screenshot work-NAME-WIDTH.png, then what went wrong on it so far.
async function look(page, name) {
  for (const w of WIDTHS) {
    const label = `work-${name}-${w.name}`;
    await page.setViewportSize({ width: w.width, height: w.height });
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth -
      document.documentElement.clientWidth);
    check(overflow <= 0, `${label}: the page scrolls sideways by ` +
      `${overflow} px`);
    const file = path.join(shots, `${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    written.push(file);
    const r = await runAxe(page);
    axeRuns++;
    check(r.passes > 0, `${label}: axe checked nothing`);
    for (const v of r.violations) {
      const nodes = v.nodes.map((n) => `\n    at ${n.target}: ` +
        `${n.html.slice(0, 160)}\n      ` +
        `${n.summary.replace(/\n/g, '\n      ')}`);
      check(false, `${label}: axe ${v.id} (${v.impact}): ${v.help}` +
        nodes.join(''));
    }
  }
  check(page.problems.length === 0,
    `work-${name} (${page.who}): ${page.problems.slice(0, 5).join('; ')}`);
  page.problems = [];
  if (process.env.DTI_BROWSER_VERBOSE) {
    console.log(`  work-${name} (${elapsed()})`);
  }
}

async function status(page) {
  const s = page.getByRole('status');
  return (await s.count()) ? (await s.first().innerText()).trim() : '';
}

async function signIn(page, user, shot) {
  await go(page, '/login');
  if (shot) {
    await look(page, 'login');
  }
  await page.getByLabel('Tên đăng nhập').fill(user);
  await page.getByLabel('Mật khẩu').fill(password(user));
  await press(page, page.getByRole('button', { name: 'Đăng nhập' }));
  check(new URL(page.url()).pathname === '/work',
    `${user} signed in lands on ${page.url()}`);
}

// What the store holds for one indicator of unit 48.
function figure(ind) {
  const v = JSON.parse(run(['submission', 'show', CYCLE, '48', '--json',
    '--user', 'owner']));
  return v.figures.find((f) => f.indicator === ind) || null;
}

// The figures of Đà Nẵng, by the Vietnamese names of the indicators.
const FIGURES = [
  ['Nhận thức số', '0,8'],
  ['Hạ tầng số', '70%'],
];

async function main() {
  makeStore();
  base = await startServer();
  shots = artifactsDir();
  fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: !(process.getuid && process.getuid() === 0),
    args: ['--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--disable-default-apps', '--mute-audio',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, ' +
      'EXCLUDE 127.0.0.1'],
    timeout: 60000,
  });
  console.log(`${NAME}: chromium ${browser.version()} at ${base} ` +
    `(${elapsed()})`);

  // -- 1. the editor enters the figures, saves, uploads, submits ---------
  const ed = await person('editor_a');
  await signIn(ed, 'editor_a', true);
  await look(ed, 'home-editor');
  await press(ed, ed.getByRole('link', { name: CYCLE }).first());
  check(new URL(ed.url()).pathname === WORK_CYCLE ||
    new URL(ed.url()).pathname === SUB, `the editor's link leads to ${ed.url()}`);
  await go(ed, SUB);
  await look(ed, 'submission-draft');
  const rest = ['Thể chế số', 'Nhân lực số', 'An toàn thông tin mạng',
    'Hoạt động chính quyền số', 'Hoạt động kinh tế số',
    'Hoạt động xã hội số', 'Đô thị thông minh'];
  const all = [...FIGURES, ...rest.map((n, i) => [n, `0,${7 - i % 5}`])];
  const indexCell = ed.locator('#preview tbody tr').first()
    .locator('[data-cell=value]');
  const before = (await indexCell.innerText()).trim();
  for (const [label, value] of all) {
    const input = ed.getByLabel(label, { exact: true });
    if (check(await input.count() === 1, `no field labelled ${label}`)) {
      await input.fill(value);
    }
  }
  // the likely score follows the figures typed, before they are saved
  const typed = 'Điểm dự kiến theo số liệu đang nhập (chưa lưu).';
  try {
    await ed.locator('#preview-status', { hasText: typed })
      .waitFor({ timeout: 10000 });
  } catch (e) {
    check(false, 'the preview does not follow the figures typed: "' +
      (await ed.locator('#preview-status').innerText()) + '"');
  }
  const live = (await indexCell.innerText()).trim();
  check(live !== before && /^0,\d{4}$/.test(live),
    `the live index value: ${before} -> ${live}`);
  await look(ed, 'submission-live-preview');
  await press(ed, ed.getByRole('button', { name: 'Lưu nháp' }));
  check((await indexCell.innerText()).trim() === live,
    `saved, the index is ${(await indexCell.innerText()).trim()}, ` +
    `typed it was ${live}`);
  check(await status(ed) === 'Đã lưu.', `after saving: "${await status(ed)}"`);
  check(await ed.getByLabel('Nhận thức số', { exact: true }).inputValue() ===
    '0,8', 'the form does not show 0,8 back');
  check(figure('awareness')?.value === 0.8,
    `awareness stored as ${JSON.stringify(figure('awareness'))}`);
  check(Math.abs(figure('infrastructure')?.value - 0.7) < 1e-12,
    `70% stored as ${JSON.stringify(figure('infrastructure'))}`);
  await look(ed, 'submission-saved');

  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n' +
    '%%EOF\n');
  await ed.getByLabel('Chỉ tiêu').selectOption({ label: 'Hạ tầng số' });
  await ed.getByLabel('Số văn bản').fill('12/KH-UBND');
  await ed.getByLabel('Trích yếu').fill('Kế hoạch hạ tầng số');
  await ed.getByLabel('Tệp').setInputFiles({
    name: 'Kế hoạch.pdf', mimeType: 'application/pdf', buffer: pdf,
  });
  await press(ed, ed.getByRole('button', { name: 'Tải lên' }));
  check(await status(ed) === 'Đã tải minh chứng lên.',
    `after the upload: "${await status(ed)}"`);
  const link = ed.getByRole('link', { name: 'Kế hoạch.pdf' });
  if (check(await link.count() === 1, 'the uploaded file is not listed')) {
    const got = await ed.request.get(base + await link.getAttribute('href'));
    check(got.status() === 200 && Buffer.compare(await got.body(), pdf) === 0,
      `the file back: ${got.status()}`);
  }
  await look(ed, 'submission-evidence');
  await press(ed, ed.getByRole('button', { name: 'Nộp hồ sơ' }));
  check(await status(ed) === 'Đã nộp hồ sơ.',
    `after submitting: "${await status(ed)}"`);
  check(await ed.locator('input[name=v_awareness]').count() === 0,
    'a submitted submission still has the figures form');
  await look(ed, 'submission-submitted');

  // -- 2. the owner starts the review ------------------------------------
  othersReady();
  const owner = await person('owner');
  await signIn(owner, 'owner', false);
  await look(owner, 'home-owner');
  await go(owner, WORK_CYCLE);
  await look(owner, 'cycle-open');
  await press(owner, owner.getByRole('button',
    { name: 'Chuyển sang thẩm định' }));
  check(await status(owner) === 'Đã chuyển trạng thái kỳ đánh giá.',
    `after the move: "${await status(owner)}"`);
  check((await owner.locator('h1').innerText()).includes('Đang thẩm định'),
    'the cycle is not shown in review');
  await look(owner, 'cycle-review');

  // -- 3. returned with a comment, corrected, submitted again -------------
  const rev = await person('reviewer');
  await signIn(rev, 'reviewer', false);
  await go(rev, SUB);
  await look(rev, 'submission-review');
  const comment = 'Thiếu minh chứng cho nhân lực số <b>';
  await rev.getByLabel('Ý kiến').fill(comment);
  await press(rev, rev.getByRole('button', { name: 'Trả lại' }));
  check(await status(rev) === 'Đã trả lại hồ sơ.',
    `after returning: "${await status(rev)}"`);
  await go(ed, SUB);
  check((await ed.locator('blockquote').innerText()).trim() === comment,
    'the editor does not see the comment as written');
  await look(ed, 'submission-returned');
  await ed.getByLabel('Hạ tầng số', { exact: true }).fill('72%');
  await press(ed, ed.getByRole('button', { name: 'Lưu nháp' }));
  check(await status(ed) === 'Đã lưu.', `after correcting: ` +
    `"${await status(ed)}"`);
  check(Math.abs(figure('infrastructure')?.value - 0.72) < 1e-12,
    `72% stored as ${JSON.stringify(figure('infrastructure'))}`);
  await press(ed, ed.getByRole('button', { name: 'Nộp hồ sơ' }));
  check(await status(ed) === 'Đã nộp hồ sơ.',
    `after submitting again: "${await status(ed)}"`);

  // -- 4. adjusted with a reason, approved ----------------------------------
  await go(rev, SUB);
  await rev.getByLabel('Chỉ tiêu').selectOption({ label: 'Nhận thức số' });
  await rev.getByLabel('Giá trị thẩm định').fill('0,7');
  await rev.getByLabel('Lý do').fill('Theo kết quả khảo sát');
  await press(rev, rev.getByRole('button', { name: 'Điều chỉnh' }));
  check(await status(rev) === 'Đã điều chỉnh.',
    `after adjusting: "${await status(rev)}"`);
  const fg = figure('awareness');
  check(fg?.reviewed_value === 0.7 &&
    fg?.review_reason === 'Theo kết quả khảo sát',
    `adjusted as ${JSON.stringify(fg)}`);
  await look(rev, 'submission-adjusted');
  await press(rev, rev.getByRole('button', { name: 'Duyệt', exact: true }));
  check(await status(rev) === 'Đã duyệt hồ sơ.',
    `after approving: "${await status(rev)}"`);
  await look(rev, 'submission-approved');
  // Hà Nội, the one left submitted, with the queue's button
  await go(rev, WORK_CYCLE + '?state=submitted');
  await look(rev, 'cycle-queue');
  await press(rev, rev.getByRole('button',
    { name: 'Duyệt mọi hồ sơ đã nộp (1)' }));
  check(await status(rev) === 'Đã duyệt hồ sơ.',
    `after approving all: "${await status(rev)}"`);
  check(JSON.parse(run(['cycle', 'status', CYCLE, '--json'])).approved === 2 ||
    run(['cycle', 'status', CYCLE, '--json']).replace(/\s/g, '')
      .includes('"approved":2'), 'not both approved');

  // -- 5. closed, previewed, published ------------------------------------
  await go(owner, WORK_CYCLE);
  await press(owner, owner.getByRole('button', { name: 'Khoá kỳ đánh giá' }));
  check((await owner.locator('h1').innerText()).includes('Đã khoá'),
    'the cycle is not shown closed');
  check((await owner.locator('main').innerText()).includes('Đà Nẵng'),
    'the preview does not show Đà Nẵng');
  await look(owner, 'cycle-closed');
  await press(owner, owner.getByRole('button', { name: 'Công bố' }));
  check(new URL(owner.url()).pathname === `/cycles/${CYCLE}`,
    `publishing leads to ${owner.url()}`);
  check(owner.problems.length === 0,
    `publishing: ${owner.problems.slice(0, 5).join('; ')}`);

  // -- 6. the admin: who may do what; the units registry -------------------
  const adm = await person('admin');
  await signIn(adm, 'admin', false);
  await go(adm, '/work/users');
  await look(adm, 'users');
  const grant = adm.locator('form', {
    has: adm.getByRole('button', { name: 'Cấp', exact: true }),
  });
  await grant.locator('select[name=user]').selectOption('editor_b');
  await grant.locator('select[name=role]').selectOption('viewer');
  await press(adm, adm.getByRole('button', { name: 'Cấp', exact: true }));
  check(await status(adm) === 'Đã cấp vai trò.',
    `after granting a role: "${await status(adm)}"`);
  check(run(['user', 'list', '--json', '--user', 'admin']).split('\n')
    .some((l) => l.includes('"editor_b"') && l.includes('"viewer"')),
  'editor_b is not a viewer after the grant');
  await go(adm, '/work/units');
  await look(adm, 'units');

  // -- 7. the public pages show what `dti rank` computes --------------------
  const csv = run(['rank', '--cycle', CYCLE, '--format', 'csv'])
    .trim().split('\n').map((l) => l.split(','));
  const head = csv[0];
  const row = csv.find((r) => r.includes('48'));
  // the index's own column (pdti) follows group_rank
  const col = head.indexOf('group_rank') + 1;
  if (check(row && col > 0 && /^\d+\.\d+$/.test(row[col]), `no row of 48 or no score column in ` +
    `dti rank: ${head.join(',')}`)) {
    const want = row[col].replace('.', ',');
    console.log(`${NAME}: dti rank gives 48 ${row[col]}; the pages must ` +
      `show ${want}`);
    const anon = await person('anonymous');
    await go(anon, `/cycles/${CYCLE}`);
    const cells = await anon.$$eval('tbody tr', (rows) => rows
      .map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    const dn = cells.find((c) => c.includes('Đà Nẵng'));
    check(dn && dn.includes(want),
      `the ranking shows ${JSON.stringify(dn)}, not ${want}`);
    await go(anon, `/cycles/${CYCLE}/units/48`);
    check((await anon.locator('main').innerText()).includes(want),
      `the profile of 48 does not show ${want}`);
    check(anon.problems.length === 0,
      `public pages: ${anon.problems.slice(0, 5).join('; ')}`);
  }
  await browser.close();
  browser = null;
  await stopServer();
  console.log(`${NAME}: axe (${AXE_TAGS.join(', ')}) run ${axeRuns} times; ` +
    `screenshots in ${shots}:`);
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
    await new Promise(() => {});
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
