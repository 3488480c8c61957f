/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/harness';
import {
  EXPECTED_REFUSAL,
  launch,
  login,
  MOBILE,
  newContext,
  screenshot,
  watchConsole,
} from './support/browser';
import { decodePng, writeQrY4m } from './support/qr';
import { startWebServer, WebServer } from './support/server';

// The resident's mobile journeys on the demo world (375×812), and the merchant who redeems the
// resident's voucher with the counter's camera (Chromium's fake capture device playing the QR).
const PILLOW = '39e4de4f-81dc-5dc3-8126-e26ecf1ff528'; // 文创抱枕, 惠民超市, 120 points
const RICE = '8c1c0649-3efc-518a-9fb9-9d4cf3a113c7'; // 大米 5kg, community supermarket, 50 points
const CHECKUP = '3545e1c2-7295-54c6-9cc7-6ffc6c839aaa'; // 免费体检, 1 a year: already used by the demo resident

describe('the resident on a phone, and the counter camera', () => {
  let s: WebServer;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchConsole>;
  let voucher: { orderId: string; code: string };

  beforeAll(async () => {
    s = await startWebServer({ env: { PASS_TTL_SECONDS: '12' } });
    browser = await launch();
    page = await (await newContext(browser, MOBILE)).newPage();
    watch = watchConsole(page, [EXPECTED_REFUSAL]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('login: empty fields and a wrong password get their messages; then the home page shows the wallet', async () => {
    await page.goto(`${s.base}/m`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-submit').click();
    await expect(page.getByText('请输入用户名').isVisible()).resolves.toBe(true);
    await expect(page.getByText('请输入密码').isVisible()).resolves.toBe(true);
    await page.getByTestId('login-username').fill('demo.resident');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByText('用户名或密码错误').waitFor();
    await page.getByTestId('login-password').fill('demo12345');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/m$/);

    const api = await s.as('demo.resident');
    const wallet = (await api.get('/me/wallet')).body;
    await page.getByTestId('wallet-available').filter({ hasText: /^\d+$/ }).waitFor();
    expect(Number(await page.getByTestId('wallet-available').textContent())).toBe(wallet.available);
    expect(Number(await page.getByTestId('wallet-held').textContent())).toBe(wallet.held);
    expect(Number(await page.getByTestId('wallet-total').textContent())).toBe(wallet.balance);
    expect(await page.getByTestId('ledger-line').count()).toBeGreaterThan(2);
    await page.getByText('信用等级 AAA').waitFor();
  });

  it('the mall: by kind, by search, with why a listing cannot be ordered', async () => {
    await page.getByTestId('nav-mall').click();
    await page.waitForURL(/\/m\/mall$/);
    await page.getByTestId('listing-card').first().waitFor();
    expect(await page.getByTestId('listing-card').count()).toBe(8);
    // The demo resident had her yearly check-up already: the card says why it cannot be ordered.
    const checkup = page.locator(`[data-testid=listing-card][data-listing-id="${CHECKUP}"]`);
    await checkup.locator('[data-testid=listing-why]').filter({ hasText: '已达兑换次数上限' }).waitFor();
    await expect(checkup.getAttribute('data-orderable')).resolves.toBe('false');
    await screenshot(page, 'resident-mall');

    await page.getByRole('tab', { name: '生活物品' }).click();
    await waitFor(
      () => page.getByTestId('listing-card').count(),
      (n) => n === 3,
      { what: 'three goods' },
    );
    await page.getByRole('tab', { name: '全部' }).click();
    await page.getByTestId('mall-search').locator('input').fill('抱枕');
    await page.getByTestId('mall-search').locator('input').press('Enter');
    await waitFor(
      () => page.getByTestId('listing-card').count(),
      (n) => n === 1,
      { what: 'one hit' },
    );
    await page.getByTestId('mall-search').locator('input').fill('没有这种东西');
    await page.getByTestId('mall-search').locator('input').press('Enter');
    await page.getByText('没有找到“没有这种东西”相关的商品').waitFor();
    await page.getByTestId('mall-search').locator('input').fill('');
    await page.getByTestId('mall-search').locator('input').press('Enter');
    await page.getByTestId('listing-card').nth(7).waitFor();
  });

  it('orders with a confirmation: a double tap places one order, pending turns ready by itself, the QR decodes to the API’s code', async () => {
    const api = await s.as('demo.resident');
    const before = await s.t.sql('SELECT COUNT(*) n FROM orders WHERE listing_id = ?', [PILLOW]);
    await page.locator(`[data-testid=listing-card][data-listing-id="${PILLOW}"]`).click();
    await page.getByTestId('order-submit').waitFor();
    await page.getByText('共需积分').waitFor();
    await page.getByTestId('order-submit').dblclick();
    await page.waitForURL(/\/m\/orders\/[0-9a-f-]{36}$/);
    const orderId = page.url().split('/').pop()!;
    await page.locator('[data-testid=order-status][data-status=ready]').waitFor();
    const after = await s.t.sql('SELECT COUNT(*) n FROM orders WHERE listing_id = ?', [PILLOW]);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(1);
    const keys = await s.t.sql(`SELECT COUNT(*) n FROM idempotency_keys WHERE scope = ?`, [
      `orders:${(await api.get('/me')).body.id}`,
    ]);
    expect(Number(keys[0].n)).toBeGreaterThanOrEqual(1);

    const qr = page.locator('[data-testid=voucher-qr][data-drawn]');
    await qr.waitFor();
    const api2 = (await api.get(`/orders/${orderId}/voucher`)).body;
    expect(await qr.getAttribute('data-code')).toBe(api2.code);
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    expect(decodePng(await page.screenshot())).toBe(api2.code);
    await page.getByTestId('voucher-expires').filter({ hasText: '请在' }).waitFor();
    await screenshot(page, 'resident-voucher');
    voucher = { orderId, code: api2.code };
  });

  it('a merchant redeems the voucher with the camera: redeemed, then the same code again is already redeemed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-camera-'));
    const video = join(dir, 'voucher.y4m');
    writeQrY4m(video, voucher.code);
    const camera = await launch([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const ctx = await newContext(camera, MOBILE);
      await ctx.grantPermissions(['camera'], { origin: s.base });
      const till = await ctx.newPage();
      const tillWatch = watchConsole(till, [EXPECTED_REFUSAL]);
      await login(till, s.base, 'demo.merchant_staff');
      await till.waitForURL(/\/counter$/);
      await till.getByTestId('nav-scan').waitFor();
      await till.getByTestId('camera-start').click();
      const result = till.getByTestId('scan-result');
      // The camera's answer, or the reason it could not start.
      await till
        .locator('[data-testid=scan-result], [data-testid=camera-problem]')
        .first()
        .waitFor({ timeout: 45_000 });
      expect(await till.getByTestId('camera-problem').count()).toBe(0);
      await result.and(till.locator('[data-outcome=redeemed]')).waitFor();
      await result.getByText('张*兰').waitFor();
      await result.getByText('文创抱枕 × 1').waitFor();
      await screenshot(till, 'counter-redeemed');
      await till.getByTestId('scan-next').click();
      await till
        .locator('[data-testid=scan-result][data-outcome=already_redeemed]')
        .waitFor({ timeout: 30_000 });
      await till.getByTestId('scan-result').getByText('惠民超市').waitFor();
      await screenshot(till, 'counter-already-redeemed');
      const captures = await s.t.sql('SELECT COUNT(*) n FROM redemptions WHERE order_id = ?', [
        voucher.orderId,
      ]);
      expect(Number(captures[0].n)).toBe(1);
      tillWatch.expectClean();
    } finally {
      await camera.close();
    }
    // The resident's page notices the scan by itself.
    await page.locator('[data-testid=order-status][data-status=redeemed]').waitFor({ timeout: 15_000 });
  });

  it('cancels an order: the points come back', async () => {
    const api = await s.as('demo.resident');
    const before = (await api.get('/me/wallet')).body.available;
    await page.goto(`${s.base}/m/mall/${RICE}`);
    await page.getByTestId('order-submit').click();
    await page.locator('[data-testid=order-status][data-status=ready]').waitFor();
    expect((await api.get('/me/wallet')).body.available).toBe(before - 50);
    await page.getByTestId('order-cancel').click();
    await page.getByRole('button', { name: '取消兑换' }).last().click();
    await page.locator('[data-testid=order-status][data-status=cancelled]').waitFor();
    expect((await api.get('/me/wallet')).body.available).toBe(before);
  });

  it('notifications, rankings and the red/yellow boards', async () => {
    await page.goto(`${s.base}/m/notifications`);
    await page.getByTestId('notification').filter({ hasText: '兑换成功' }).first().waitFor();
    await page.goto(`${s.base}/m/rankings`);
    await page.getByTestId('ranking-row').first().waitFor();
    expect(await page.getByTestId('ranking-row').first().textContent()).toContain('张秀兰');
    await page.getByRole('tab', { name: '红黄榜' }).click();
    await page.getByTestId('red-row').first().waitFor();
    await page.getByTestId('yellow-row').first().waitFor();
  });

  it('the resident pass: a large QR, refreshed before it expires', async () => {
    await page.goto(`${s.base}/m/pass`);
    const qr = page.locator('[data-testid=pass-qr][data-drawn]');
    await qr.waitFor();
    const first = await qr.getAttribute('data-code');
    const expiresAt = Date.parse((await qr.getAttribute('data-expires-at'))!);
    expect(decodePng(await qr.screenshot())).toBe(first);
    // PASS_TTL_SECONDS=12: a new pass arrives before the old one expires.
    const next = await waitFor(
      () => qr.getAttribute('data-code'),
      (c) => !!c && c !== first,
      { timeoutMs: 15_000, what: 'a new pass' },
    );
    expect(Date.now()).toBeLessThan(expiresAt);
    const hospital = await s.as('demo.hospital_staff');
    const v = await hospital.post('/entitlements/verify', { passCode: next, kind: 'deposit_waiver' });
    expect([v.status, v.body.eligible]).toEqual([200, true]);
  });

  it('declares a good deed: rule picker, date, note; the field messages come first', async () => {
    await page.goto(`${s.base}/m/declare`);
    await page.getByTestId('declare-submit').click();
    await page.getByText('请选择申报事项').waitFor();
    await page.getByText('请填写情况说明').waitFor();
    await page.getByTestId('declare-rule').click();
    // Indicator, indicator, item: each choice opens the next level until an item closes the picker.
    const cascader = page.locator('.van-cascader');
    const levels = () => page.locator('.van-cascader__options').count();
    while (await cascader.isVisible()) {
      const n = await levels();
      await page.locator('.van-cascader__options').last().locator('.van-cascader__option').first().click();
      await waitFor(
        async () => (await cascader.isVisible()) && (await levels()) === n,
        (same) => !same,
        { what: 'the next level' },
      );
    }
    const rule = await page.getByTestId('declare-rule').locator('input').inputValue();
    expect(rule).toMatch(/（\+\d+）$/);
    await page.getByTestId('declare-note').locator('textarea').fill('帮助邻居打扫楼道');
    await page.getByTestId('declare-submit').click();
    await page.getByTestId('my-declaration').filter({ hasText: '帮助邻居打扫楼道' }).waitFor();
    const mine = (await (await s.as('demo.resident')).get('/declarations', { status: 'pending' })).body.items;
    expect(mine.some((d: any) => d.note === '帮助邻居打扫楼道' && !d.proxy)).toBe(true);
  });

  it('an expired session sends the resident back to the login page', async () => {
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('jifen.session')!);
      s.accessToken = 'not-a-valid-token';
      localStorage.setItem('jifen.session', JSON.stringify(s));
    });
    await page.goto(`${s.base}/m/orders`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByText('登录已过期，请重新登录').waitFor();
    watch.expectClean();
  });
});
