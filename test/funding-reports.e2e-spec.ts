import { PNG } from 'pngjs';
import { newId } from '../src/common/ids';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { Mall, TestCity } from './support/catalog';
import { Funding, thisYear, yuan } from './support/funding';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { Shop } from './support/orders';
import { Counter } from './support/redemption';
import { Region, User, World } from './support/world';

describe('funding reports: figures, outputs and review', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let shop: Shop;
  let counter: Counter;
  let funding: Funding;
  let city: TestCity;
  let village: Region;
  let a1Admin: User;
  let a1Staff: User;
  let villageAdmin: User;
  let officerA: User;
  let officerA2: User;
  let officerB: User;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    mall = new Mall(t, world);
    shop = new Shop(t);
    counter = new Counter(t, world);
    funding = new Funding(t, world);
    city = await mall.city();
    village = await world.region(`里仁村${newId().slice(0, 4)}`, 'village', city.streetA.id);
    a1Admin = await world.communityAdmin(city.a1.id);
    a1Staff = await world.staff(city.a1.id);
    villageAdmin = await world.communityAdmin(village.id);
    officerA = await world.user(['street_officer'], city.streetA.id, { displayName: '刘建华' });
    officerA2 = await world.user(['street_officer'], city.streetA.id, { displayName: '汪建平' });
    officerB = await world.user(['street_officer'], city.streetB.id);
  });
  afterAll(() => t?.close());

  it('6,000 yuan from social donations and 4,000 from community funds: a 60% social donation share', async () => {
    await funding.cash(a1Staff, city.a1.id, 'social_donation', yuan(6000));
    await funding.cash(a1Staff, city.a1.id, 'community_funds', yuan(4000), { name: '社区党群服务中心' });
    const res = await funding.requestReport(a1Staff, { regionId: city.a1.id, ...thisYear() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: expect.any(String), status: 'queued', reviewStatus: 'draft' });
    const report = await funding.ready(a1Staff, res.body.id);
    const a1 = funding.community(report, city.a1.id);
    expect(a1.name).toBe(city.a1.name);
    expect(a1.fundsInFen).toBe(1_000_000);
    expect(a1.socialDonationShare).toBe(0.6);
    expect(a1.fundsBySource.social_donation).toEqual({ fen: 600_000, share: 0.6 });
    expect(a1.fundsBySource.community_funds).toEqual({ fen: 400_000, share: 0.4 });
    expect(report.totals.socialDonationShare).toBe(0.6);
    expect(report.hashVerified).toBe(true);
    expect(report.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('spending of 260,000 yuan against a collective income of 1,630,000 reports 16.0%', async () => {
    expect(
      (await funding.profile(villageAdmin, village.id, { collectiveIncomeFen: yuan(1_630_000) })).status,
    ).toBe(200);
    await funding.cash(villageAdmin, village.id, 'collective_economy', yuan(300_000), {
      name: '村集体经济合作社',
    });
    expect(
      (
        await funding.expense(villageAdmin, village.id, {
          amountFen: yuan(200_000),
          purpose: '积分超市商品采购',
        })
      ).status,
    ).toBe(201);
    expect(
      (await funding.expense(villageAdmin, village.id, { amountFen: yuan(60_000), purpose: '积分兑换服务' }))
        .status,
    ).toBe(201);
    const report = await funding.report(villageAdmin, village.id);
    const v = funding.community(report, village.id);
    expect(v.spendingFen).toBe(yuan(260_000));
    expect(v.collectiveIncomeFen).toBe(yuan(1_630_000));
    expect(v.spendingShareOfCollectiveIncome).toBeCloseTo(0.16, 2);
    expect((v.spendingShareOfCollectiveIncome * 100).toFixed(1)).toBe('16.0');
    expect(v.fundsBySource.collective_economy.share).toBe(1);
    const pdf = await funding.bytes(villageAdmin, `/funding-reports/${report.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(funding.pdfText(pdf.body)).toContain('16.0%');
  });

  it('12,385 points issued and 11,200 redeemed: a 90.4% redemption rate and 1,185 outstanding', async () => {
    const { staff: cashier } = await mall.provider('merchant', city.a2.id);
    const listing = await mall.create(cashier, city.a2.id, {
      stock: 500,
      pointsPrice: 200,
      title: '大米 5kg',
    });
    const [resident] = await shop.residents(city.a2.id, 1, 12_385);
    const placed = await shop.order(resident, listing.id, 56);
    expect(placed.status).toBe(201);
    await waitFor(
      () => shop.status(placed.body.id),
      (s) => s === 'ready',
      { what: 'order ready' },
    );
    const voucher = await t
      .http()
      .get(`/api/v1/orders/${placed.body.id}/voucher`)
      .set('Authorization', `Bearer ${resident.token}`);
    expect((await counter.redeem(cashier, voucher.body.code)).status).toBe(200);
    const report = await funding.report(officerA, city.a2.id);
    const a2 = funding.community(report, city.a2.id);
    expect(a2).toMatchObject({
      pointsIssued: 12_385,
      pointsRedeemed: 11_200,
      pointsOutstanding: 1_185,
      pointsDeducted: 0,
    });
    expect(a2.redemptionRate).toBeCloseTo(0.904, 3);
    expect((a2.redemptionRate * 100).toFixed(1)).toBe('90.4');
    // The same as the ledger's `redeem` posts of the community's order holds.
    const [ledger] = await t.sql(
      `SELECT SUM(t.amount) s FROM transfers t JOIN orders o ON o.hold_transfer_id = t.pending_id
        WHERE t.code = 'redeem' AND t.phase = 'post' AND o.community_id = ?`,
      [city.a2.id],
    );
    expect(Number(ledger.s)).toBe(11_200);
    expect(a2.participants).toBe(1);
    expect(a2.aaaHouseholds).toBe(1);
  });

  it('participation, AAA households (one per household), deductions and deferred hospital bills', async () => {
    const c = await world.region(`参与社区${newId().slice(0, 4)}`, 'community', city.streetA.id);
    const [r1, r2, r3, r4] = await shop.residents(c.id, 4, 0);
    await t.sql('UPDATE users SET household_no = ? WHERE id IN (?)', ['H-1', [r1.id, r2.id]]);
    await shop.give(c.id, [r1.id, r2.id], 200);
    await shop.give(c.id, [r3.id], 10);
    const ledger = t.app.get(LedgerService);
    await t.app.get(TransactionService).run(async (em) =>
      ledger.transfer(em, {
        id: newId(),
        debitAccountId: await ledger.walletOf(em, r3.id),
        creditAccountId: await ledger.deductionSinkOf(em, c.id),
        amount: 3,
        code: 'deduction',
        refType: 'test',
        refId: r3.id,
        exempt: true,
      }),
    );
    const bill = (status: string, amount: number, dueInDays: number) =>
      t.sql(
        `INSERT INTO entitlement_uses (id, kind, status, resident_id, community_id, region_path, organization_id, recorded_by,
           period_year, credit_level, amount_fen, due_at)
         VALUES (?, 'treat_first_pay_later', ?, ?, ?, '/', ?, ?, 2026, 'AAA', ?, DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? DAY))`,
        [newId(), status, r1.id, c.id, newId(), r1.id, amount, dueInDays],
      );
    await bill('outstanding', 50_000, 20);
    await bill('overdue', 30_000, -5);
    await bill('settled', 99_999, -40);
    const report = await funding.report(officerA, c.id);
    const f = funding.community(report, c.id);
    expect(f).toMatchObject({
      residents: 4,
      participants: 3,
      participationRate: 0.75,
      aaaHouseholds: 1,
      pointsIssued: 410,
      pointsDeducted: 3,
      pointsOutstanding: 407,
      deferredBillsOutstanding: 2,
      deferredBillsOutstandingFen: 80_000,
      deferredBillsOverdue: 1,
      deferredBillsOverdueFen: 30_000,
    });
    void r4;
  });

  it('the CSV opens with Chinese names intact, the chart is a PNG, the PDF text layer has the names', async () => {
    const tricky = await world.region('=1+2社区', 'community', city.streetA.id);
    const report = await funding.report(officerA, city.streetA.id);
    const names = [city.a1.name, city.a2.name, village.name, tricky.name];
    expect(report.communities.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(names));
    // Totals are sums over the street.
    expect(report.totals.fundsInFen).toBe(
      report.communities.reduce((a: number, c: { fundsInFen: number }) => a + c.fundsInFen, 0),
    );

    const csv = await funding.bytes(officerA, `/funding-reports/${report.id}.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = funding.parseCsv(csv.body);
    const byName = new Map(rows.map((r) => [r['社区/村 name'], r]));
    for (const n of [city.a1.name, city.a2.name, village.name]) expect(byName.has(n)).toBe(true);
    // The same figures as the JSON (the first tests give a1 its 60% and the village its 16%).
    for (const c of report.communities) {
      const row = byName.get(c.name.startsWith('=') ? `'${c.name}` : c.name)!;
      expect(row['资金收入(分) fundsInFen']).toBe(String(c.fundsInFen));
      expect(row['社会捐赠占资金收入比例(0-1) social_donationShare']).toBe(
        String(c.socialDonationShare ?? ''),
      );
      expect(row['支出占集体年收入比例(0-1) spendingShareOfCollectiveIncome']).toBe(
        String(c.spendingShareOfCollectiveIncome ?? ''),
      );
    }
    // A name that a spreadsheet would run as a formula is escaped.
    expect(byName.has("'=1+2社区")).toBe(true);
    expect(byName.has('=1+2社区')).toBe(false);
    expect(rows[rows.length - 1]['类型 kind']).toBe('total');

    const png = await funding.bytes(officerA, `/funding-reports/${report.id}/chart.png`);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect([...png.body.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const image = PNG.sync.read(png.body);
    expect(image.width).toBeGreaterThanOrEqual(960);
    let coloured = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      if (Math.abs(r - g) > 40 || Math.abs(g - b) > 40) coloured++;
    }
    expect(coloured).toBeGreaterThan(1000); // the bars are drawn, not just an empty frame

    const pdf = await funding.bytes(officerA, `/funding-reports/${report.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = funding.pdfText(pdf.body);
    for (const n of names) expect(text).toContain(n);
    expect(text).toContain('积分制资金保障与可持续性报告');
    expect(text).toContain(`报告期 ${report.periodLabel}`);
    // The figures' digits are in the text layer (not empty boxes).
    expect(text).toContain(`${(report.totals.fundsInFen / 100).toLocaleString('en-US')}.00`);
  });

  it('review: draft → submitted → returned → resubmitted → approved, by the street office above only; frozen once submitted', async () => {
    const report = await funding.report(a1Admin, city.a1.id);
    const draft = await funding.review(officerA, report.id, 'approve'); // a draft is not reviewed
    expect(draft.status).toBe(409);
    expect(draft.body.message).toBe('a draft report cannot be approved: submit it for review first');
    const submitted = await funding.submit(a1Admin, report.id);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ reviewStatus: 'submitted', submittedVersion: 1, version: 1 });
    expect((await funding.submit(a1Admin, report.id)).status).toBe(409);

    // A community admin cannot approve; another street's office cannot even see it.
    const byAdmin = await funding.review(a1Admin, report.id, 'approve');
    expect(byAdmin.status).toBe(403);
    const byOtherStreet = await funding.review(officerB, report.id, 'approve');
    expect(byOtherStreet.status).toBe(404);
    expect((await funding.get(officerB, `/funding-reports/${report.id}`)).status).toBe(404);

    // Frozen: new money and a regeneration change nothing in the submitted version.
    await funding.cash(a1Staff, city.a1.id, 'enterprise', yuan(500), { name: '皖北建材有限公司' });
    expect((await funding.regenerate(a1Admin, report.id)).status).toBe(409);
    const frozen = (await funding.get(a1Admin, `/funding-reports/${report.id}`)).body;
    expect(frozen.contentHash).toBe(report.contentHash);
    expect(frozen.totals).toEqual(report.totals);

    expect((await funding.review(officerA, report.id, 'return')).status).toBe(400); // a comment is required
    const returned = await funding.review(officerA, report.id, 'return', '请补充企业捐赠明细');
    expect(returned.status).toBe(200);
    expect(returned.body.reviewStatus).toBe('returned');

    const regenerated = await funding.regenerate(a1Staff, report.id);
    expect(regenerated.status).toBe(202);
    const v2 = await funding.ready(a1Staff, report.id);
    expect(v2.version).toBe(2);
    expect(v2.contentHash).not.toBe(report.contentHash);
    expect(funding.community(v2, city.a1.id).fundsBySource.enterprise.fen).toBe(50_000);
    const v1 = (await funding.get(a1Staff, `/funding-reports/${report.id}?version=1`)).body;
    expect(v1).toMatchObject({ version: 1, contentHash: report.contentHash, hashVerified: true });
    expect(v1.totals).toEqual(report.totals);

    const resubmitted = await funding.submit(a1Staff, report.id, '已补充');
    expect(resubmitted.body).toMatchObject({ reviewStatus: 'submitted', submittedVersion: 2 });
    const approved = await funding.review(officerA, report.id, 'approve', '同意');
    expect(approved.status).toBe(200);
    expect(approved.body.reviewStatus).toBe('approved');
    expect(
      approved.body.reviews.map((r: { action: string; version: number }) => [r.action, r.version]),
    ).toEqual([
      ['submit', 1],
      ['return', 1],
      ['resubmit', 2],
      ['approve', 2],
    ]);
    expect(approved.body.reviews[1]).toMatchObject({
      actorName: '刘建华',
      comment: '请补充企业捐赠明细',
      toStatus: 'returned',
    });
    expect((await funding.regenerate(a1Admin, report.id)).status).toBe(409);
    const again = await funding.review(officerA, report.id, 'return', 'x');
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('an approved report cannot be returned: it is final');

    const text = funding.pdfText((await funding.bytes(a1Admin, `/funding-reports/${report.id}.pdf`)).body);
    expect(text).toContain('请补充企业捐赠明细');
    expect(text).toContain('审核通过');
  });

  it('a street officer does not review a report they submitted; community staff do not see the street report', async () => {
    const report = await funding.report(officerA, city.streetA.id);
    expect((await funding.get(a1Staff, `/funding-reports/${report.id}`)).status).toBe(404);
    expect((await funding.submit(officerA, report.id)).status).toBe(200);
    const self = await funding.review(officerA, report.id, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('SELF_REVIEW_FORBIDDEN');
    expect((await funding.review(officerA2, report.id, 'approve')).status).toBe(200);
    const resident = await world.resident(city.a1.id);
    expect((await funding.get(resident, `/funding-reports/${report.id}`)).status).toBe(403);
    const list = await funding.get(officerB, '/funding-reports');
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(report.id);
  });

  it('refuses a bad period and a region outside the caller’s scope', async () => {
    const backwards = await funding.requestReport(a1Staff, {
      regionId: city.a1.id,
      from: '2026-02-01',
      to: '2026-01-01',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.details.fields[0].field).toBe('to');
    expect(backwards.body.message).toContain('from included, to excluded');
    expect(backwards.body.message).toContain('Asia/Shanghai');
    const other = await funding.requestReport(a1Staff, { regionId: city.a2.id, ...thisYear() });
    expect(other.status).toBe(404);
    const notDate = await funding.requestReport(a1Staff, {
      regionId: city.a1.id,
      from: 'yesterday',
      to: '2026-01-01',
    });
    expect(notDate.status).toBe(400);
  });

  it('bare dates are days in Asia/Shanghai and `to` is excluded: a donation at 2026-01-01T00:30+08:00 falls in January', async () => {
    const c = await world.region(`跨年社区${newId().slice(0, 4)}`, 'community', city.streetA.id);
    const staff = await world.staff(c.id);
    const donate = async (receivedAt: string, amountFen: number) => {
      const res = await funding.donate(staff, {
        donor: { name: '爱心人士' },
        source: 'social_donation',
        kind: 'cash',
        amountFen,
        communityId: c.id,
        receivedAt,
      });
      expect(res.status).toBe(201);
    };
    await donate('2025-12-31T23:59:59+08:00', 1); // December
    await donate('2026-01-01T00:30+08:00', 100); // January, though still 31 December in UTC
    await donate('2026-01-31T23:59:00+08:00', 10_000); // January
    await donate('2026-02-01T00:00:00+08:00', 1_000_000); // February: `to` is excluded
    await donate('2026-03-01', 7); // a bare date is the start of the day in China: March

    const funds = async (from: string, to: string) => {
      const report = await funding.report(staff, c.id, { from, to });
      return { report, fen: funding.community(report, c.id).fundsInFen };
    };
    const jan = await funds('2026-01-01', '2026-02-01');
    expect(jan.fen).toBe(10_100);
    expect(jan.report).toMatchObject({
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-01-31T16:00:00.000Z',
      periodLabel: '2026-01-01 至 2026-01-31（含）',
    });
    expect((await funds('2025-12-01', '2026-01-01')).fen).toBe(1);
    expect((await funds('2026-02-01', '2026-03-01')).fen).toBe(1_000_000);
    expect((await funds('2026-03-01', '2026-03-02')).fen).toBe(7);
    const morning = await funds('2026-01-01T00:00:00+08:00', '2026-01-01T12:00:00+08:00');
    expect(morning.fen).toBe(100);
    expect(morning.report.periodLabel).toBe('2026-01-01 00:00 至 2026-01-01 12:00（不含）');

    // The PDF and the chart's title say the period as the JSON does.
    const pdf = await funding.bytes(staff, `/funding-reports/${jan.report.id}.pdf`);
    expect(funding.pdfText(pdf.body)).toContain('报告期 2026-01-01 至 2026-01-31（含）');
    const csv = funding.parseCsv((await funding.bytes(staff, `/funding-reports/${jan.report.id}.csv`)).body);
    expect(csv[0]['报告期(北京时间) period']).toBe('2026-01-01 至 2026-01-31（含）');
  });
});
