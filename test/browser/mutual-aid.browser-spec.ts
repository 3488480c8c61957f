import type { Browser, Page } from 'playwright-core';
import { launch, login, MOBILE, newContext, screenshot, watchConsole } from './support/browser';
import { startWebServer, WebServer } from './support/server';

// Mutual aid (时间储蓄) and the household view on the demo world, on a phone (375×812): the person
// helped confirms the volunteer's work, a volunteer claims and completes an open request, and a
// resident gives points to a member of her household.
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

  async function as(username: string): Promise<{ page: Page; watch: ReturnType<typeof watchConsole> }> {
    const page = await (await newContext(browser, MOBILE)).newPage();
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
    const open = page.locator('[data-testid=aid-request][data-status=open]').filter({ hasText: '罗大爷' });
    await open.waitFor();
    await screenshot(page, 'mutual-aid-open');
    await open.getByTestId('aid-claim').click();
    const claimed = page
      .locator('[data-testid=aid-request][data-status=claimed]')
      .filter({ hasText: '罗大爷' });
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
});
