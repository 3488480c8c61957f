import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/harness';
import {
  DESKTOP,
  EXPECTED_REFUSAL,
  launch,
  login,
  MOBILE,
  newContext,
  screenshot,
  watchConsole,
} from './support/browser';
import { startWebServer, TAOHUAYUAN, WebServer } from './support/server';

// Appeals (申诉) and public notices (公示) on the demo world: 陈美玲 appeals her second deduction
// from her history and objects to a notice; the community admin decides it in the console (the
// staff member who deducted may not), verifies the notice chain, and finds a row changed in the
// database.
describe('appeals and public notices', () => {
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

  async function open(username: string, viewport: typeof MOBILE) {
    const page: Page = await (await newContext(browser, viewport)).newPage();
    const watch = watchConsole(page, [EXPECTED_REFUSAL]);
    await login(page, s.base, username);
    return { page, watch };
  }

  it('a resident appeals a deduction from the history, then reads, verifies and objects to the notices', async () => {
    const { page, watch } = await open('chen.meiling', MOBILE);
    await page.waitForURL(/\/m$/);
    const api = await s.as('chen.meiling');
    const lines = (await api.get('/me/transactions', { code: 'deduction' })).body.items;
    const appealed = (await api.get('/me/appeals')).body.items.map((a: any) => a.transferId);
    const free = lines.find((l: any) => !appealed.includes(l.id));
    expect(free).toBeDefined();
    await page.getByTestId('ledger-line').first().waitFor();
    await screenshot(page, 'resident-home-appeal');
    await page.getByTestId('nav-appeals').click();
    await page.waitForURL(/\/m\/appeals/);
    const line = page.locator(`[data-testid="deduction-line"][data-transfer-id="${free.id}"]`);
    await line.getByTestId('deduction-appeal').click();
    await page.locator('.van-dialog').getByRole('button', { name: '提交申诉' }).click();
    await page.getByText('请填写申诉理由').waitFor();
    await page.getByTestId('appeal-reason').locator('textarea').fill('当天我在外地，扣分记错了人');
    await page.locator('.van-dialog').getByRole('button', { name: '提交申诉' }).click();
    await line.getByTestId('deduction-appeal-status').filter({ hasText: '待处理' }).waitFor();
    const mine = (await api.get('/me/appeals')).body.items;
    expect(mine.find((a: any) => a.transferId === free.id)).toMatchObject({
      status: 'pending',
      reason: '当天我在外地，扣分记错了人',
    });
    await page.locator('.van-dialog').waitFor({ state: 'hidden' });
    await page.getByText('申诉已提交，等待工作人员处理').waitFor({ state: 'hidden' });
    await screenshot(page, 'resident-appeals');

    await page.goto(`${s.base}/m/notices`);
    await page.getByTestId('notice').first().waitFor();
    await page.getByTestId('notices-verify').click();
    await page.locator('[data-testid="notices-verdict"][data-ok="true"]').waitFor();
    const first = page.getByTestId('notice').first();
    const seq = Number(await first.getAttribute('data-seq'));
    await first.getByTestId('notice-object').click();
    await page.getByTestId('objection-reason').locator('textarea').fill('这条公示的时间不对');
    await page.locator('.van-dialog').getByRole('button', { name: '提交' }).click();
    await page.getByText('异议已提交').waitFor();
    const staff = await s.as('demo.community_staff');
    const objections = (
      await staff.get(`/communities/${TAOHUAYUAN}/notices/objections`, { seq: String(seq) })
    ).body.items;
    expect(objections.map((o: any) => o.reason)).toContain('这条公示的时间不对');
    await page.locator('.van-dialog').waitFor({ state: 'hidden' });
    await page.getByText('异议已提交').waitFor({ state: 'hidden' });
    await screenshot(page, 'resident-notices');
    watch.expectClean();
  });

  it('a deduction on the home page has an appeal action that opens the appeals page', async () => {
    const { page, watch } = await open('sun.jianjun', MOBILE);
    await page.waitForURL(/\/m$/);
    const button = page.getByTestId('ledger-appeal').first();
    await button.waitFor();
    await screenshot(page, 'resident-home-deduction');
    await button.click();
    await page.waitForURL(/\/m\/appeals\?transfer=/);
    // 孙建军 appealed this deduction already (the demo world): the page shows the appeal pending.
    await page.getByTestId('deduction-appeal-status').filter({ hasText: '待处理' }).first().waitFor();
    watch.expectClean();
  });

  it('the deducting staff member cannot decide; the community admin upholds; the notice chain verifies, and a changed row is found', async () => {
    const deducter = await open('demo.community_staff', DESKTOP);
    await deducter.page.getByTestId('menu-appeals').click();
    await deducter.page.getByTestId('appeal-row').first().waitFor();
    await deducter.page.getByTestId('appeal-decide').first().click();
    await deducter.page.getByTestId('appeal-confirm').click();
    await deducter.page.getByTestId('appeal-error').filter({ hasText: '不能审核' }).waitFor();
    deducter.watch.expectClean();

    const { page, watch } = await open('demo.community_admin', DESKTOP);
    await page.getByTestId('menu-appeals').click();
    await page.getByTestId('appeal-row').first().waitFor();
    const admin = await s.as('demo.community_admin');
    const pending = (await admin.get('/appeals', { communityId: TAOHUAYUAN, status: 'pending' })).body.items;
    const rows = () => page.getByTestId('appeal-row').count();
    expect(await rows()).toBe(pending.length);
    await screenshot(page, 'console-appeals');
    const id = await page.getByTestId('appeal-row').first().getAttribute('data-appeal-id');
    await page.getByTestId('appeal-decide').first().click();
    await page.getByTestId('appeal-comment').fill('经核实，当天本人不在小区，扣分撤销');
    await page.getByTestId('appeal-confirm').click();
    await waitFor(rows, (n) => n === pending.length - 1, { what: 'the decided appeal to leave the list' });
    expect((await admin.get(`/appeals/${id}`)).body).toMatchObject({
      status: 'upheld',
      decidedBy: expect.any(String),
    });

    await page.getByTestId('menu-notices').click();
    await page.getByTestId('notice-row').first().waitFor();
    const newest = Number(await page.getByTestId('notice-row').first().getAttribute('data-seq'));
    const decision = (await admin.get(`/communities/${TAOHUAYUAN}/notices`, { limit: '1' })).body.items[0];
    expect(decision).toMatchObject({ seq: newest, kind: 'appeal_decision', refId: id });
    await page.getByTestId('notices-verify').click();
    await page.locator('[data-testid="notices-verdict"][data-ok="true"]').waitFor();
    await screenshot(page, 'console-notices-verified');

    await s.t.sql(
      "UPDATE notices SET summary = CONCAT(summary, '（改）') WHERE community_id = ? AND seq = 5",
      [TAOHUAYUAN],
    );
    await page.getByTestId('notices-verify').click();
    await page
      .locator('[data-testid="notices-verdict"][data-ok="false"]')
      .filter({ hasText: '第 5 条' })
      .waitFor();
    await screenshot(page, 'console-notices-broken');
    watch.expectClean();
  });

  it('a street officer reads their community’s log; a city admin picks a community, and each chain is verified on its own', async () => {
    const officer = await open('demo.street_officer', DESKTOP);
    await officer.page.getByTestId('menu-notices').click();
    await officer.page.getByTestId('notice-row').first().waitFor();
    // 小蚌埠镇 has one community: no choice to make.
    expect(await officer.page.getByTestId('notices-community').count()).toBe(0);
    const api = await s.as('demo.street_officer');
    const newest = (await api.get(`/communities/${TAOHUAYUAN}/notices`, { limit: '1' })).body.items[0];
    expect(Number(await officer.page.getByTestId('notice-row').first().getAttribute('data-seq'))).toBe(
      newest.seq,
    );
    officer.watch.expectClean();

    const { page, watch } = await open('demo.city_admin', DESKTOP);
    await page.getByTestId('menu-notices').click();
    const picker = page.locator('.el-select[data-testid=notices-community]');
    await picker.click();
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '桃花园社区' }).click();
    await page.getByTestId('notice-row').first().waitFor();
    // The previous test changed notice 5 of 桃花园社区 in the database.
    await page.getByTestId('notices-verify').click();
    await page
      .locator('[data-testid="notices-verdict"][data-ok="false"]')
      .filter({ hasText: '第 5 条' })
      .waitFor();
    await picker.click();
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '东升社区' }).click();
    await page.getByTestId('notices-verdict').waitFor({ state: 'hidden' });
    const city = await s.as('demo.city_admin');
    const dongsheng = (await city.get('/regions/tree')).body;
    const find = (nodes: any[]): any =>
      nodes.find((n) => n.name === '东升社区') ?? nodes.map((n) => find(n.children ?? [])).find(Boolean);
    const theirs = (await city.get(`/communities/${find(dongsheng).id}/notices`, { limit: '100' })).body
      .items;
    await waitFor(
      () => page.getByTestId('notice-row').count(),
      (n) => n === theirs.length,
      { what: '东升社区’s notices' },
    );
    await page.getByTestId('notices-verify').click();
    await page.locator('[data-testid="notices-verdict"][data-ok="true"]').waitFor();
    await screenshot(page, 'console-notices-city');
    watch.expectClean();
  });
});
