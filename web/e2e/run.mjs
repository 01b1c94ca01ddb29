// The browser test: playwright-core driving Debian's Chromium against a real `minicrm serve` on a fresh
// database. It signs in with the one-time link (the button of its page), imports customers and orders
// from CSV, builds a segment from a sentence and adjusts it while the count follows, composes and
// launches a campaign with an AI variant, watches it complete in the history, and opens its detail and
// summary; last, the API's docs page renders every operation. It saves a screenshot of each page under
// docs/screenshots (and a phone-sized one of the composer), and checks with axe-core that every control
// on each page has an accessible name.
//
// MINICRM_BIN: the minicrm binary (default ../target/debug/minicrm), whose own UI is tested (build it
// after the UI: scripts/test does), unless MINICRM_WEB_DIR names a built UI to serve instead; CHROMIUM:
// the browser (default /usr/bin/chromium); E2E_SCREENSHOTS=0 skips writing screenshots.

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { demoCsv, startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const shots = join(root, 'docs', 'screenshots');
const binary = process.env.MINICRM_BIN ?? join(root, 'target', 'debug', 'minicrm');
const saveShots = process.env.E2E_SCREENSHOTS !== '0';

function check(condition, message) {
  if (!condition) throw new Error(`e2e: ${message}`);
}

async function until(what, fn, timeoutMs = 60_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`e2e: timed out waiting for ${what} (last: ${last})`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const unlabelled = [];

/** Every control on the page has an accessible name (axe-core's naming rules). */
async function checkLabels(page, name) {
  // Through the debugger protocol, which the page's CSP rightly does not let a script tag do.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'rule', values: ['label', 'button-name', 'link-name', 'select-name', 'aria-input-field-name', 'image-alt', 'aria-toggle-field-name'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  unlabelled.push(...violations.map((v) => `${name}: ${v}`));
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await checkLabels(page, name);
  if (!saveShots) return;
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

async function importCsv(page, kind, name, text) {
  await page.goto(new URL('/import', page.url()).href);
  await page.locator('label', { hasText: kind === 'customers' ? /^Customers$/ : /^Orders$/ }).click();
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: `Import ${kind}` }).click();
  await page.getByText('completed', { exact: true }).first().waitFor({ timeout: 60_000 });
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const server = await startServer({ binary });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-IN', timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    // The signed-out first visit asks /api/v1/me and gets its expected 401.
    page.on('console', (m) => m.type() === 'error' && !/status of 40[14]/.test(m.text()) && errors.push(`console: ${m.text()}`));

    // The sign-in page in local mode, then the one-time link.
    await page.goto(server.url);
    await page.getByText('minicrm login-link').waitFor();
    await shot(page, 'sign-in');
    // Opening the link spends nothing (a link preview may open it too): its page's button signs in.
    await page.goto(server.link);
    await checkLabels(page, 'sign-in-link');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    check(new URL(page.url()).pathname === '/', `signed in to ${page.url()}`);

    // Import customers (two rows are refused, with their reasons) and their orders.
    const csv = demoCsv();
    await importCsv(page, 'customers', 'customers.csv', csv.customers);
    const refused = page.getByRole('table', { name: 'Rows that failed' });
    await refused.waitFor();
    check((await refused.locator('tbody tr').count()) === 2, 'two refused rows listed');
    await shot(page, 'import');
    await importCsv(page, 'orders', 'orders.csv', csv.orders);

    // Customers and one customer's detail.
    await page.goto(`${server.url}/customers`);
    await page.getByRole('link', { name: /Asha|Ravi|Meera|Arjun/ }).first().waitFor();
    await shot(page, 'customers');
    await page.getByRole('link', { name: /Asha|Ravi|Meera|Arjun/ }).first().click();
    await page.getByRole('heading', { name: 'Recent orders' }).waitFor();
    await shot(page, 'customer');

    // A segment from a sentence, then adjusted by hand: the count follows.
    await page.goto(`${server.url}/segments/new`);
    await page.getByLabel('Describe the audience in plain language').fill('customers from Mumbai or Pune who spent over ₹2,000 and love cricket');
    await page.getByRole('button', { name: 'Build rules' }).click();
    await page.getByText('love cricket').first().waitFor();
    const count = page.getByTestId('audience-count');
    const first = await until('an audience count', async () => (await count.textContent())?.trim());
    // Adjust it by hand in the builder: a higher spend threshold, a smaller audience.
    const spend = page.getByLabel('Total spend value');
    await spend.fill('5000');
    await spend.blur();
    const second = await until('the count to change', async () => {
      const text = (await count.textContent())?.trim();
      return text && text !== first ? text : null;
    });
    check(Number(second.replace(/,/g, '')) < Number(first.replace(/,/g, '')), `spend over ₹5,000 (${second}) is fewer than over ₹2,000 (${first})`);
    await page.getByLabel('Name').fill('Mumbai and Pune big spenders');
    await shot(page, 'segment-editor');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/\/segments$/);
    await page.getByRole('link', { name: 'Mumbai and Pune big spenders' }).first().waitFor();
    await shot(page, 'segments');

    // Compose and launch a campaign with an AI variant.
    await page.goto(`${server.url}/campaigns/new`);
    await page.getByRole('textbox', { name: 'Name' }).fill('Festive hello');
    await page.getByRole('combobox', { name: 'Objective' }).fill('festive sale');
    await page.getByRole('combobox', { name: 'Objective' }).press('Escape');
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: /Mumbai and Pune big spenders/ }).click();
    await page.getByTestId('audience-count').waitFor();
    await page.getByRole('button', { name: 'Write three variants' }).click();
    await page.getByRole('button', { name: 'Use the Personal variant' }).click();
    const message = await page.getByRole('textbox', { name: 'Message' }).inputValue();
    check(message.includes('{{first_name'), `the variant filled the message: ${message}`);
    await shot(page, 'composer');
    await page.setViewportSize({ width: 390, height: 844 });
    // Let the navigation bar finish folding away.
    await page.waitForTimeout(1000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'composer-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'Launch campaign' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const detailUrl = page.url();

    // It completes in the history, which refreshes itself.
    await page.goto(`${server.url}/campaigns`);
    const row = page.getByRole('row', { name: /Festive hello/ });
    await until('the campaign to complete in the history', async () => (await row.textContent())?.includes('completed'), 120_000);
    await shot(page, 'campaigns');

    // Its detail and summary.
    await page.goto(detailUrl);
    await page.getByText(/delivery rate is/i).first().waitFor({ timeout: 30_000 });
    await shot(page, 'campaign-detail');

    // The dashboard and the settings.
    await page.goto(server.url);
    await page.getByText('Revenue').first().waitFor();
    await shot(page, 'dashboard');
    await page.goto(`${server.url}/settings`);
    await page.getByRole('tab').first().waitFor();
    await shot(page, 'settings');

    // The API's docs page: Swagger UI built into the binary, under the app's CSP, listing every
    // operation of the document. Its controls are Swagger UI's, not ours to name: no label check.
    await page.goto(`${server.url}/api/docs`);
    await page.locator('.opblock').first().waitFor();
    const operations = await page.locator('.opblock').count();
    check(operations >= 40, `the docs page lists the operations (${operations})`);
    if (saveShots) await page.screenshot({ path: join(shots, 'api-docs.png') });

    check(errors.length === 0, `the pages logged errors:\n${errors.join('\n')}`);
    check(unlabelled.length === 0, `controls without an accessible name:\n${unlabelled.join('\n')}`);
    console.log('e2e: passed');
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
