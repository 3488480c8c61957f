import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launch, login, MOBILE, newContext, screenshot, watchConsole } from './support/browser';
import { startWebServer, WebServer } from './support/server';

// Mutual aid (时间储蓄) and the household view on the demo world, on a phone (375×812): the person
// helped confirms the volunteer's work, a volunteer claims and completes an open request, and a
// resident gives points to a member of her household. At the desk (1366×768), the grid worker asks
// for a resident who cannot use a phone and confirms the help for him.
describe('mutual aid and households on a phone', () => {
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

  /** Screenshots once toasts and dialogs are gone. */
  async function settledShot(page: Page, name: string): Promise<void> {
    await page.locator('.van-toast:visible, .van-overlay:visible').first().waitFor({ state: 'hidden' });
    await screenshot(page, name);
  }

  async function as(
    username: string,
    viewport = MOBILE,
  ): Promise<{ page: Page; watch: ReturnType<typeof watchConsole> }> {
    const page = await (await newContext(browser, viewport)).newPage();
    const watch = watchConsole(page);
    await login(page, s.base, username);
    return { page, watch };
  }

  it('the person helped confirms from the Me page: the volunteer is credited the minutes', async () => {
    const { page, watch } = await as('zhu.baolin');
    await page.goto(`${s.base}/m/me`);
    await page.getByTestId('nav-mutual-aid').click();
    await page.waitForURL(/\/m\/mutual-aid$/);
    await page.getByTestId('time-minutes').filter({ hasText: /^\d+$/ }).waitFor();
    await page.getByRole('tab', { name: '与我有关' }).click();
    const card = page.locator('[data-testid=aid-request][data-status=completed]');
    await card.getByTestId('aid-confirm').filter({ hasText: '确认完成（100 分钟）' }).click();
    await page.locator('[data-testid=aid-request][data-status=confirmed]').first().waitFor();
    const volunteer = await s.as('lin.xiaolong');
    expect((await volunteer.get('/me/time-account')).body).toMatchObject({ minutes: 100, heldMinutes: 0 });
    watch.expectClean();
  });

  it('a volunteer claims an open request and completes it', async () => {
    const { page, watch } = await as('yang.ming');
    await page.goto(`${s.base}/m/mutual-aid`);
    // Other residents see the person helped masked, as on the public boards; the volunteer, once
    // the request is theirs, sees the name in full.
    const open = page.locator('[data-testid=aid-request][data-status=open]').filter({ hasText: '罗*福' });
    await open.waitFor();
    expect(await page.getByText('罗永福').count()).toBe(0);
    await screenshot(page, 'mutual-aid-open');
    await open.getByTestId('aid-claim').click();
    const claimed = page
      .locator('[data-testid=aid-request][data-status=claimed]')
      .filter({ hasText: '罗永福' });
    await claimed.waitFor();
    await claimed.getByTestId('aid-complete').click();
    await page
      .locator('[data-testid=aid-request][data-status=completed]')
      .filter({ hasText: '罗大爷' })
      .waitFor();
    await settledShot(page, 'mutual-aid-mine');
    watch.expectClean();
  });

  it('a resident asks for help paid with her stored time', async () => {
    const { page, watch } = await as('chen.meiling');
    await page.goto(`${s.base}/m/mutual-aid`);
    await page.getByTestId('time-minutes').filter({ hasText: '30' }).waitFor();
    await page.getByRole('tab', { name: '我要求助' }).click();
    await page.getByText('代购药品').click();
    await page.getByTestId('aid-description').locator('textarea').fill('帮忙去药店买感冒药');
    await page.getByTestId('aid-ask-minutes').locator('input').fill('30');
    await page.getByTestId('aid-pay').click();
    await page.getByTestId('aid-submit').click();
    await page
      .locator('[data-testid=aid-request][data-status=open]:visible')
      .filter({ hasText: '感冒药' })
      .first()
      .waitFor();
    const api = await s.as('chen.meiling');
    const mine = (await api.get('/mutual-aid/requests', { status: 'open' })).body.items.filter(
      (r: any) => r.description === '帮忙去药店买感冒药',
    );
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'medicine_purchase', minutes: 30, payWithStoredTime: true }),
    ]);
    watch.expectClean();
  });

  it('the household view: members, earnings, credit level, and a gift of points', async () => {
    const { page, watch } = await as('demo.resident');
    await page.goto(`${s.base}/m/me`);
    await page.getByTestId('nav-household').click();
    await page.waitForURL(/\/m\/household$/);
    await page.getByTestId('household-member').first().waitFor();
    expect(await page.getByTestId('household-member').count()).toBe(2);
    const api = await s.as('demo.resident');
    const before = (await api.get('/households/THY-0101')).body;
    const husband = before.members.find((m: any) => m.displayName === '王建国');
    await page.getByTestId('gift-amount').locator('input').fill('5');
    await page.getByTestId('gift-submit').click();
    await page.getByRole('button', { name: '确认赠送' }).last().click();
    await page.getByText('赠送成功').waitFor();
    const after = (await api.get('/households/THY-0101')).body;
    expect(after.members.find((m: any) => m.residentId === husband.residentId).available).toBe(
      husband.available + 5,
    );
    await page
      .getByTestId('household-member')
      .filter({ hasText: '王建国' })
      .filter({ hasText: `${husband.available + 5} 积分` })
      .waitFor();
    await settledShot(page, 'household');
    watch.expectClean();
  });

  it("the grid worker asks for a resident at the desk, and confirms the volunteer's work for him", async () => {
    const { page, watch } = await as('demo.grid_worker', DESKTOP);
    await page.goto(`${s.base}/console/mutual-aid`);
    await page.getByTestId('aid-row').first().waitFor();
    // Staff see every stage of the demo world's requests, names in full.
    await page.getByTestId('aid-row').filter({ hasText: '罗永福' }).waitFor();
    await page.getByTestId('aid-ask-open').click();
    const dialog = page.locator('.el-dialog');
    await dialog.getByTestId('aid-resident').click();
    await page.keyboard.type('梁晓东');
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '梁晓东' }).click();
    await dialog.getByText('代购药品').click();
    await dialog.getByTestId('aid-description').fill('帮梁晓东去药店取降压药');
    await dialog.locator('.el-input-number[data-testid=aid-minutes] input').fill('45');
    await screenshot(page, 'console-mutual-aid-ask');
    await dialog.getByTestId('aid-submit').click();
    const row = page.locator('.el-table__body tr').filter({ hasText: '帮梁晓东去药店取降压药' });
    await row.filter({ has: page.locator('[data-testid=aid-row][data-status=open]') }).waitFor();
    await row.getByText('网格员代发').waitFor();

    const grid = await s.as('demo.grid_worker');
    const asked = (await grid.get('/mutual-aid/requests', { status: 'open' })).body.items.find(
      (r: any) => r.description === '帮梁晓东去药店取降压药',
    );
    expect(asked).toMatchObject({ kind: 'medicine_purchase', minutes: 45, proxy: true });
    const volunteer = await s.as('yang.ming');
    const before = (await volunteer.get('/me/time-account')).body.minutes;
    expect((await volunteer.post(`/mutual-aid/requests/${asked.id}/claim`)).status).toBe(200);
    expect((await volunteer.post(`/mutual-aid/requests/${asked.id}/complete`, { minutes: 50 })).status).toBe(
      200,
    );

    await page.getByTestId('aid-filter').getByText('待确认').click();
    const done = page.locator('.el-table__body tr').filter({ hasText: '帮梁晓东去药店取降压药' });
    await done.getByTestId('aid-confirm').click();
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await done.filter({ has: page.locator('[data-testid=aid-row][data-status=confirmed]') }).waitFor();
    expect((await volunteer.get('/me/time-account')).body.minutes).toBe(before + 50);
    await page.locator('.el-message:visible, .el-overlay:visible').first().waitFor({ state: 'hidden' });
    await screenshot(page, 'console-mutual-aid');
    watch.expectClean();
  });
});
