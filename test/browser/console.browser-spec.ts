import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/harness';
import {
  DESKTOP,
  EXPECTED_REFUSAL,
  launch,
  login,
  newContext,
  screenshot,
  watchConsole,
} from './support/browser';
import { startWebServer, TAOHUAYUAN, WebServer } from './support/server';

// The desk (1366×768): community staff keep the rule book, award points, review declarations, run
// the supermarket and the funds; the community admin imports residents; the street officer reviews
// funding reports (and only the street officer sees the approve button).
const RICE = '8c1c0649-3efc-518a-9fb9-9d4cf3a113c7'; // 大米 5kg, the community supermarket

describe('the console', () => {
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
    await page.waitForURL(/\/console\//);
    return { page, watch };
  }

  it('community staff: pending declarations (proxy ones marked), approve one, reject one with a reason', async () => {
    const { page, watch } = await desk('demo.community_staff');
    await page.waitForURL(/\/console\/declarations$/);
    await page.getByTestId('declaration-row').first().waitFor();
    expect(await page.getByTestId('declaration-proxy').count()).toBeGreaterThan(0);
    const staff = await s.as('demo.community_staff');
    const pending = (await staff.get('/declarations', { status: 'pending' })).body.items;
    const rows = () => page.getByTestId('declaration-row').count();
    expect(await rows()).toBe(pending.length);

    const first = page.locator('.el-table__body tr').first();
    const firstId = await first.getByTestId('declaration-row').getAttribute('data-declaration-id');
    await first.getByTestId('declaration-approve').click();
    await page.locator('.el-message-box').getByRole('button', { name: '通过' }).click();
    await waitFor(rows, (n) => n === pending.length - 1, { what: 'one row fewer' });
    expect((await staff.get(`/declarations/${firstId}`)).body.status).toBe('approved');

    const next = page.locator('.el-table__body tr').first();
    const nextId = await next.getByTestId('declaration-row').getAttribute('data-declaration-id');
    await next.getByTestId('declaration-reject').click();
    await page.getByTestId('reject-confirm').click();
    await page.getByText('请填写驳回理由').waitFor();
    expect((await staff.get(`/declarations/${nextId}`)).body.status).toBe('pending');
    await page.getByTestId('reject-reason').fill('日期与活动记录不符');
    await page.getByTestId('reject-confirm').click();
    await waitFor(rows, (n) => n === pending.length - 2, { what: 'two rows fewer' });
    expect((await staff.get(`/declarations/${nextId}`)).body).toMatchObject({
      status: 'rejected',
      rejectReason: '日期与活动记录不符',
    });
    // The dialog has closed (its fade-out finished) before the picture is taken.
    await page.getByTestId('reject-reason').waitFor({ state: 'hidden' });
    await screenshot(page, 'console-declarations');
    watch.expectClean();
  });

  it('community staff: the rule book as a tree; award a resident found by name, confirmed once', async () => {
    const { page, watch } = await desk('demo.community_staff');
    await page.getByTestId('menu-rules').click();
    await page.getByTestId('rule-points').first().waitFor();
    expect(await page.getByTestId('rule-tree').getByText('认领树木/植树护绿').count()).toBe(1);

    await page.getByTestId('menu-award').click();
    await page.getByTestId('award-submit').click();
    await page.getByText('请选择居民').waitFor();
    await page.getByText('请选择积分事项').waitFor();

    const staff = await s.as('demo.community_staff');
    const wang = (await staff.get('/residents', { q: '王建国' })).body.items[0];
    const before = (await (await s.as('wang.jianguo')).get('/me/wallet')).body.available;
    const awardsOf = async () =>
      Number(
        (
          await s.t.sql(
            `SELECT COUNT(*) n FROM transfers WHERE code = 'award' AND credit_account_id = (SELECT id FROM accounts WHERE kind = 'wallet' AND owner_id = ?)`,
            [wang.id],
          )
        )[0].n,
      );
    const awardsBefore = await awardsOf();

    await page.locator('.el-select[data-testid=award-resident]').click();
    await page.keyboard.type('王建国');
    await page.locator('.el-select-dropdown__item').filter({ hasText: '王建国' }).click();
    await page.locator('.el-select[data-testid=award-rule]').click();
    await page
      .locator('.el-tree-select__popper .el-tree-node__content')
      .filter({ hasText: '基层治理' })
      .first()
      .click();
    await page
      .locator('.el-tree-select__popper .el-tree-node__content')
      .filter({ hasText: '环境整治' })
      .first()
      .click();
    await page
      .locator('.el-tree-select__popper .el-tree-node__content')
      .filter({ hasText: '认领树木/植树护绿' })
      .click();
    await page.getByTestId('award-note').fill('参加春季植树');
    await page.getByTestId('award-submit').click();
    const box = page.locator('.el-message-box');
    await box.getByText('为 王建国 加 2 分').waitFor();
    await box.getByRole('button', { name: '确定' }).dblclick();
    await page.getByText('已为 王建国 加 2 分').waitFor();
    const after = (await (await s.as('wang.jianguo')).get('/me/wallet')).body.available;
    expect(after).toBe(before + 2);
    expect(await awardsOf()).toBe(awardsBefore + 1);
    watch.expectClean();
  });

  it('community staff: restock a supermarket listing; record a donation (bad amount refused first) and an expense', async () => {
    const { page, watch } = await desk('demo.community_staff');
    await page.getByTestId('menu-listings').click();
    const row = page
      .locator('.el-table__body tr')
      .filter({ has: page.locator(`[data-listing-id="${RICE}"]`) })
      .first();
    await row.waitFor();
    const stock = Number(await row.getByTestId('listing-stock').textContent());
    await row.getByTestId('listing-restock').click();
    await page.getByTestId('restock-qty').locator('input').fill('15');
    await page.getByTestId('restock-confirm').click();
    await row
      .getByTestId('listing-stock')
      .filter({ hasText: String(stock + 15) })
      .waitFor();

    await page.getByTestId('menu-funds').click();
    const balance = async () =>
      (await (await s.as('demo.community_staff')).get(`/communities/${TAOHUAYUAN}/funds`)).body
        .fundBalanceFen;
    const start = await balance();
    await page.getByTestId('donation-donor').fill('爱心企业');
    await page.getByTestId('donation-amount').fill('-5');
    await page.getByTestId('donation-submit').click();
    await page.getByText('请输入大于 0 的金额').first().waitFor();
    expect(await balance()).toBe(start);
    await page.getByTestId('donation-amount').fill('1000');
    await page.getByTestId('donation-submit').click();
    await page.getByText('捐赠已登记').waitFor();
    await waitFor(balance, (b) => b === start + 100_000, { what: 'the donation in the fund' });

    await page.getByTestId('expense-purpose').fill('采购大米');
    await page.getByTestId('expense-amount').fill('200.50');
    await page.getByTestId('expense-submit').click();
    await page.getByText('支出已登记').waitFor();
    await waitFor(balance, (b) => b === start + 100_000 - 20_050, { what: 'the expense out of the fund' });
    const shown = ((start + 100_000 - 20_050) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 });
    await page.getByTestId('fund-balance').filter({ hasText: shown }).waitFor();
    watch.expectClean();
  });

  it('the community admin imports a household register: per-row errors and nothing imported, then a clean file', async () => {
    const { page, watch } = await desk('demo.community_admin');
    await page.getByTestId('menu-import').click();
    await page.getByTestId('import-submit').click();
    await page.getByText('请先选择文件').waitFor();
    const bad =
      '姓名,户号,用户名,手机号,出生日期\n钱多多,THY-0701,qian.duoduo,13900000001,1990-13-01\n,THY-0702,wu.ming,13900000002,1991-01-01\n';
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-errors').waitFor();
    expect(await page.getByTestId('import-error-row').count()).toBeGreaterThanOrEqual(2);
    expect(
      Number(
        (await s.t.sql(`SELECT COUNT(*) n FROM users WHERE username IN ('qian.duoduo', 'wu.ming')`))[0].n,
      ),
    ).toBe(0);
    const good = '姓名,户号,用户名,手机号,出生日期\n钱多多,THY-0701,qian.duoduo,13900000001,1990-12-01\n';
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-done').getByText('已导入 1 位居民').waitFor();
    expect(Number((await s.t.sql(`SELECT COUNT(*) n FROM users WHERE username = 'qian.duoduo'`))[0].n)).toBe(
      1,
    );
    watch.expectClean();
  });

  it('funding reports: a community admin sees no approve button; the street officer sees the charts and approves, the trail records it', async () => {
    const officer = await s.as('demo.street_officer');
    const report = (await officer.get('/funding-reports')).body.items.find(
      (r: any) => r.reviewStatus === 'submitted',
    );
    expect(report).toBeDefined();

    const admin = await desk('demo.community_admin');
    await admin.page.getByTestId('menu-reports').click();
    await admin.page.locator(`[data-testid=report-row][data-report-id="${report.id}"]`).click();
    await admin.page.getByTestId('report-chart').locator('canvas').waitFor();
    await admin.page.getByTestId('report-review-status').waitFor();
    expect(await admin.page.getByTestId('report-approve').count()).toBe(0);
    admin.watch.expectClean();

    const { page, watch } = await desk('demo.street_officer');
    await page.waitForURL(/\/console\/reports$/);
    await page.getByTestId('report-row').first().waitFor();
    await page.locator(`[data-testid=report-row][data-report-id="${report.id}"]`).click();
    await page.waitForURL(new RegExp(`/console/reports/${report.id}$`));
    await page.getByTestId('report-chart').locator('canvas').waitFor();
    await page.getByTestId('report-chart-points').locator('canvas').waitFor();
    await page.getByTestId('figure-redemptionRate').waitFor();
    await screenshot(page, 'console-report', true);

    // Returning needs a comment; approving does not.
    await page.getByTestId('report-return').click();
    await page.getByText('请填写审核意见').waitFor();
    expect((await officer.get(`/funding-reports/${report.id}`)).body.reviewStatus).toBe('submitted');
    await page.getByTestId('report-comment').fill('资金来源清楚，同意。');
    await page.getByTestId('report-approve').click();
    await page.locator('[data-testid=report-review-status][data-review-status=approved]').waitFor();
    await page.getByTestId('review-entry').filter({ hasText: '资金来源清楚，同意。' }).waitFor();
    expect(await page.getByTestId('report-approve').count()).toBe(0);
    const after = (await officer.get(`/funding-reports/${report.id}`)).body;
    expect(after.reviewStatus).toBe('approved');
    expect(after.reviews.map((r: any) => r.action)).toEqual(['submit', 'approve']);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    watch.expectClean();
  });
});
