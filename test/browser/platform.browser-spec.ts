/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import type { Browser } from 'playwright-core';
import { launch, MOBILE, newContext, watchConsole, writeResult } from './support/browser';
import { startWebServer, WebServer } from './support/server';

// How the app is served: the CSP lets the app and Swagger UI render over plain HTTP from any host
// name, the history fallback never shadows the server's own paths, and the resident mall's cold
// first load is measured (bytes transferred, time to interactive) with its JavaScript budget.
describe('serving the web app', () => {
  let s: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    s = await startWebServer();
    // A host name that is not localhost: plain HTTP there is not a secure context.
    browser = await launch(['--host-resolver-rules=MAP jifen.example 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the app and Swagger UI render over plain HTTP on a non-local host name (no upgrade-insecure-requests)', async () => {
    const host = `http://jifen.example:${s.port}`;
    const page = await (await newContext(browser, MOBILE)).newPage();
    const watch = watchConsole(page);
    const res = await page.goto(`${host}/login`);
    const csp = res!.headers()['content-security-policy'];
    expect(res!.headers()['cross-origin-opener-policy']).toBeUndefined();
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    await page.getByTestId('login-username').fill('demo.resident');
    await page.getByTestId('login-password').fill('demo12345');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('wallet-available').filter({ hasText: /^\d+$/ }).waitFor();
    // An order works there too (idempotency keys without crypto.randomUUID, which needs HTTPS).
    await page.goto(`${host}/m/mall/8c1c0649-3efc-518a-9fb9-9d4cf3a113c7`);
    await page.getByTestId('order-submit').click();
    await page.locator('[data-testid=order-status][data-status=ready]').waitFor();

    await page.goto(`${host}/api/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Jifen Market API' }).waitFor();
    await page.locator('.swagger-ui .opblock').first().waitFor();
    watch.expectClean();
  });

  it('the history fallback serves the app for its pages only: /api, /health, /admin and missing files keep their answers', async () => {
    const http = s.t.http;
    const page = await http().get('/m/mall').set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.text).toContain('<div id="app">');
    const api = await http().get('/api/v1/nothing-here').set('Accept', 'text/html,application/json');
    expect([api.status, api.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await http().get('/health').set('Accept', 'text/html')).body.status).toBe('ok');
    const board = await http().get('/admin/queues').set('Accept', 'text/html');
    expect(board.status).toBe(401);
    expect(board.text).not.toContain('<div id="app">');
    expect((await http().get('/assets/missing-file.js')).status).toBe(404);
    const index = page.text.match(/src="(\/assets\/index-[^"]+\.js)"/)![1];
    const asset = await http().get(index).set('Accept-Encoding', 'gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect((await http().get('/sw.js')).headers['cache-control']).toBe('no-cache');
    // Over HTTPS (a TLS proxy) and on localhost the opener policy is sent.
    const secure = await http().get('/login').set('Accept', 'text/html').set('X-Forwarded-Proto', 'https');
    expect(secure.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('measures the resident mall’s cold first load: the mobile entry’s JavaScript stays under 300 KB gzipped, no console or counter code', async () => {
    const token = (await s.as('demo.resident')).token;
    const me = (await (await s.as('demo.resident')).get('/me')).body;
    const cold = await launch();
    try {
      const ctx = await newContext(cold, MOBILE);
      await ctx.addInitScript(
        ([session]) => localStorage.setItem('jifen.session', session),
        [JSON.stringify({ accessToken: token, expiresAt: Date.now() + 3_600_000, user: me })],
      );
      const page = await ctx.newPage();
      const watch = watchConsole(page);
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const types = new Map<string, { type: string; url: string }>();
      const bytes: Array<{ type: string; url: string; bytes: number }> = [];
      cdp.on('Network.responseReceived', (e: any) =>
        types.set(e.requestId, { type: e.type, url: e.response.url }),
      );
      cdp.on('Network.loadingFinished', (e: any) => {
        const r = types.get(e.requestId);
        if (r) bytes.push({ ...r, bytes: e.encodedDataLength });
      });
      const started = Date.now();
      await page.goto(`${s.base}/m/mall`);
      // Interactive: the listings are there with their orderability, and the page answers a tap.
      await page.locator('[data-testid=listing-card][data-orderable=true]').first().waitFor();
      const interactiveMs = Date.now() - started;
      const timing = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return {
          domContentLoadedMs: Math.round(n.domContentLoadedEventEnd),
          loadMs: Math.round(n.loadEventEnd),
        };
      });
      await page.waitForLoadState('networkidle');
      const sum = (f: (b: (typeof bytes)[number]) => boolean) =>
        bytes.filter(f).reduce((n, b) => n + b.bytes, 0);
      const scripts = bytes.filter((b) => b.type === 'Script');
      const report = {
        interactiveMs,
        ...timing,
        requests: bytes.length,
        transferredBytes: sum(() => true),
        javascriptBytes: sum((b) => b.type === 'Script'),
        cssBytes: sum((b) => b.type === 'Stylesheet'),
        documentBytes: sum((b) => b.type === 'Document'),
        apiBytes: sum((b) => b.url.includes('/api/v1/')),
        scripts: scripts.map((b) => `${b.url.replace(/^.*\/assets\//, '')} ${b.bytes}`),
      };
      writeResult('first-load.json', report);
      console.log(
        `resident mall, cold first load: ${JSON.stringify({ ...report, scripts: report.scripts.length })}`,
      );
      expect(report.javascriptBytes).toBeLessThan(300 * 1024);
      expect(scripts.some((b) => /\/(ConsoleLayout|ReportPage|ScanPage|CounterLayout)-/.test(b.url))).toBe(
        false,
      );
      expect(scripts.every((b) => !/element-plus|echarts/.test(b.url))).toBe(true);
      watch.expectClean();
    } finally {
      await cold.close();
    }
  });
});
