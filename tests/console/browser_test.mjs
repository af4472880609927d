// The console in a real browser (Debian's chromium, driven by
// playwright-core): invitations with a TOTP app, sign-in, the officer's
// pages, an approval refused above the officer's level, CSRF, sign-out and
// an old session's cookie, the lockout, an ISO kept to its own agreements,
// the security headers, and axe-core on every page (no serious or critical
// violation). Screenshots of each page go to SCREENSHOT_DIR.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through tools/start --console-tests`);
  return v;
};
const base = env('CONSOLE_URL');
const shots = env('SCREENSHOT_DIR');
const A1 = env('A1');
const A2 = env('A2');
const A3 = env('A3');
const A6 = env('A6');

// totp: RFC 6238's code for a base32 secret, `offset` steps from now.
function totp(secretBase32, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/\s/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const at = mac[19] & 15;
  const n = ((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3];
  return String(n % 1e6).padStart(6, '0');
}

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}\n${e.stack}`);
    throw e;
  }
}

// checkPage runs axe-core in the page (evaluated over the DevTools
// protocol: the page's CSP allows no script of its own) and saves a
// screenshot.
async function checkPage(page, shot) {
  await page.waitForLoadState('load');  // the stylesheet applied: axe measures what people see
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }))
      .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })));
  const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe-core on ${page.url()}: ${JSON.stringify(bad)}`);
  await page.screenshot({ path: `${shots}/${shot}.png`, fullPage: true });
}

async function setUp(page, invite, password, needsTotp) {
  await page.goto(invite);
  await checkPage(page, `invitation-${needsTotp ? 'totp' : 'password'}`);
  await page.fill('#f-password', password);
  await page.fill('#f-password2', password);
  let secret = '';
  if (needsTotp) {
    secret = (await page.textContent('#totp-secret')).trim();
    await page.fill('#f-code', totp(secret));
  } else {
    assert.equal(await page.locator('#totp-secret').count(), 0);
  }
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Your sign-in is set up")');
  return secret;
}

// tabThrough presses Tab through the whole page, as someone without a
// mouse does: every element that takes focus must show the focus ring.
// It returns what took focus, in order.
async function tabThrough(page, max = 300) {
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < max; ++i) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      return { key: `${e.tagName.toLowerCase()}#${e.id}:${(e.textContent || e.name || '').trim().slice(0, 40)}`,
        outline: s.outlineStyle, shadow: s.boxShadow };
    });
    if (!f) break;
    if (seen[seen.length - 1] === f.key) continue;  // a date's day, month and year
    if (seen.includes(f.key)) break;  // round again
    seen.push(f.key);
    assert.ok(f.outline !== 'none' || f.shadow !== 'none', `no focus ring on ${f.key} at ${page.url()}`);
  }
  return seen;
}

// signInByKeyboard signs in with the keyboard alone: the skip link comes
// first and leads to the form.
async function signInByKeyboard(page, name, password) {
  await page.goto(`${base}/sign-in`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

async function signIn(page, name, password, code = '') {
  await page.goto(`${base}/sign-in`);
  await page.fill('#f-name', name);
  await page.fill('#f-password', password);
  if (code) await page.fill('#f-code', code);
  await page.click('form[action="/sign-in"] button[type=submit]');
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const officer = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await officer.newPage();
  const password = 'heather and thistle 42';
  let secret = '';

  await step('sign-in page: headers, and nothing without a session', async () => {
    const res = await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    const h = res.headers();
    assert.match(h['content-security-policy'], /default-src 'none'/);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
    assert.match(h['strict-transport-security'], /max-age=31536000/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    await checkPage(page, 'sign-in');
  });

  await step('the person\'s invitation tools/start printed opens their set-up page', async () => {
    const res = await page.goto(env('PERSON_INVITE'));
    assert.equal(res.status(), 200);
    assert.match(await page.textContent('main'), /morag\.brown/);
    assert.equal(await page.locator('#totp-secret').count(), 0, 'a person needs no authenticator app');
  });

  await step('officer sets up a password and an authenticator app from an invitation', async () => {
    secret = await setUp(page, env('OFFICER_INVITE'), password, true);
    assert.match(secret, /^[A-Z2-7]{32}$/);
  });

  await step('an invitation works once', async () => {
    const res = await page.goto(env('OFFICER_INVITE'));
    assert.equal(res.status(), 404);
    assert.match(await page.textContent('main'), /expired or has already been used/);
  });

  await step('a wrong code is refused, the right one signs in', async () => {
    await signIn(page, 'officer@fife', password, totp(secret) === '000000' ? '111111' : '000000');
    assert.match(await page.textContent('[role=alert]'), /user name, password or code is not right/);
    // One step ahead: the code used at set-up may not be used again.
    await signIn(page, 'officer@fife', password, totp(secret, 1));
    await page.waitForSelector('h1:has-text("Home")');
    const cookies = await officer.cookies();
    const session = cookies.find((c) => c.name === '__Host-dp_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
  });

  await step('home: approvals waiting, with the panel wait, and agreements by status', async () => {
    const waiting = page.locator('table:has(caption:text("Approvals waiting"))');
    await waiting.locator(`a[href="/agreements/${A3}"]`).waitFor();
    assert.match(await waiting.textContent(), /panel/);
    // The demo's agreements, counted by the agreements service in one call.
    const counts = await page.locator('table:has(caption:text("Agreements by status")) tbody tr')
      .allTextContents();
    assert.deepEqual(counts, ['Draft1', 'Awaiting approval1', 'Active3', 'Suspended1']);
    assert.match(await waiting.textContent(), /Agreement \d+panel0/);  // submitted today
    await checkPage(page, 'officer-home');
  });

  await step('agreement page: terms, money and the person\'s record', async () => {
    await page.goto(`${base}/agreements/${A1}`);
    const text = await page.textContent('main');
    assert.match(text, /Status\s*Active/);
    assert.match(text, /Available to spend£[\d,]+\.\d\d/);
    assert.match(text, /Approved at manager level/);
    // The charts, drawn on the server, say in words what they show.
    assert.match(await page.textContent('svg title'), /The balance against the 8-week threshold/);
    assert.match(await page.textContent('figcaption'), /The 8-week threshold is £2,600\.00/);
    assert.equal(await page.locator('svg[role=img]').count(), 2);
    // Its versions, its payroll, and its monitoring, each a click from here.
    const versions = await page.locator('table:has(caption:text("Versions of the terms")) tbody tr').allTextContents();
    assert.ok(versions.length >= 1);
    assert.match(versions[0], /^1/);
    assert.ok(await page.locator('a[href^="/employers/"]:has-text("PAs, timesheets and pay runs")').count() >= 1);
    assert.match(await page.textContent('table:has(caption:text("Review cases"))'), /Case \d+/);
    assert.match(await page.textContent('table:has(caption:text("Monitoring findings"))'), /surplus/);
    await checkPage(page, 'agreement-active');
  });

  await step('an approval above the officer\'s level is refused, and nothing changes', async () => {
    await page.goto(`${base}/agreements/${A3}`);
    assert.match(await page.textContent('main'), /needs approval by a panel/);
    await checkPage(page, 'agreement-awaiting-panel');
    await page.check('#d-approve');
    await page.fill('#f-reason', 'Care needs met within budget');
    await page.click('form[action$="/decision"] button[type=submit]');
    await page.waitForSelector('h1:has-text("Not allowed")');
    assert.match(await page.textContent('[role=alert]'), /panel/);
    await page.goto(`${base}/agreements/${A3}`);
    assert.match(await page.textContent('main'), /Status\s*Awaiting approval/);
  });

  await step('a form without the session\'s token changes nothing (CSRF)', async () => {
    const res = await page.request.post(`${base}/agreements/${A3}/decision`, {
      form: { csrf: 'forged', action: 'return', reason: 'forged', request_id: 'forged-1' },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    assert.match(await res.text(), /This form has expired/);
    await page.goto(`${base}/agreements/${A3}`);
    assert.match(await page.textContent('main'), /Status\s*Awaiting approval/);
  });

  await step('the statement pages, and downloads as CSV', async () => {
    await page.goto(`${base}/agreements/${A1}`);
    await page.click('a:has-text("See the statement")');
    await page.waitForSelector('table caption:has-text("Money in and out")');
    const rows = await page.locator('table tbody tr').count();
    assert.ok(rows > 0 && rows <= 50, `rows ${rows}`);
    await checkPage(page, 'statement');
    const csv = await page.request.get(`${base}/agreements/${A1}/statement.csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'posted_at,transaction_id,kind,description,in,out,balance_after');
    assert.ok(lines.length - 1 >= rows, `csv ${lines.length - 1} lines, page ${rows}`);
  });

  await step('the card page: held, refused with the reason in words, and its movements', async () => {
    await page.goto(`${base}/agreements/${A2}/card`);
    await page.waitForSelector('h1:has-text("Card of agreement")');
    const text = await page.textContent('main');
    assert.match(text, /Available£[\d,]+\.\d\d/);
    assert.match(text, /Payments the card refused/);
    assert.match(text, /This card can't be used for betting, lotteries or gambling/);
    assert.match(text, /Money on and off the card/);
    // What the card paid for, by category, drawn on the server with its figures in words.
    const chart = page.locator('figure:has(svg title:text("Card spending by category"))');
    assert.match(await chart.locator('figcaption').textContent(), /£[\d,]+\.\d\d/);
    await checkPage(page, 'card');
    await page.goto(`${base}/agreements/${A1}/card`);
    assert.match(await page.textContent('main'), /not paid onto a card/);
  });

  await step('a review case from the home page: findings, a note, and a decision read strictly', async () => {
    await page.goto(`${base}/`);
    const cases = page.locator('table:has(caption:text("Open review cases"))');
    assert.match(await page.textContent('table:has(caption:text("Open findings"))'), /surplus/);
    await cases.locator('a[href^="/cases/"]').first().click();
    await page.waitForSelector('table caption:has-text("Findings")');
    await checkPage(page, 'case');
    await page.fill('#f-note', 'Morag rang: the hoist quote is on its way.');
    await page.click('form[action$="/note"] button[type=submit]');
    assert.match(await page.textContent('[role=status]'), /Recorded: note/);
    assert.match(await page.textContent('table:has(caption:text("Notes and decisions"))'),
      /the hoist quote is on its way/);
    await page.check('#d-recover');
    await page.fill('#f-reason', 'Returning what is not needed');
    await page.fill('#f-amount', 'lots');
    await page.click('form[action$="/decision"] button[type=submit]');
    assert.match(await page.textContent('[role=alert]'), /pounds and pence/);
  });

  await step('payroll: employers, a pay run\'s payslips and their PDF', async () => {
    await page.goto(`${base}/`);
    await page.click('nav a:has-text("Payroll")');
    await page.waitForSelector('table caption:has-text("Employers")');
    await page.click('table a[href^="/employers/"]');
    await page.waitForSelector('table caption:has-text("Personal assistants")');
    assert.match(await page.textContent('main'), /Jamie Fraser/);
    await checkPage(page, 'employer');
    // The employer's timesheets and pay runs, each all of it on its own page and as CSV.
    const employer = new URL(page.url()).pathname;
    for (const [list, header] of [['timesheets', 'PA,Period,Hours,Sick days'],
      ['payruns', 'Run,Period,Paid on,Net wages,Status']]) {
      await page.goto(`${base}${employer}/${list}`);
      const rows = await page.locator('table tbody tr').count();
      const csv = (await (await page.request.get(`${base}${employer}/${list}?format=csv`)).text()).trim().split('\n');
      assert.equal(csv[0], header);
      assert.equal(csv.length, rows + 1, list);
      assert.ok(rows > 0, `the demo has ${list}`);
    }
    await page.goto(`${base}${employer}`);
    await page.click('table a[href^="/payruns/"]');
    await page.waitForSelector('table caption:has-text("Payslips")');
    assert.match(await page.textContent('main'), /Net wages£[\d,]+\.\d\d/);
    await checkPage(page, 'pay-run');
    // The run's documents: each what it says it is.
    const expect = { 'The payslips (PDF)': /^%PDF-/, 'The BACS file of net wages': /^VOL1|^\d{6}/,
      'The Full Payment Submission to HMRC (XML)': /^<\?xml/, 'The pension contributions (CSV)': /^Employer reference,/ };
    for (const [words, start] of Object.entries(expect)) {
      const href = await page.getAttribute(`a:has-text("${words}")`, 'href');
      const doc = await page.request.get(`${base}${href}`);
      assert.equal(doc.status(), 200, words);
      assert.match(doc.headers()['content-disposition'], /^attachment; filename="/, words);
      assert.match((await doc.body()).subarray(0, 40).toString(), start, words);
    }
    // A link that names no run says what is wrong.
    const bad = await page.request.get(`${base}/payroll/documents?kind=fps`);
    assert.equal(bad.status(), 422);
    assert.match(await bad.text(), /The link must name the run\./);
  });

  await step('the payment schedule runs once, however often the form is sent', async () => {
    await page.click('nav a:has-text("Payment schedule")');
    await page.waitForSelector('form[action="/payments/schedule"]');
    await checkPage(page, 'schedule');
    const requestId = await page.getAttribute('input[name=request_id]', 'value');
    const csrf = await page.getAttribute('input[name=csrf]', 'value');
    const runDate = await page.inputValue('#f-run_date');
    await page.click('form[action="/payments/schedule"] button[type=submit]');
    await page.waitForSelector('h2:has-text("Payment run")');
    // The page told how far the run had got as it went, then what it paid.
    const progress = await page.locator('ol.progress li').allTextContents();
    assert.match(progress[0], /^0 of \d+ agreements considered\.$/);
    assert.match(progress[progress.length - 1], /^All \d+ agreements considered; posting the payments\.$/);
    const first = await page.textContent('h2#run');
    assert.match(await page.textContent('main'), /Agreements considered\d+/);
    await checkPage(page, 'schedule-run');
    // The same form again (a double click, a reload): the same run, nothing paid twice,
    // and nothing to watch.
    const again = await page.request.post(`${base}/payments/schedule`, {
      form: { csrf, request_id: requestId, run_date: runDate },
    });
    assert.equal(again.status(), 200);
    const html = await again.text();
    assert.match(html, new RegExp(`<h2 id="run">${first}</h2>`));
    assert.doesNotMatch(html, /agreements considered\./);
  });

  await step('today\'s payments in and out, and each home list on its own page, paged and as CSV', async () => {
    await page.goto(`${base}/`);
    assert.match(await page.textContent('main'),
      /The payment schedule ran \d+ times? today and paid \d+ payments? into agreements, £[\d,]+\.\d\d in all\./);
    // The demo's direct debit to Careline Alarms was collected today.
    const out = page.locator('table:has(caption:text("Payments out due"))');
    assert.match(await out.textContent(), /Careline Alarms.*£18\.50Paid/);
    await checkPage(page, 'officer-home-after-run');
    const stops = await tabThrough(page);
    assert.ok(stops[0].endsWith('Skip to main content') && stops.length > 10, stops.join(' '));
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    await page.goto(`${base}/payments/day?date=${today}`);
    await checkPage(page, 'payments-day');
    const csv = await page.request.get(`${base}/payments/day?date=${today}&format=csv`);
    assert.equal(csv.status(), 200);
    assert.equal(csv.headers()['content-disposition'],
      `attachment; filename="payments-day-date-${today}.csv"`);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'Agreement,Due,To,For,Amount,What became of it');
    assert.ok(lines.some((l) => /^Agreement \d+,[^,]+,Careline Alarms,.*,£18\.50,Paid$/.test(l)), lines.join('\n'));
    const bad = await page.request.get(`${base}/payments/day?date=2026-02-30`);
    assert.equal(bad.status(), 422);
    assert.match(await bad.text(), /The date must be a day, for example 2026-12-01\./);
    await page.goto(`${base}/approvals`);
    await page.locator(`table a[href="/agreements/${A3}"]`).waitFor();
    await checkPage(page, 'approvals');
    for (const [path, caption] of [['/cases', 'Open review cases'], ['/findings', 'Open findings']]) {
      await page.goto(`${base}${path}`);
      await page.locator(`h1:text("${caption}")`).waitFor();
      const all = await page.request.get(`${base}${path}?format=csv`);
      assert.equal(all.status(), 200);
      // One CSV line a row of the page, and the headings.
      const rows = await page.locator('table tbody tr').count();
      assert.ok(rows > 0, `the demo has ${caption.toLowerCase()}`);
      assert.equal((await all.text()).trim().split('\n').length, rows + 1, path);
    }
    await checkPage(page, 'findings');
  });

  let personInvite = '';
  await step('the officer invites the person to see their own record', async () => {
    await page.goto(`${base}/agreements/${A1}`);
    await page.fill('#f-name', 'morag.brown');
    await page.click('form[action$="/invite"] button[type=submit]');
    await page.waitForSelector('h1:has-text("Invitation link")');
    personInvite = (await page.textContent('#invitation-link')).trim();
    assert.match(personInvite, /\/invitation\?token=[A-Za-z0-9_-]{43}$/);
    await checkPage(page, 'officer-invitation-link');
  });

  await step('the officer invites a colleague (not an ISO, not themselves), who approves at the panel\'s level', async () => {
    await page.click('nav a:has-text("Invite a colleague")');
    await checkPage(page, 'staff');
    const send = async (name) => {
      await page.goto(`${base}/staff`);
      await page.fill('#f-name', name);
      await page.click('form[action="/staff/invite"] button[type=submit]');
    };
    await send('payroll@penderels');
    assert.match(await page.textContent('[role=alert]'), /principal payroll@penderels does not exist/);
    await send('officer@fife');
    assert.match(await page.textContent('[role=alert]'), /may not invite yourself/);
    await send('panel@fife');
    await page.waitForSelector('h1:has-text("Invitation link")');
    const link = (await page.textContent('#invitation-link')).trim();
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const p = await ctx.newPage();
    const panelSecret = await setUp(p, link, 'panel chair of fife 3', true);
    await signIn(p, 'panel@fife', 'panel chair of fife 3', totp(panelSecret, 1));
    await p.waitForSelector('h1:has-text("Home")');
    // What the officer could not approve, the panel can.
    await p.goto(`${base}/agreements/${A3}`);
    await p.check('#d-approve');
    await p.fill('#f-reason', 'The panel agreed the budget on the social worker\'s assessment');
    await p.click('form[action$="/decision"] button[type=submit]');
    assert.match(await p.textContent('[role=status]'), /Recorded: approved\./);
    assert.match(await p.textContent('main'), /Status\s*Approved/);
    await ctx.close();
  });

  await step('sign-out ends the session, and its old cookie opens nothing', async () => {
    const before = await officer.cookies();
    await page.click('form.signout button');
    await page.waitForSelector('h1:has-text("Sign in")');
    await officer.addCookies(before.filter((c) => c.name === '__Host-dp_session'));
    await page.goto(`${base}/agreements/${A1}`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
  });

  await step('five wrong passwords lock the account, even against the right one', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const p = await ctx.newPage();
    const adminSecret = await setUp(p, env('ADMIN_INVITE'), 'keys and certificates 9', true);
    for (let i = 1; i <= 4; ++i) {
      await signIn(p, 'admin', `wrong password ${i}`, totp(adminSecret, 1));
      assert.match(await p.textContent('[role=alert]'), /not right/);
    }
    await signIn(p, 'admin', 'wrong password 5', totp(adminSecret, 1));
    assert.match(await p.textContent('[role=alert]'), /locked after too many failed sign-ins/);
    await signIn(p, 'admin', 'keys and certificates 9', totp(adminSecret, 1));
    assert.match(await p.textContent('[role=alert]'), /locked/);
    await checkPage(p, 'sign-in-locked');
    await ctx.close();
  });

  await step('an ISO signs in without a code and sees only what it was granted', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const p = await ctx.newPage();
    await setUp(p, env('ISO_INVITE'), 'penderels payroll desk', false);
    await signInByKeyboard(p, 'payroll@penderels', 'penderels payroll desk');
    await p.waitForSelector('h1:has-text("Home")');
    await p.locator(`table a[href="/agreements/${A1}"]`).waitFor();
    await checkPage(p, 'iso-home');
    const supported = (await (await p.request.get(`${base}/supported?format=csv`)).text()).trim().split('\n');
    assert.deepEqual(supported, ['Agreement,Authority,Status', `Agreement ${A1},FIFE,Active`,
      `Agreement ${A6},FIFE,Active`]);
    // A timesheet: a mistyped hour is refused, naming the day; then one day of 7.5 hours.
    await p.click('nav a:has-text("Payroll")');
    await p.click('table a[href^="/employers/"]');
    await p.waitForSelector('form[action$="/timesheet"]');
    await p.selectOption('#f-employee', { label: 'Jamie Fraser' });
    await p.fill('#f-period_start', '2026-11-16');
    await p.fill('#f-period_end', '2026-12-13');
    await p.fill('#f-date0', '2026-11-16');
    await p.fill('#f-hours0', 'seven');
    await p.click('form[action$="/timesheet"] button[type=submit]');
    assert.match(await p.textContent('[role=alert]'), /Day 1: give the date and the hours/);
    await p.goBack();
    await p.waitForSelector('form[action$="/timesheet"]');
    await p.selectOption('#f-employee', { label: 'Jamie Fraser' });
    await p.fill('#f-period_start', '2026-11-16');
    await p.fill('#f-period_end', '2026-12-13');
    await p.fill('#f-date0', '2026-11-16');
    await p.fill('#f-hours0', '7.5');
    await p.click('form[action$="/timesheet"] button[type=submit]');
    assert.match(await p.textContent('[role=status]'), /Timesheet \d+ received/);
    const sheets = await p.textContent('table:has(caption:text("Timesheets, latest first"))');
    assert.match(sheets, /16 Nov 2026 to 13 Dec 2026\s*7\.50/);
    await p.goto(`${base}/agreements/${A1}`);
    assert.match(await p.textContent('main'), /Status\s*Active/);
    await checkPage(p, 'iso-agreement');
    // Elspeth's payments out (Penderels manages her account): an invoice within her plan,
    // approved with a reason; one above it waits for the officer, and the ISO is told why.
    await p.goto(`${base}/agreements/${A6}/payments-out`);
    assert.match(await p.textContent('table:has(caption:text("Payees"))'), /Bright Care Agency Ltd/);
    const invoice = async (number, hours) => {
      await p.selectOption('#f-payee', { label: 'Bright Care Agency Ltd' });
      await p.fill('#f-number', number);
      await p.fill('#f-period_start', '2026-11-23');
      await p.fill('#f-period_end', '2026-11-29');
      await p.fill('#f-due_date', '2026-12-20');
      await p.fill('#f-hours', hours);
      await p.fill('#f-rate', '22.00');
      await p.fill('#f-description', 'Morning visits');
      await p.click('form[action$="/invoices"] button[type=submit]');
    };
    await invoice('BC-W48', 'eight');
    assert.match(await p.textContent('[role=alert]'), /Give the hours \(like 20 or 7\.5\) and the rate/);
    await p.goBack();
    await invoice('BC-W48', '8');
    assert.match(await p.textContent('[role=status]'), /Recorded: invoice \d+ submitted\./);
    await p.selectOption('#f-id', { label: 'BC-W48, Bright Care Agency Ltd, £176.00' });
    await p.fill('#f-reason', 'Hours match Elspeth\'s care diary');
    await p.click('form[action$="/invoices/approve"] button[type=submit]');
    assert.match(await p.textContent('[role=status]'), /Recorded: invoice \d+ approved\./);
    const approved = await p.textContent('table:has(caption:text("Invoices")) tr:has-text("BC-W48")');
    assert.match(approved, /£176\.00 \(8\.00 hours at £22\.00\).*Approved: paid on its due date/);
    await invoice('BC-W48X', '12');
    assert.match(await p.textContent('[role=status]'), /submitted for the officer/);
    const flagged = await p.textContent('table:has(caption:text("Invoices")) tr:has-text("BC-W48X")');
    assert.match(flagged, /Waiting for approval.*12\.00 hours/);
    await checkPage(p, 'iso-payments-out');
    // Every control of the page's forms is reached by Tab, in reading order, with a focus ring.
    const order = await tabThrough(p);
    const ids = order.map((k) => k.split(':')[0]);
    const at = (id) => ids.indexOf(id);
    for (const id of ['select#f-id', 'textarea#f-reason', 'select#f-payee', 'input#f-number', 'input#f-hours',
      'textarea#f-description']) assert.ok(at(id) >= 0, `${id} takes focus: ${ids.join(' ')}`);
    assert.ok(at('a#') < at('select#f-id') && at('select#f-id') < at('textarea#f-reason')
      && at('textarea#f-reason') < at('select#f-payee') && at('select#f-payee') < at('input#f-number'),
      `reading order: ${ids.join(' ')}`);
    await p.selectOption('#f-id', { label: 'BC-W48X, Bright Care Agency Ltd, £264.00' });
    await p.fill('#f-reason', 'Extra visits in a bad week');
    await p.click('form[action$="/invoices/approve"] button[type=submit]');
    assert.match(await p.textContent('[role=alert]'), /officer/);
    await p.goto(`${base}/agreements/${A6}/payments-out/history`);
    await checkPage(p, 'iso-payments-history');
    const other = await p.goto(`${base}/agreements/${A3}`);
    assert.ok([403, 404].includes(other.status()), `status ${other.status()}`);
    assert.doesNotMatch(await p.textContent('main'), /Needs approval by/);
    await ctx.close();
  });

  await step('the auditor downloads a report, checks it, and verifies the audit trail', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true });
    const p = await ctx.newPage();
    const secret = await setUp(p, env('AUDITOR_INVITE'), 'ledger lines balance 7', true);
    await signIn(p, 'auditor@audit-scotland', 'ledger lines balance 7', totp(secret, 1));
    await p.waitForSelector('h2:has-text("Reports")');
    await checkPage(p, 'auditor-home');
    const [download] = await Promise.all([p.waitForEvent('download'),
      p.click('form[action="/reports/download"] button[type=submit]')]);
    const csvPath = `${fs.mkdtempSync(`${os.tmpdir()}/dp-report-`)}/report.csv`;
    await download.saveAs(csvPath);
    assert.match(fs.readFileSync(csvPath, 'utf8'), /FIFE/);
    await p.setInputFiles('#f-report', csvPath);
    await p.click('form[action="/reports/verify"] button[type=submit]');
    await p.waitForSelector('h1:has-text("Report checked")');
    assert.match(await p.textContent('[role=status]'), /matches the books, byte for byte/);
    assert.match(await p.textContent('main'), /Intact, and it reaches the report's head/);
    await checkPage(p, 'auditor-report-checked');
    // A report altered by hand (one more agreement) no longer matches.
    fs.writeFileSync(csvPath, fs.readFileSync(csvPath, 'utf8').replace(/^agreements,(\d+)$/m,
      (_, n) => `agreements,${Number(n) + 1}`));
    await p.goto(`${base}/`);
    await p.setInputFiles('#f-report', csvPath);
    await p.click('form[action="/reports/verify"] button[type=submit]');
    assert.match(await p.textContent('[role=alert]'), /does not match/);
    assert.match(await p.textContent('main'), /agreements/);
    // The trail: intact, and its events name the officer's work through the console.
    await p.goto(`${base}/audit/verify`);
    assert.match(await p.textContent('[role=status]'), /The trail is intact/);
    const head = (await p.textContent('#audit-head')).trim();
    await p.goto(`${base}/audit/verify?expect_head=${encodeURIComponent(head)}`);
    assert.match(await p.textContent('[role=status]'), /The trail is intact/);
    await checkPage(p, 'audit-verified');
    // The trail names the officer's work through the console, and every
    // sign-in, refused or not.
    let sawConsole = false;
    let sawSignIns = false;
    await p.goto(`${base}/audit`);
    for (let i = 0; i < 200; ++i) {
      const text = await p.textContent('main');
      sawConsole ||= /officer@fife via console@platform/.test(text);
      sawSignIns ||= /officer@fife\/console\/SignIn.*Refused \(16\)/s.test(text);
      const next = p.locator('a:has-text("Next page")');
      if ((sawConsole && sawSignIns) || (await next.count()) === 0) break;
      await next.click();
    }
    assert.ok(sawConsole, 'the trail names the officer acting through the console');
    assert.ok(sawSignIns, 'the trail has the officer\'s refused sign-in');
    await checkPage(p, 'audit-trail');
    // A sample of transactions: drawn again by its seed, each with postings that balance.
    await p.goto(`${base}/`);
    await p.click('a:has-text("Draw a sample")');
    await p.fill('#f-size', '501');
    await p.click('form[action="/reports/sample"] button[type=submit]');
    assert.equal(await p.textContent('[role=alert]'), 'How many must be a number from 1 to 500.');
    await p.goBack();
    await p.fill('#f-size', '5');
    await p.click('form[action="/reports/sample"] button[type=submit]');
    const sampled = await p.locator('table a[href^="/transactions/"]').allTextContents();
    assert.ok(sampled.length >= 1 && sampled.length <= 5, `${sampled.length} sampled`);
    const seed = (await p.textContent('dl.summary div:has(dt:text("Seed")) dd')).trim();
    await checkPage(p, 'auditor-sample');
    await p.fill('#f-size', '5');
    await p.fill('#f-seed', seed);
    await p.click('form[action="/reports/sample"] button[type=submit]');
    assert.deepEqual(await p.locator('table a[href^="/transactions/"]').allTextContents(), sampled);
    await p.click('table a[href^="/transactions/"] >> nth=0');
    await p.waitForSelector('table:has(caption:text("Postings"))');
    const pence = async (column) => (await p.locator(`table:has(caption:text("Postings")) tbody td:nth-child(${column})`)
      .allTextContents()).reduce((sum, t) => sum + (t ? Math.round(Number(t.replace(/[£,]/g, '')) * 100) : 0), 0);
    const debits = await pence(3);
    assert.ok(debits > 0);
    assert.equal(debits, await pence(4), 'debits and credits balance');
    await checkPage(p, 'auditor-transaction');
    await ctx.close();
  });

  await step('the person sees their own record, money and monitoring, and no one else\'s', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const p = await ctx.newPage();
    await setUp(p, personInvite, 'my own direct payment', false);
    await signIn(p, 'morag.brown', 'my own direct payment');
    await p.waitForSelector('h1:has-text("Your direct payment")');
    const text = await p.textContent('main');
    assert.match(text, /direct payment for Morag Brown/);
    assert.match(text, /Available to spend£[\d,]+\.\d\d/);
    assert.match(text, /How your payment is checked/);
    assert.match(text, /LevelLight/);
    assert.match(await p.textContent('[role=status]'), /We asked for information, by/);
    assert.match(text, /Your record: every decision and why/);
    assert.match(text, /Approved at manager level/);
    await checkPage(p, 'person-home');
    await p.click('a:has-text("See your statement")');
    await p.waitForSelector('table caption:has-text("Money in and out")');
    await p.goto(`${base}/`);
    const pdf = await p.request.get(`${base}/agreements/${A1}/record.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    for (const other of [A3]) {
      const res = await p.goto(`${base}/agreements/${other}`);
      assert.equal(res.status(), 404);
      assert.doesNotMatch(await p.textContent('main'), /Euan/);
      const pdfOther = await p.request.get(`${base}/agreements/${other}/record.pdf`);
      assert.equal(pdfOther.status(), 404);
    }
    await ctx.close();
  });
} finally {
  await browser.close();
}
console.log(`console browser tests: ${results.length} passed`);
