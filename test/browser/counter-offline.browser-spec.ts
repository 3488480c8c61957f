/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import type { Browser } from 'playwright-core';
import { waitFor } from '../support/harness';
import { Counter, type Voucher } from '../support/redemption';
import {
  EXPECTED_REFUSAL,
  launch,
  login,
  MOBILE,
  newContext,
  screenshot,
  watchConsole,
} from './support/browser';
import { startWebServer, TAOHUAYUAN, WebServer } from './support/server';

// The counter without a network: the page itself loads from the service worker, scans are checked
// in the browser (Ed25519 with WebCrypto) against the bundle in IndexedDB and queued, and the queue
// uploads by itself when the network returns; a voucher redeemed meanwhile by another till becomes a
// conflict (one dispute, no second capture).
const PILLOW = { id: '39e4de4f-81dc-5dc3-8126-e26ecf1ff528', pointsPrice: 120 }; // 惠民超市
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|net::ERR_/;

describe('the counter offline', () => {
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

  it('queues three valid scans offline (count 3), uploads them by itself when back online: two redeemed, one conflict', async () => {
    const vouchers: Voucher[] = await new Counter(s.t, s.world).vouchers(PILLOW, 3, TAOHUAYUAN);
    const ctx = await newContext(browser, MOBILE);
    const page = await ctx.newPage();
    const watch = watchConsole(page, [EXPECTED_REFUSAL, OFFLINE_NOISE]);
    await login(page, s.base, 'demo.merchant_staff');
    await page.waitForURL(/\/counter$/);
    // Online first: the service worker takes control and the offline bundle is stored.
    await page.waitForFunction(() => !!navigator.serviceWorker?.controller, undefined, { timeout: 30_000 });
    await page.locator('[data-testid=net-status][data-bundle=ready]').waitFor();

    await ctx.setOffline(true);
    await page.locator('[data-testid=net-status][data-online=false]').waitFor();
    // The counter page itself loads without a network.
    await page.reload();
    await page.getByTestId('nav-scan').waitFor();
    await page.locator('[data-testid=net-status][data-online=false][data-bundle=ready]').waitFor();

    for (const [i, v] of vouchers.entries()) {
      await page.getByTestId('scan-code-input').fill(v.code);
      await page.getByTestId('scan-code-submit').click();
      await page.locator('[data-testid=scan-result][data-outcome=queued_offline]').waitFor();
      await page
        .getByTestId('offline-queue-count')
        .filter({ hasText: String(i + 1) })
        .waitFor();
      if (i < 2) await page.getByTestId('scan-next').click();
    }
    expect(await page.getByTestId('offline-queue-count').textContent()).toBe('3');
    await screenshot(page, 'counter-offline');
    // The same voucher again on this device: refused at once, nothing queued.
    await page.getByTestId('scan-next').click();
    await page.getByTestId('scan-code-input').fill(vouchers[0].code);
    await page.getByTestId('scan-code-submit').click();
    await page.locator('[data-testid=scan-result][data-outcome=already_redeemed]').waitFor();
    await page.getByTestId('scan-next').click();
    // A forged code is refused by the signature check in the browser.
    const forged = vouchers[1].code.slice(0, -2) + (vouchers[1].code.endsWith('AA') ? 'AB' : 'AA');
    await page.getByTestId('scan-code-input').fill(forged);
    await page.getByTestId('scan-code-submit').click();
    await page.locator('[data-testid=scan-result][data-outcome=invalid]').waitFor();
    expect(await page.getByTestId('offline-queue-count').textContent()).toBe('3');

    // Meanwhile another till, online, redeems the second voucher.
    const other = await s.as('demo.merchant_staff');
    expect((await other.post('/redemptions', { code: vouchers[1].code, deviceId: 'till-2' })).status).toBe(
      200,
    );

    await ctx.setOffline(false);
    const summary = page.getByTestId('sync-summary');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.getAttribute('data-accepted')).toBe('2');
    expect(await summary.getAttribute('data-conflicts')).toBe('1');
    expect(await page.getByTestId('sync-conflict').getAttribute('data-order-id')).toBe(vouchers[1].orderId);
    await page.getByTestId('offline-queue-count').filter({ hasText: '0' }).waitFor();
    await page.getByTestId('sync-conflict').getByText('已在别处核销').waitFor();
    await screenshot(page, 'counter-synced');

    const disputes = (await other.get('/redemptions/disputes', { status: 'open' })).body.items;
    expect(
      disputes.filter((d: any) => vouchers.some((v) => v.orderId === d.orderId)).map((d: any) => d.orderId),
    ).toEqual([vouchers[1].orderId]);
    const captures = await s.t.sql(
      'SELECT order_id, COUNT(*) n FROM redemptions WHERE order_id IN (?) GROUP BY order_id ORDER BY order_id',
      [vouchers.map((v) => v.orderId)],
    );
    expect(captures.map((c: any) => Number(c.n))).toEqual([1, 1, 1]);
    const posts = await s.t.sql(
      `SELECT COUNT(*) n FROM transfers WHERE code = 'redeem' AND ref_type = 'order' AND ref_id IN (?)`,
      [vouchers.map((v) => v.orderId)],
    );
    expect(Number(posts[0].n)).toBe(3);

    // Today's history lists the offline scans with the online ones.
    await page.getByTestId('nav-history').click();
    await waitFor(
      () => page.getByTestId('history-row').count(),
      (n) => n >= 3,
      { what: 'history rows' },
    );
    watch.expectClean();
  });
});
