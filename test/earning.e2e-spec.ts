import { randomUUID } from 'node:crypto';
import { newId } from '../src/common/ids';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { Earning, RuleBook } from './support/earning';
import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';


describe('earning: rule books, awards, declarations, credit, rankings, boards', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;
  let a: Awaited<ReturnType<World['community']>>;
  let b: Awaited<ReturnType<World['community']>>;
  let adminA: User;
  let staffA: User;
  let gridA: User;
  let adminB: User;
  let staffB: User;
  let book: RuleBook;
  let bookB: RuleBook;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    earning = new Earning(t, world);
    a = await world.community();
    b = await world.community(undefined, { streetId: a.streetId, cityId: a.cityId });
    adminA = await world.communityAdmin(a.id);
    staffA = await world.staff(a.id);
    gridA = await world.gridWorker(a.id);
    adminB = await world.communityAdmin(b.id);
    staffB = await world.staff(b.id);
    book = await earning.ruleBook(adminA, a.id);
    bookB = await earning.ruleBook(adminB, b.id);
  });
  afterAll(() => t?.close());

  const counts = async () => ({
    transfers: await world.count('transfers'),
    awards: await world.count('awards'),
    declarations: await world.count('declarations'),
    rules: await world.count('point_rules'),
  });

  describe('rule books', () => {
    it('keeps a tree of indicators (any depth) whose leaves are items with points', async () => {
      const resident = await world.resident(a.id);
      const res = await earning.api(resident).get(`/communities/${a.id}/point-rules`);
      expect(res.status).toBe(200);
      const [root] = res.body.rules;
      expect(root).toMatchObject({ id: book.governance, kind: 'indicator', name: '基层治理', points: null });
      const greenery = root.children.find((c: any) => c.id === book.greenery);
      expect(greenery.children.map((c: any) => [c.name, c.points]).sort()).toEqual([
        ['毁绿种菜', -3],
        ['认领树木/植树护绿', 2],
      ]);
      expect(root.children.map((c: any) => c.name)).toEqual(
        expect.arrayContaining(['生态环境', '文明楼道', '非遗核雕/剪纸课堂']),
      );
    });

    it('lets only the community admin write, and only in their own book', async () => {
      const before = await counts();
      const asStaff = await earning.api(staffA).post(`/communities/${a.id}/point-rules`, {
        kind: 'item',
        name: '帮助邻里',
        points: 2,
      });
      expect(asStaff.status).toBe(403);
      const otherBook = await earning.api(adminB).post(`/communities/${a.id}/point-rules`, {
        kind: 'item',
        name: '帮助邻里',
        points: 2,
      });
      expect(otherBook.status).toBe(404);
      const readOther = await earning.api(adminB).get(`/communities/${a.id}/point-rules`);
      expect(readOther.status).toBe(404);
      expect(await counts()).toEqual(before);
    });

    it('rejects items without points, indicators with points and parents that are not indicators', async () => {
      const before = await counts();
      const post = (body: object) => earning.api(adminA).post(`/communities/${a.id}/point-rules`, body);
      const noPoints = await post({ kind: 'item', name: '志愿服务' });
      expect(noPoints.status).toBe(400);
      expect(noPoints.body.details.fields.map((f: any) => f.field)).toEqual(['points']);
      const zero = await post({ kind: 'item', name: '志愿服务', points: 0 });
      expect(zero.status).toBe(400);
      const indicatorPoints = await post({ kind: 'indicator', name: '平安创建', points: 5 });
      expect(indicatorPoints.status).toBe(400);
      const underItem = await post({
        kind: 'item',
        name: '志愿服务',
        points: 2,
        parentId: book.treePlanting,
      });
      expect(underItem.status).toBe(400);
      expect(underItem.body.details.fields[0].field).toBe('parentId');
      const otherParent = await post({
        kind: 'item',
        name: '志愿服务',
        points: 2,
        parentId: bookB.governance,
      });
      expect(otherParent.status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it('imports a nested rule book all or nothing', async () => {
      const c = await world.community(undefined, { streetId: a.streetId, cityId: a.cityId });
      const admin = await world.communityAdmin(c.id);
      const rules = [
        {
          kind: 'indicator',
          name: '平安创建',
          children: [
            { kind: 'item', name: '电瓶车规范停放', points: 2, category: '平安创建' },
            {
              kind: 'indicator',
              name: '巡查',
              children: [{ kind: 'item', name: '古建筑保护巡查', points: 5, description: '每次巡查' }],
            },
          ],
        },
        { kind: 'item', name: '乱堆乱放', points: -3 },
      ];
      const before = await counts();
      const bad = await earning.api(admin).post(`/communities/${c.id}/point-rules/import`, {
        rules: [
          ...rules,
          { kind: 'indicator', name: '文明新风', children: [{ kind: 'item', name: '文明楼道', points: 0 }] },
        ],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.details.fields.map((f: any) => f.field)).toEqual(['rules[2].children[0].points']);
      expect(await counts()).toEqual(before);

      const ok = await earning.api(admin).post(`/communities/${c.id}/point-rules/import`, { rules });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ imported: 5, items: 3 });
      const tree = await earning.api(admin).get(`/communities/${c.id}/point-rules`);
      expect(tree.body.rules.map((r: any) => r.name)).toEqual(['平安创建', '乱堆乱放']);
      expect(tree.body.rules[0].children[1].children[0]).toMatchObject({
        name: '古建筑保护巡查',
        points: 5,
        description: '每次巡查',
      });
    });

    it('retires a rule with everything below it; retired rules leave the tree', async () => {
      const ind = await earning.rule(adminA, a.id, { kind: 'indicator', name: '食品安全' });
      const item = await earning.rule(adminA, a.id, {
        kind: 'item',
        name: '过期食品',
        points: -2,
        parentId: ind.id,
      });
      const res = await earning.api(adminA).post(`/point-rules/${ind.id}/retire`);
      expect(res.status).toBe(200);
      expect(res.body.retired).toBe(true);
      const child = await earning.api(adminA).get(`/point-rules/${item.id}`);
      expect(child.body.retired).toBe(true);
      const tree = await earning.api(adminA).get(`/communities/${a.id}/point-rules`);
      expect(JSON.stringify(tree.body)).not.toContain('食品安全');
      const all = await earning.api(adminA).get(`/communities/${a.id}/point-rules?includeRetired=true`);
      expect(JSON.stringify(all.body)).toContain('食品安全');
    });
  });

  describe('awards', () => {
    it('awards at once with the ledger transfer, and replays an Idempotency-Key', async () => {
      const alice = await world.resident(a.id);
      const key = `award-${randomUUID()}`;
      const first = await earning.awardReq(staffA, alice, book.treePlanting, key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ residentId: alice.id, points: 2, ruleName: '认领树木/植树护绿' });
      expect(first.body.transfer).toMatchObject({
        code: 'award',
        amount: 2,
        refType: 'award',
        refId: first.body.id,
      });
      const again = await earning.awardReq(staffA, alice, book.treePlanting, key);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      const other = await earning
        .api(staffA)
        .post('/awards', { residentId: alice.id, ruleId: book.civilisedStairwell }, key);
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await earning.transfersOf(alice.id)).toHaveLength(1);
      expect(await earning.wallet(alice.id)).toEqual({ balance: 2, available: 2 });
      const grid = await earning.award(gridA, alice, book.civilisedStairwell);
      expect(grid.points).toBe(3);
    });

    it('keeps the points and wording an award was given with when the rule changes', async () => {
      const bob = await world.resident(a.id);
      const ruleId = await earning.item(adminA, a.id, 4, '帮助邻里');
      const before = await earning.award(staffA, bob, ruleId);
      const patched = await earning
        .api(adminA)
        .patch(`/point-rules/${ruleId}`, { points: 6, name: '帮助邻里(新)' });
      expect(patched.status).toBe(200);
      const after = await earning.award(staffA, bob, ruleId);
      expect([before.points, before.ruleName]).toEqual([4, '帮助邻里']);
      expect([after.points, after.ruleName]).toEqual([6, '帮助邻里(新)']);
      const stored = await earning.api(staffA).get(`/awards/${before.id}`);
      expect(stored.body).toMatchObject({ points: 4, ruleName: '帮助邻里' });
      expect(await earning.wallet(bob.id)).toEqual({ balance: 10, available: 10 });
    });

    it('refuses unknown, retired, other-community rules and indicators, writing nothing', async () => {
      const carol = await world.resident(a.id);
      const retired = await earning.item(adminA, a.id, 2, '已废止项目');
      await earning.api(adminA).post(`/point-rules/${retired}/retire`);
      const before = await counts();

      const unknown = await earning.awardReq(staffA, carol, randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');

      const old = await earning.awardReq(staffA, carol, retired);
      expect(old.status).toBe(422);
      expect(old.body).toMatchObject({ code: 'RULE_NOT_USABLE', details: { reason: 'retired' } });

      const indicator = await earning.awardReq(staffA, carol, book.greenery);
      expect(indicator.status).toBe(422);
      expect(indicator.body).toMatchObject({ code: 'RULE_NOT_USABLE', details: { reason: 'not_an_item' } });

      // B's rule is outside A's staff scope: it answers like a missing one.
      const foreign = await earning.awardReq(staffA, carol, bookB.treePlanting);
      expect(foreign.status).toBe(404);

      // Staff of B cannot award a resident of A.
      const otherStaff = await earning.awardReq(staffB, carol, bookB.treePlanting);
      expect(otherStaff.status).toBe(404);

      const bad = await earning.api(staffA).post('/awards', { residentId: carol.id, ruleId: 'tree' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields.map((f: any) => f.field)).toEqual(['ruleId']);

      const resident = await earning.awardReq(carol, carol, book.treePlanting);
      expect(resident.status).toBe(403);

      expect(await counts()).toEqual(before);
      expect(await earning.wallet(carol.id)).toEqual({ balance: 0, available: 0 });
    });

    it('records a deduction in full below zero; the wallet then cannot be spent', async () => {
      const dave = await world.resident(a.id);
      await earning.award(staffA, dave, book.treePlanting);
      const d = await earning.award(staffA, dave, book.vegetablesOnGreen);
      expect(d.points).toBe(-3);
      expect(d.transfer).toMatchObject({ code: 'deduction', amount: 3, exempt: true });
      expect(await earning.wallet(dave.id)).toEqual({ balance: -1, available: -1 });
      const d2 = await earning.award(staffA, dave, book.vegetablesOnGreen);
      expect(d2.transfer.amount).toBe(3);
      expect(await earning.wallet(dave.id)).toEqual({ balance: -4, available: -4 });

      const ledger = t.app.get(LedgerService);
      const spend = t.app.get(TransactionService).run(async (em) =>
        ledger.transfer(em, {
          id: newId(),
          debitAccountId: await ledger.walletOf(em, dave.id),
          creditAccountId: await ledger.expirySinkOf(em, a.id),
          amount: 1,
          code: 'order_hold',
          pending: true,
        }),
      );
      await expect(spend).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
      const wallet = await earning.api(dave).get('/me/wallet');
      expect(wallet.body).toMatchObject({ available: -4, balance: -4 });
    });
  });

  describe('declarations', () => {
    it('lets a resident declare for themself and see the status; staff approve once', async () => {
      const erin = await world.resident(a.id);
      const d = await earning.declare(erin, book.heritageCraft, { note: '为青少年开设剪纸课堂' });
      expect(d).toMatchObject({
        status: 'pending',
        residentId: erin.id,
        declaredBy: erin.id,
        proxy: false,
        points: 30,
      });

      const mine = await earning.api(erin).get('/declarations');
      expect(mine.body.items.map((x: any) => [x.id, x.status])).toEqual([[d.id, 'pending']]);
      const pending = await earning.api(staffA).get('/declarations?status=pending');
      expect(pending.body.items.map((x: any) => x.id)).toContain(d.id);
      const notB = await earning.api(staffB).get('/declarations');
      expect(notB.body.items.map((x: any) => x.id)).not.toContain(d.id);
      expect((await earning.api(staffB).get(`/declarations/${d.id}`)).status).toBe(404);

      const ok = await earning.api(staffA).post(`/declarations/${d.id}/approve`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'approved', reviewedBy: staffA.id });
      expect(ok.body.award.transfer).toMatchObject({ code: 'award', amount: 30 });
      const again = await earning.api(staffA).post(`/declarations/${d.id}/approve`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_REVIEWED');
      const reject = await earning.api(adminA).post(`/declarations/${d.id}/reject`, { reason: '重复' });
      expect(reject.status).toBe(409);
      expect(reject.body.code).toBe('ALREADY_REVIEWED');
      expect(await earning.wallet(erin.id)).toEqual({ balance: 30, available: 30 });
      const seen = await earning.api(erin).get(`/declarations/${d.id}`);
      expect(seen.body).toMatchObject({ status: 'approved', awardId: ok.body.award.id });
    });

    it('rejects with a reason the resident sees, and posts nothing', async () => {
      const fay = await world.resident(a.id);
      const d = await earning.declare(fay, book.civilisedStairwell);
      const before = await counts();
      const empty = await earning.api(staffA).post(`/declarations/${d.id}/reject`, {});
      expect(empty.status).toBe(400);
      const res = await earning.api(staffA).post(`/declarations/${d.id}/reject`, { reason: '未能核实' });
      expect(res.status).toBe(200);
      const seen = await earning.api(fay).get('/declarations?status=rejected');
      expect(seen.body.items).toEqual([
        expect.objectContaining({ id: d.id, status: 'rejected', rejectReason: '未能核实' }),
      ]);
      expect(await counts()).toEqual(before);
    });

    it('records a grid worker declaring on behalf of a resident as a proxy', async () => {
      const elder = await world.resident(a.id, { displayName: '王奶奶' });
      const d = await earning.declare(gridA, book.treePlanting, { residentId: elder.id });
      expect(d).toMatchObject({ residentId: elder.id, declaredBy: gridA.id, proxy: true, status: 'pending' });
      const mine = await earning.api(elder).get('/declarations');
      expect(mine.body.items[0]).toMatchObject({ id: d.id, proxy: true });
      const approved = await earning.api(staffA).post(`/declarations/${d.id}/approve`);
      expect(approved.status).toBe(200);
      expect(await earning.wallet(elder.id)).toEqual({ balance: 2, available: 2 });
    });

    it('answers 404 to a grid worker declaring for a resident outside their scope', async () => {
      const outsider = await world.resident(b.id);
      const before = await counts();
      const res = await earning.declareReq(gridA, book.treePlanting, { residentId: outsider.id });
      expect(res.status).toBe(404);
      const withB = await earning.declareReq(gridA, bookB.treePlanting, { residentId: outsider.id });
      expect(withB.status).toBe(404);
      const resident = await world.resident(a.id);
      const forOther = await earning.declareReq(resident, book.treePlanting, { residentId: outsider.id });
      expect(forOther.status).toBe(403);
      const foreignRule = await earning.declareReq(resident, bookB.treePlanting);
      expect(foreignRule.status).toBe(404);
      const future = await earning.declareReq(resident, book.treePlanting, {
        occurredAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(future.status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it('forbids whoever declared, or benefits, from reviewing (403 SELF_SERVICE_FORBIDDEN)', async () => {
      const both = await world.user(['community_staff', 'grid_worker'], a.id);
      const gus = await world.resident(a.id);
      const d = await earning.declare(both, book.treePlanting, { residentId: gus.id });
      const before = await counts();
      const self = await earning.api(both).post(`/declarations/${d.id}/approve`);
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('SELF_SERVICE_FORBIDDEN');
      const selfReject = await earning.api(both).post(`/declarations/${d.id}/reject`, { reason: 'x' });
      expect(selfReject.body.code).toBe('SELF_SERVICE_FORBIDDEN');

      const staffResident = await world.user(['resident', 'community_staff'], a.id);
      const own = await earning.declare(staffResident, book.treePlanting);
      const ownReview = await earning.api(staffResident).post(`/declarations/${own.id}/approve`);
      expect(ownReview.status).toBe(403);
      expect(ownReview.body.code).toBe('SELF_SERVICE_FORBIDDEN');
      expect(await counts()).toEqual({ ...before, declarations: before.declarations + 1 });
      expect((await earning.api(staffA).get(`/declarations/${d.id}`)).body.status).toBe('pending');
      // A grid worker declares but does not review.
      const gridReview = await earning.api(gridA).post(`/declarations/${d.id}/approve`);
      expect(gridReview.status).toBe(403);
    });

    it('posts one transfer for 100 concurrent approvals of one declaration', async () => {
      const hal = await world.resident(a.id);
      const d = await earning.declare(hal, book.heritageCraft);
      const reviewers = [staffA, adminA];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          earning.api(reviewers[i % 2]).post(`/declarations/${d.id}/approve`),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(99);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'ALREADY_REVIEWED')).toBe(
        true,
      );
      expect(await earning.transfersOf(hal.id)).toHaveLength(1);
      expect(await world.count('awards', 'declaration_id = ?', [d.id])).toBe(1);
      expect(await earning.wallet(hal.id)).toEqual({ balance: 30, available: 30 });
    });
  });

  describe('credit levels', () => {
    it('is AA at 179 earned points, AAA at 180, and a deduction moves a resident down', async () => {
      const ivy = await world.resident(a.id);
      const p179 = await earning.item(adminA, a.id, 179);
      const p1 = await earning.item(adminA, a.id, 1);
      await earning.award(staffA, ivy, p179);
      expect(await earning.credit(ivy)).toMatchObject({
        earnedPoints: 179,
        level: 'AA',
        next: { level: 'AAA', pointsNeeded: 1 },
      });
      await earning.award(staffA, ivy, p1);
      const aaa = await earning.credit(ivy);
      expect(aaa).toMatchObject({ earnedPoints: 180, level: 'AAA', next: null });
      expect(aaa.entitlements.map((e: any) => e.kind)).toContain('canteen_meal');
      await earning.award(staffA, ivy, book.vegetablesOnGreen);
      expect(await earning.credit(ivy)).toMatchObject({ earnedPoints: 177, level: 'AA' });
      expect((await earning.credit(staffA, ivy.id)).level).toBe('AA');
      const lastYear = await earning.api(ivy).get(`/residents/${ivy.id}/credit?year=2001`);
      expect(lastYear.body).toMatchObject({ year: 2001, earnedPoints: 0, level: 'NONE' });
    });

    it('does not count spending, only awards, grants and deductions', async () => {
      const jo = await world.resident(a.id);
      const p120 = await earning.item(adminA, a.id, 120);
      await earning.award(staffA, jo, p120);
      const ledger = t.app.get(LedgerService);
      await t.app.get(TransactionService).run(async (em) =>
        ledger.transfer(em, {
          id: newId(),
          debitAccountId: await ledger.walletOf(em, jo.id),
          creditAccountId: await ledger.redemptionOf(em, newId()),
          amount: 100,
          code: 'redeem',
        }),
      );
      expect(await earning.credit(jo)).toMatchObject({ earnedPoints: 120, level: 'AA' });
      expect(await earning.wallet(jo.id)).toEqual({ balance: 20, available: 20 });
    });

    it('shows credit to the resident and staff of their scope only', async () => {
      const kim = await world.resident(a.id);
      const neighbour = await world.resident(a.id);
      expect((await earning.api(neighbour).get(`/residents/${kim.id}/credit`)).status).toBe(404);
      expect((await earning.api(staffB).get(`/residents/${kim.id}/credit`)).status).toBe(404);
      expect((await earning.api(gridA).get(`/residents/${kim.id}/credit`)).status).toBe(200);
    });

    it('takes thresholds from the nearest region that sets them (community → street → city → default)', async () => {
      const lee = await world.resident(a.id);
      await earning.award(staffA, lee, await earning.item(adminA, a.id, 100));
      expect((await earning.credit(lee)).level).toBe('A');
      const cityAdmin = await world.user(['city_admin'], a.cityId!);
      const put = (regionId: string, body: object, who: User = cityAdmin) =>
        earning.api(who).put(`/regions/${regionId}/credit-thresholds`, body);
      expect((await put(a.cityId!, { aaa: 100, aa: 80, a: 40 })).status).toBe(200);
      expect(await earning.credit(lee)).toMatchObject({
        level: 'AAA',
        thresholds: { sourceRegionId: a.cityId },
      });
      expect((await put(a.streetId!, { aaa: 150, aa: 90, a: 30 })).status).toBe(200);
      expect(await earning.credit(lee)).toMatchObject({
        level: 'AA',
        thresholds: { aaa: 150, sourceRegionId: a.streetId },
      });
      const bad = await put(a.streetId!, { aaa: 100, aa: 100, a: 30 });
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields.map((f: any) => f.field)).toEqual(['aa']);
      expect((await put(a.streetId!, { aaa: 150, aa: 90, a: 30 }, adminA)).status).toBe(403);
      const del = await earning.api(cityAdmin).delete(`/regions/${a.streetId}/credit-thresholds`);
      expect(del.body).toMatchObject({ aaa: 100, sourceRegionId: a.cityId });
      await earning.api(cityAdmin).delete(`/regions/${a.cityId}/credit-thresholds`);
      expect(await earning.credit(lee)).toMatchObject({
        level: 'A',
        thresholds: { aaa: 180, sourceRegionId: null },
      });
    });
  });

  describe('rankings and boards', () => {
    /** A community of its own with residents at known points. */
    async function rankedCommunity() {
      const c = await world.community();
      const admin = await world.communityAdmin(c.id);
      const staff = await world.staff(c.id);
      const names = ['张小红', '李明', '欧阳志远', '王'];
      const residents: User[] = [];
      for (const displayName of names) residents.push(await world.resident(c.id, { displayName }));
      const p10 = await earning.item(admin, c.id, 10);
      const p5 = await earning.item(admin, c.id, 5);
      const minus3 = await earning.item(admin, c.id, -3);
      await earning.award(staff, residents[0], p10); // 张小红 10
      await earning.award(staff, residents[1], p10); // 李明 10
      await earning.award(staff, residents[2], p10); // 欧阳志远 10 - 3 - 3 + 5 = 9
      await earning.award(staff, residents[2], minus3);
      await earning.award(staff, residents[2], minus3);
      await earning.award(staff, residents[2], p5);
      return { c, admin, staff, residents };
    }

    it('orders by points earned, ties by resident id, masks names for residents', async () => {
      const { c, staff, residents } = await rankedCommunity();
      const [hong, ming, zhiyuan, wang] = residents;
      const tied = [hong, ming].sort((x, y) => (x.id < y.id ? -1 : 1));
      const asResident = await earning.api(wang).get(`/rankings?regionId=${c.id}`);
      expect(asResident.status).toBe(200);
      expect(asResident.body.items.map((e: any) => [e.residentId, e.points, e.rank])).toEqual([
        [tied[0].id, 10, 1],
        [tied[1].id, 10, 1],
        [zhiyuan.id, 9, 3],
        [wang.id, 0, 4],
      ]);
      const nameOf = Object.fromEntries(asResident.body.items.map((e: any) => [e.residentId, e.name]));
      expect(nameOf[hong.id]).toBe('张*红');
      expect(nameOf[ming.id]).toBe('李*');
      expect(nameOf[zhiyuan.id]).toBe('欧*远');
      expect(nameOf[wang.id]).toBe('王'); // the viewer sees their own name

      const asStaff = await earning.api(staff).get(`/rankings?regionId=${c.id}`);
      expect(asStaff.body.items.map((e: any) => e.name).sort()).toEqual(
        ['张小红', '李明', '欧阳志远', '王'].sort(),
      );

      // Pages of one never overlap and give the same order.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await earning
          .api(wang)
          .get(`/rankings?regionId=${c.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        paged.push(...page.body.items.map((e: any) => `${e.residentId}:${e.rank}:${e.position}`));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(asResident.body.items.map((e: any) => `${e.residentId}:${e.rank}:${e.position}`));
    });

    it('ranks a street across its communities, and hides other cities', async () => {
      const streetResident = await world.resident(b.id);
      const res = await earning.api(streetResident).get(`/rankings?regionId=${a.streetId}&limit=100`);
      expect(res.status).toBe(200);
      const communities = new Set(res.body.items.map((e: any) => e.communityId));
      expect(communities.has(a.id)).toBe(true);
      expect(communities.has(b.id)).toBe(true);
      const points = res.body.items.map((e: any) => e.points);
      expect(points).toEqual([...points].sort((x: number, y: number) => y - x));
      const elsewhere = await world.community();
      expect((await earning.api(streetResident).get(`/rankings?regionId=${elsewhere.id}`)).status).toBe(404);
    });

    it('shows a red board of top residents and a yellow board of recent deductions that clears', async () => {
      const { c, admin, residents } = await rankedCommunity();
      const [hong, ming, zhiyuan, wang] = residents;
      const boards = await earning.api(wang).get(`/communities/${c.id}/boards`);
      expect(boards.status).toBe(200);
      expect(boards.body.red.map((e: any) => e.residentId)).toEqual([
        ...[hong, ming].map((r) => r.id).sort(),
        zhiyuan.id,
      ]);
      expect(boards.body.red[0].name).toMatch(/\*/);
      expect(boards.body.yellow.clearAfterDays).toBe(30);
      expect(boards.body.yellow.items).toEqual([
        expect.objectContaining({ residentId: zhiyuan.id, name: '欧*远', deductions: 2, pointsDeducted: 6 }),
      ]);

      const set = await earning
        .api(admin)
        .put(`/communities/${c.id}/earning-settings`, { yellowClearDays: 7 });
      expect(set.body).toEqual({ communityId: c.id, yellowClearDays: 7 });
      // Eight days pass without a new deduction: the mark clears.
      await t.sql(
        `UPDATE awards SET created_at = DATE_SUB(created_at, INTERVAL 8 DAY) WHERE resident_id = ? AND points < 0`,
        [zhiyuan.id],
      );
      const later = await earning.api(wang).get(`/communities/${c.id}/boards`);
      expect(later.body.yellow).toEqual({ clearAfterDays: 7, items: [] });
      const forbidden = await earning
        .api(wang)
        .put(`/communities/${c.id}/earning-settings`, { yellowClearDays: 1 });
      expect(forbidden.status).toBe(403);
    });
  });
});
