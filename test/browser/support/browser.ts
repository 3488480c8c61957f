import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser). */
export const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium quiet and deterministic in a container (stack-notes.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const MOBILE = { width: 375, height: 812 };
export const DESKTOP = { width: 1366, height: 768 };
export const RESULTS_DIR = join(__dirname, '..', '..', '..', 'test-results');

export function launch(extraArgs: string[] = [], opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs], ...opts });
}

export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = MOBILE,
  extra: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
    ...extra,
  });
  ctx.setDefaultTimeout(20_000);
  return ctx;
}

/**
 * Collects what a page says went wrong: console errors and uncaught exceptions. `expectClean()`
 * fails the test with them; expected 4xx answers of the API show as console errors of the browser
 * ("Failed to load resource") and are allowed only when listed.
 */
export function watchConsole(page: Page, allow: RegExp[] = []) {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = `${m.text()} ${m.location()?.url ?? ''}`;
    if (!allow.some((re) => re.test(text))) problems.push(`console: ${text}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return {
    problems,
    expectClean: () => expect(problems).toEqual([]),
  };
}

/** An API answer the page expects to be refused (a 4xx the UI explains): allowed in the console. */
export const EXPECTED_REFUSAL = /Failed to load resource: the server responded with a status of 4\d\d/;

export async function login(
  page: Page,
  base: string,
  username: string,
  password = 'demo12345',
): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Writes a file of figures next to the screenshots (test-results/). */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, name);
  writeFileSync(path, JSON.stringify(data, null, 2));
  return path;
}
