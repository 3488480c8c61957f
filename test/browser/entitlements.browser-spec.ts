import type { Browser, Page } from 'playwright-core';
import { Shop } from '../support/orders';
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

// Hospital and canteen staff at their counter scan a resident's pass: the outcome at once (eligible,
// quota left, or not eligible and why), then record a use (a deferred bill, a meal).
describe('passes at the hospital and the canteen', () => {
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

  async function counter(username: string): Promise<{ page: Page; watch: ReturnType<typeof watchConsole> }> {
    const page = await (await newContext(browser, MOBILE)).newPage();
    const watch = watchConsole(page, [EXPECTED_REFUSAL]);
    await login(page, s.base, username);
    await page.waitForURL(/\/counter$/);
    return { page, watch };
  }

  async function scan(page: Page, code: string): Promise<void> {
    await page.getByTestId('scan-code-input').fill(code);
    await page.getByTestId('scan-code-submit').click();
  }

  it('an AAA resident’s pass: eligible for treat first, pay later; a bad amount is refused in the form; the bill is recorded', async () => {
    const resident = await s.as('demo.resident');
    const pass = (await resident.get('/me/pass')).body;
    const { page, watch } = await counter('demo.hospital_staff');
    await scan(page, pass.code);
    const result = page.locator('[data-testid=scan-result][data-outcome=eligible]');
    await result.waitFor();
    await result.getByText('先诊疗后付费').waitFor();
    await result.getByText('AAA').waitFor();

    const uses = async () =>
      Number(
        (await s.t.sql(`SELECT COUNT(*) n FROM entitlement_uses WHERE kind = 'treat_first_pay_later'`))[0].n,
      );
    const before = await uses();
    await page.getByTestId('pass-record').click();
    await page.getByText('请输入金额').waitFor();
    await page.getByTestId('pass-amount').fill('12.345');
    await page.getByTestId('pass-record').click();
    await page.getByText('金额须大于 0，最多两位小数').waitFor();
    expect(await uses()).toBe(before);

    await page.getByTestId('pass-amount').fill('350.00');
    await page.getByTestId('pass-record').dblclick();
    const recorded = page.locator('[data-testid=scan-result][data-outcome=recorded]');
    await recorded.waitFor();
    await recorded.getByText('¥350.00').first().waitFor();
    await screenshot(page, 'counter-pass-recorded');
    expect(await uses()).toBe(before + 1);
    const hospital = await s.as('demo.hospital_staff');
    const bills = (await hospital.get('/entitlements/uses', { status: 'outstanding' })).body.items;
    expect(bills.some((b: any) => b.amountFen === 35_000 && b.kind === 'treat_first_pay_later')).toBe(true);

    // Another perk of the same pass: the choice re-checks it.
    await page.getByTestId('pass-kind-deposit_waiver').click();
    await page.locator('[data-testid=scan-result][data-outcome=eligible]').getByText('免交押金').waitFor();
    watch.expectClean();
  });

  it('a 179-point resident’s pass: not eligible, with the reason', async () => {
    const [resident] = await new Shop(s.t).residents(TAOHUAYUAN, 1, 179);
    const pass = await s.t.http().get('/api/v1/me/pass').set('Authorization', `Bearer ${resident.token}`);
    expect(pass.body.creditLevel).not.toBe('AAA');
    const { page, watch } = await counter('demo.hospital_staff');
    await scan(page, pass.body.code);
    const result = page.locator('[data-testid=scan-result][data-outcome=not_eligible]');
    await result.waitFor();
    await result.getByText(`信用等级不足：需 AAA 级，当前 ${pass.body.creditLevel}`).waitFor();
    expect(await page.getByTestId('pass-record').count()).toBe(0);
    await screenshot(page, 'counter-pass-not-eligible');
    watch.expectClean();
  });

  it('the canteen records a free meal and shows the meals left this year', async () => {
    const resident = await s.as('demo.resident');
    const pass = (await resident.get('/me/pass')).body;
    const { page, watch } = await counter('demo.canteen_staff');
    await scan(page, pass.code);
    const eligible = page.locator('[data-testid=scan-result][data-outcome=eligible]');
    await eligible.waitFor();
    const left = Number((await eligible.locator('dd').nth(2).textContent())?.trim());
    await page.getByTestId('pass-record').click();
    const recorded = page.locator('[data-testid=scan-result][data-outcome=recorded]');
    await recorded.waitFor();
    expect(Number((await recorded.locator('dd').nth(2).textContent())?.trim())).toBe(left - 1);
    // A voucher is not a pass: the canteen's counter still redeems its own vouchers only.
    await page.getByTestId('scan-next').click();
    await scan(page, 'JFnot-a-real-code');
    await page.locator('[data-testid=scan-result][data-outcome=invalid]').waitFor();
    watch.expectClean();
  });
});
