// The dashboard in a real browser: playwright-core drives Debian's chromium
// against a running controller (tests/e2e/dashboard_test.sh starts it and
// passes what this needs in the environment). Signs in (keyboard only, as an
// operator, then with the admin token), creates an instance and watches its
// steps arrive live, sets a flag, follows its logs, upgrades it, backs it up,
// deletes it behind the typed confirmation; checks that a POST without the
// CSRF token and a session after sign-out are refused; runs axe-core on every
// page (serious or critical violations fail) and saves a screenshot of each.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const BASE = env('DASH_URL');
const TOKEN = env('DASH_TOKEN');
const OPERATOR = env('DASH_OPERATOR');
const PASSWORD = env('DASH_PASSWORD');
const SUB = env('DASH_SUB');
const APP_SOCK = env('DASH_APP_SOCK');
const SHOTS = env('DASH_ARTIFACTS');

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const step = (what) => console.log(`--- ${what}`);

// A GET to the app itself, so that it writes a log line.
const poke = (urlPath) =>
  new Promise((resolve) => {
    const req = http.get({ socketPath: APP_SOCK, path: urlPath, headers: { Host: 'app' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', resolve);
  });

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'md-dash-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(30000);
const cspErrors = [];
page.on('console', (msg) => {
  if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
});

// axe-core on the page as it is now; screenshot into SHOTS/NAME.png.
const audit = async (name) => {
  await page.evaluate(axeSource + '\n;0');
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  axe ${v.impact}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  check(bad.length === 0, `axe: no serious or critical violation on ${name}`);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};

// Waits on an operation's page (where a form led) until it has finished.
const finishOperation = async (what) => {
  await page.waitForURL(/\/ui\/operations\/\d+$/);
  await page.waitForSelector('#op .badge-succeeded, #op .badge-failed', { timeout: 120000 });
  check(await page.locator('#op .badge-succeeded').count() === 1, `${what} succeeded`);
};

try {
  step('keyboard-only sign-in as an operator made with the CLI');
  await page.goto(`${BASE}/`);
  check(page.url().endsWith('/ui/signin'), '/ signed out leads to the sign-in page');
  await audit('signin');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.textContent) === 'Skip to content', 'first Tab: the skip link');
  for (let i = 0; i < 3 && await page.evaluate(() => document.activeElement.id) !== 'name'; i++) {
    await page.keyboard.press('Tab');
  }
  check(await page.evaluate(() => document.activeElement.id) === 'name', 'a few Tabs on: the name field');
  await page.keyboard.type(OPERATOR);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the password');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.error[role=alert]');
  check(page.url().endsWith('/ui/signin'), 'a wrong password is refused');
  await page.fill('#name', OPERATOR);
  await page.fill('#password', PASSWORD);
  await page.press('#password', 'Enter');
  await page.waitForURL(/\/ui\/instances$/);
  check((await page.textContent('.actor')) === `operator:${OPERATOR}`, 'signed in as the operator');
  await page.click('.signout button');
  await page.waitForURL(/\/ui\/signin$/);

  step('sign in with the admin token');
  await page.fill('#token', TOKEN);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.waitForURL(/\/ui\/instances$/);
  check((await page.textContent('.actor')) === 'admin', 'signed in as admin');
  await audit('instances');

  step('create: the API\'s own validation message, then an instance whose steps arrive live');
  await page.getByRole('link', { name: 'Create', exact: true }).click();
  await page.fill('#f-subdomain', 'Not_Valid');
  await page.fill('#f-email', `ops@${SUB}.example`);
  await page.fill('#f-name', 'Dashboard <b>Test</b>');
  await page.fill('#f-version', '1.0.0');
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.error[role=alert]');
  check(/subdomain/i.test(await page.textContent('.error')), 'the create form shows the API\'s message');
  await audit('create');
  await page.fill('#f-subdomain', SUB);
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/ui\/operations\/\d+$/);
  await page.evaluate(() => { window.__sameDocument = true; });
  const seen = new Set();
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    seen.add(await page.locator('#op .step-done').count());
    if (await page.locator('#op .badge-succeeded, #op .badge-failed').count() > 0) break;
    await page.waitForTimeout(100);
  }
  check(await page.locator('#op .badge-succeeded').count() === 1, 'the create succeeded');
  check(seen.size >= 3, `steps were seen finishing one after another live (${[...seen].sort((a, b) => a - b).join(', ')} done)`);
  check(await page.evaluate(() => window.__sameDocument === true), 'without reloading the page');
  await audit('operation');

  step('the instance page; set a flag');
  await page.click(`#op a[href="/ui/instances/${SUB}"]`);
  await page.waitForURL(new RegExp(`/ui/instances/${SUB}$`));
  await audit('instance');
  await page.fill('#flags-key', 'MELTANO_UI_READONLY');
  await page.fill('#flags-value', 'true');
  await page.getByRole('button', { name: 'Set flag' }).click();
  await finishOperation('the flag change');
  await page.goto(`${BASE}/ui/instances/${SUB}`);
  check((await page.textContent('ul.env')).includes('MELTANO_UI_READONLY=true'), 'the flag is listed');

  step('follow its logs: a new line appears live');
  await page.evaluate(() => { window.__sameDocument = true; });
  const marker = `/dash-follow-${Date.now()}`;
  await page.waitForTimeout(1500);
  await poke(marker);
  await page.waitForFunction((m) => document.getElementById('log').textContent.includes(m), marker, { timeout: 20000 })
    .then(() => check(true, 'the app\'s new log line appeared'), () => check(false, 'the app\'s new log line appeared'));
  check(await page.evaluate(() => window.__sameDocument === true), 'without reloading the page');

  step('upgrade it');
  await page.fill('#version', '1.1.0');
  await page.getByRole('button', { name: 'Upgrade' }).click();
  await finishOperation('the upgrade');
  await page.goto(`${BASE}/ui/instances/${SUB}`);
  check((await page.textContent('#summary')).includes('1.1.0'), 'the instance runs 1.1.0');

  step('back it up');
  await page.getByRole('button', { name: 'Back up now' }).click();
  await finishOperation('the backup');
  await page.getByRole('link', { name: 'Backups', exact: true }).click();
  check((await page.textContent('main')).includes(SUB), 'the backup is listed');
  await audit('backups');
  for (const [name, link] of [['clusters', 'Clusters'], ['operations', 'Operations'], ['certificates', 'Certificates']]) {
    await page.getByRole('link', { name: link, exact: true }).click();
    await page.waitForURL(new RegExp(`/ui/${name}$`));
    if (name === 'clusters') check(await page.locator('meter').count() >= 1, 'a capacity bar per cluster');
    await audit(name);
  }

  step('a POST without the CSRF token is refused');
  await page.goto(`${BASE}/ui/instances/${SUB}`);
  const noCsrf = await page.evaluate((sub) =>
    fetch(`/ui/instances/${sub}/restart`, { method: 'POST', body: new URLSearchParams({}) }).then((r) => r.status), SUB);
  check(noCsrf === 403, `POST without CSRF: ${noCsrf}`);

  step('delete behind the typed confirmation');
  await page.fill('#delete-confirm', `${SUB}x`);
  await page.getByRole('button', { name: 'Delete instance' }).click();
  await page.waitForSelector('.error[role=alert]');
  check(/type the subdomain/.test(await page.textContent('.error')), 'a wrong confirmation is refused');
  await page.fill('#delete-confirm', SUB);
  await page.getByRole('button', { name: 'Delete instance' }).click();
  await finishOperation('the delete');
  const gone = await page.goto(`${BASE}/ui/instances/${SUB}`);
  check(gone.status() === 404, 'the instance is gone');

  step('a phone-sized screen');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/ui/instances`);
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling');
  await audit('instances-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  step('after sign-out the session is refused');
  const cookies = await context.cookies(BASE);
  const session = cookies.find((c) => c.name === 'md_session');
  check(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  await page.click('.signout button');
  await page.waitForURL(/\/ui\/signin$/);
  await context.addCookies([session]);  // the old cookie, replayed
  await page.goto(`${BASE}/ui/instances`);
  check(page.url().endsWith('/ui/signin'), 'a page after sign-out leads to the sign-in page');
  const after = await page.evaluate(() =>
    fetch('/ui/signout', { method: 'POST', body: new URLSearchParams({ csrf: 'x' }) }).then((r) => r.status));
  check(after === 403, `a POST after sign-out: ${after}`);

  check(cspErrors.length === 0, `no Content-Security-Policy violation (${cspErrors.join('; ')})`);
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
  await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'PASS dashboard (browser)' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
