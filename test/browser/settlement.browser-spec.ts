import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  EXPECTED_REFUSAL,
  launch,
  login,
  newContext,
  screenshot,
  watchConsole,
} from './support/browser';
import { startWebServer, WebServer } from './support/server';

/** Last month and this month on China's calendar, `YYYY-MM`. */
const months = () => {
  const china = new Date(Date.now() + 8 * 3_600_000);
  const at = (d: number) =>
    new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() + d, 1)).toISOString().slice(0, 7);
  return { last: at(-1), current: at(0) };
};

// The city-wide settlement (通兑) page: the demo world's last month, closed by the city, with a line
// paid from 桃花园社区's fund and one left unpaid by 东升社区's empty fund; this month still open.
describe('the console: city-wide settlement', () => {
  let s: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    s = await startWebServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function desk(username: string): Promise<{ page: Page; watch: ReturnType<typeof watchConsole> }> {
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const watch = watchConsole(page, [EXPECTED_REFUSAL]);
    await login(page, s.base, username);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return { page, watch };
  }

  it('city admin: last month closed (one line paid, one unpaid); this month open and not closable yet', async () => {
    const { page, watch } = await desk('demo.city_admin');
    await page.getByTestId('menu-settlements').click();
    await page.waitForURL(/\/console\/settlements$/);
    await page.locator('[data-testid="settlement-status"][data-status="closed"]').waitFor();
    expect(await page.locator('[data-testid="settlement-line"][data-status="paid"]').count()).toBe(1);
    expect(await page.locator('[data-testid="settlement-line"][data-status="unpaid"]').count()).toBe(1);
    await page.getByText('社区资金不足').waitFor();
    expect(await page.getByTestId('settlement-close').isDisabled()).toBe(true);
    await page.getByText('蚌埠市第一人民医院').first().waitFor();
    await screenshot(page, 'console-settlements');

    // This month: open, computed from the ledger now; closing it is refused until it ends.
    const input = page.locator('[data-testid="settlement-period"] input');
    await input.fill(months().current);
    await input.press('Enter');
    await page.locator('[data-testid="settlement-status"][data-status="open"]').waitFor();
    await page.getByTestId('settlement-close').click();
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await page.getByText('该月尚未结束，不能结账').waitFor();
    await page.locator('.el-overlay.is-message-box').waitFor({ state: 'hidden' });
    await screenshot(page, 'console-settlements-open');
    const api = await s.as('demo.city_admin');
    expect((await api.get('/settlements', { period: months().last })).body.status).toBe('closed');
    watch.expectClean();
  });

  it('provider staff see what they are owed; a community administrator their own community’s lines', async () => {
    const { page, watch } = await desk('demo.hospital_staff');
    await page.goto(`${s.base}/console/settlements`);
    await page.locator('[data-testid="settlement-line"][data-status="paid"]').waitFor();
    expect(await page.getByTestId('settlement-line').count()).toBe(1);
    expect(await page.getByTestId('settlement-close').count()).toBe(0);
    watch.expectClean();

    const admin = await desk('demo.dongsheng_admin');
    await admin.page.goto(`${s.base}/console/settlements`);
    await admin.page.locator('[data-testid="settlement-line"][data-status="unpaid"]').waitFor();
    expect(await admin.page.getByTestId('settlement-line').count()).toBe(1);
    admin.watch.expectClean();
  });
});
