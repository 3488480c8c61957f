import { CatalogService } from '../src/catalog/catalog.service';
import { TransactionService } from '../src/database/transaction.service';
import { catalogStep, DEMO_LISTINGS } from '../src/scripts/demo/catalog.step';
import { createDemoContext } from '../src/scripts/demo/context';
import { DEMO_STEPS } from '../src/scripts/demo/steps';
import { Mall, TestCity } from './support/catalog';
import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

const fieldsOf = (body: any): string[] => (body.details?.fields ?? []).map((f: { field: string }) => f.field);
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('catalog: listings, circulation (scope) and stock', () => {
  let t: TestApp;
  let world: World;
  let mall: Mall;
  let x: TestCity; // the city most tests live in
  let y: Awaited<ReturnType<World['community']>>; // a community of another city
  let merchant: { org: { id: string }; staff: User };
  let rival: { org: { id: string }; staff: User }; // another merchant in the same community
  let hospital: { org: { id: string }; staff: User };
  let farMerchant: { org: { id: string }; staff: User }; // a merchant of the other city
  let residentA1: User;
  let residentA2: User;
  let residentB1: User;
  let residentY: User;

  beforeAll(async () => {
    t = await createTestApp();
    world = new World(t);
    mall = new Mall(t, world);
    x = await mall.city();
    y = await world.community();
    merchant = await mall.provider('merchant', x.a1.id, '惠民超市');
    rival = await mall.provider('merchant', x.a1.id, '好邻居超市');
    hospital = await mall.provider('hospital', x.district.id, '第一人民医院');
    farMerchant = await mall.provider('merchant', y.id);
    [residentA1, residentA2, residentB1, residentY] = await Promise.all([
      world.resident(x.a1.id),
      world.resident(x.a2.id),
      world.resident(x.b1.id),
      world.resident(y.id),
    ]);
  });
  afterAll(() => t?.close());

  describe('managing a listing', () => {
    it('lets the provider’s staff create, edit, restock, unpublish and publish again', async () => {
      const created = await mall.post(
        merchant.staff,
        mall.body(x.a1.id, {
          title: '大米 5kg',
          stock: 5,
          perResidentLimit: { count: 1, period: 'month' },
          eligibility: { minCreditLevel: 'AA', minAge: 60 },
          validFrom: hours(-1),
          validUntil: hours(24 * 30),
          unitCostFen: 3500,
          imageUrl: 'https://example.org/rice.jpg',
        }),
      );
      expect(created.status).toBe(201);
      const l = created.body;
      expect(l).toMatchObject({
        kind: 'goods',
        title: '大米 5kg',
        pointsPrice: 50,
        stock: 5,
        perResidentLimit: { count: 1, period: 'month' },
        eligibility: { minCreditLevel: 'AA', minAge: 60 },
        scope: { regionId: x.a1.id, kind: 'community' },
        providerOrganizationId: merchant.org.id,
        provider: { id: merchant.org.id, name: '惠民超市', type: 'merchant' },
        status: 'published',
        available: true,
        unitCostFen: 3500,
        donationId: null,
        createdBy: merchant.staff.id,
        version: 1,
      });
      const row = await mall.row(l.id);
      expect(row).toMatchObject({ stock: 5, scope_path: expect.stringMatching(new RegExp(`/${x.a1.id}/$`)) });

      const edited = await mall.patch(merchant.staff, l.id, { title: '大米 10kg', pointsPrice: 90 });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: '大米 10kg', pointsPrice: 90, stock: 5, version: 2 });

      const restocked = await mall.restock(merchant.staff, l.id, 3);
      expect(restocked.status).toBe(200);
      expect(restocked.body.stock).toBe(8);
      expect(await mall.stock(l.id)).toBe(8);

      const off = await mall.action(merchant.staff, l.id, 'unpublish');
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ status: 'unpublished', available: false, version: 3 });
      expect(await mall.listIds(residentA1)).not.toContain(l.id);
      expect((await mall.action(merchant.staff, l.id, 'unpublish')).body.version).toBe(3); // no-op
      expect(await mall.listIds(merchant.staff, { manage: true })).toContain(l.id);

      const on = await mall.action(merchant.staff, l.id, 'publish');
      expect(on.body).toMatchObject({ status: 'published', available: true, version: 4 });
      expect(await mall.listIds(residentA1)).toContain(l.id);
    });

    it('lets community admins run their community’s own supermarket without naming it', async () => {
      const supermarket = await world.organization('社区积分超市', 'community', x.a2.id);
      const admin = await world.communityAdmin(x.a2.id);
      const l = await mall.create(admin, x.a2.id, { title: '食用油 5L' });
      expect(l.providerOrganizationId).toBe(supermarket.id);
      expect((await mall.restock(admin, l.id, 1)).status).toBe(200);
      // ...but not a merchant's listing in their community, nor as a grid worker.
      const shop = await mall.create(merchant.staff, x.a1.id);
      const a1Admin = await world.communityAdmin(x.a1.id);
      expect((await mall.restock(a1Admin, shop.id, 1)).status).toBe(403);
      const grid = await world.gridWorker(x.a2.id);
      expect((await mall.post(grid, mall.body(x.a2.id))).status).toBe(403);
    });

    it('answers 403 to another merchant who can see the listing and 404 to one who cannot', async () => {
      const l = await mall.create(merchant.staff, x.city.id, { stock: 4 });
      for (const res of [
        await mall.patch(rival.staff, l.id, { title: 'mine now' }),
        await mall.restock(rival.staff, l.id, 100),
        await mall.action(rival.staff, l.id, 'unpublish'),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      for (const res of [
        await mall.patch(farMerchant.staff, l.id, { title: 'mine now' }),
        await mall.restock(farMerchant.staff, l.id, 100),
        await mall.action(farMerchant.staff, l.id, 'unpublish'),
        await mall.get(farMerchant.staff, l.id),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('LISTING_NOT_FOUND');
      }
      expect(await mall.row(l.id)).toMatchObject({
        title: l.title,
        stock: 4,
        status: 'published',
        version: 1,
      });
      // Nor may anyone list on behalf of an organisation they do not work for.
      const res = await mall.post(
        rival.staff,
        mall.body(x.a1.id, { providerOrganizationId: merchant.org.id }),
      );
      expect(res.status).toBe(403);
    });

    it('answers 403 to a resident who tries to create, edit or restock', async () => {
      const before = await mall.count();
      const res = await mall.post(residentA1, mall.body(x.a1.id));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      const l = await mall.create(merchant.staff, x.a1.id);
      expect((await mall.patch(residentA1, l.id, { pointsPrice: 1 })).status).toBe(403);
      expect((await mall.restock(residentA1, l.id, 1)).status).toBe(403);
      expect((await mall.list(residentA1, { manage: true })).status).toBe(403);
      expect(await mall.count()).toBe(before + 1);
    });

    it('refuses to restock an unlimited listing and a stale edit', async () => {
      const l = await mall.create(hospital.staff, x.city.id, { kind: 'service', stock: null });
      const res = await mall.restock(hospital.staff, l.id, 5);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_STATE');
      expect(await mall.stock(l.id)).toBeNull();

      expect((await mall.patch(hospital.staff, l.id, { title: '陪护就医', version: 1 })).status).toBe(200);
      const stale = await mall.patch(hospital.staff, l.id, { title: '陪护', version: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('CONFLICT');
      expect((await mall.row(l.id))?.title).toBe('陪护就医');
    });

    it('creates once per Idempotency-Key (a retried POST returns the first listing)', async () => {
      const before = await mall.count();
      const body = mall.body(x.a1.id);
      const send = (b: Record<string, unknown>) =>
        mall.post(merchant.staff, b).set('Idempotency-Key', `create-${merchant.staff.id}`);
      const [first, again] = [await send(body), await send(body)];
      expect(first.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await mall.count()).toBe(before + 1);
      const other = await send({ ...body, pointsPrice: 51 });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('adds exactly 20 after 20 concurrent restocks of 1', async () => {
      const l = await mall.create(merchant.staff, x.a1.id, { stock: 7 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => mall.restock(merchant.staff, l.id, 1)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(await mall.stock(l.id)).toBe(27);
    });
  });

  describe('scope: who sees a listing (circulation)', () => {
    it('keeps a community listing inside its community', async () => {
      const l = await mall.create(merchant.staff, x.a1.id);
      expect((await mall.get(residentA1, l.id)).status).toBe(200);
      expect(await mall.listIds(residentA1)).toContain(l.id);
      const res = await mall.get(residentA2, l.id);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('LISTING_NOT_FOUND');
      expect(await mall.listIds(residentA2)).not.toContain(l.id);
    });

    it('shows a city-wide listing in every community of the city and in no other city (市域互认)', async () => {
      const l = await mall.create(hospital.staff, x.city.id, { kind: 'service', title: '免费体检' });
      for (const r of [residentA1, residentA2, residentB1]) {
        expect((await mall.get(r, l.id)).status).toBe(200);
        expect(await mall.listIds(r)).toContain(l.id);
      }
      expect((await mall.get(residentY, l.id)).status).toBe(404);
      expect(await mall.listIds(residentY)).not.toContain(l.id);
    });

    it('shows a street-wide listing in the communities of that street only', async () => {
      const l = await mall.create(merchant.staff, x.streetA.id, { title: '食用油 5L' });
      for (const r of [residentA1, residentA2]) expect(await mall.listIds(r)).toContain(l.id);
      expect((await mall.get(residentB1, l.id)).status).toBe(404);
      expect(await mall.listIds(residentB1)).not.toContain(l.id);
    });

    it('lets a provider serve another community of its city, never another city or a district', async () => {
      const l = await mall.create(merchant.staff, x.b1.id);
      expect(await mall.listIds(residentB1)).toContain(l.id);
      expect(await mall.listIds(residentA1)).not.toContain(l.id);

      const district = await mall.post(merchant.staff, mall.body(x.district.id));
      expect(district.status).toBe(400);
      expect(fieldsOf(district.body)).toEqual(['scope.regionId']);
      const elsewhere = await mall.post(merchant.staff, mall.body(y.id));
      expect(elsewhere.status).toBe(404);
    });

    it('lists only what is orderable now; GET still shows an in-scope listing as unavailable', async () => {
      const later = await mall.create(merchant.staff, x.a1.id, {
        validFrom: hours(2),
        validUntil: hours(48),
      });
      const over = await mall.create(merchant.staff, x.a1.id, {
        validFrom: hours(-48),
        validUntil: hours(-1),
      });
      const ids = await mall.listIds(residentA1);
      expect(ids).not.toContain(later.id);
      expect(ids).not.toContain(over.id);
      const res = await mall.get(residentA1, later.id);
      expect(res.status).toBe(200);
      expect(res.body.available).toBe(false);
      expect(await mall.listIds(merchant.staff, { manage: true })).toEqual(
        expect.arrayContaining([later.id, over.id]),
      );
    });

    it('narrows the list to what circulates at ?regionId=', async () => {
      const street = await mall.create(merchant.staff, x.streetA.id);
      const community = await mall.create(merchant.staff, x.a1.id);
      const cityOnly = await mall.listIds(residentA1, { regionId: x.city.id });
      expect(cityOnly).not.toContain(street.id);
      const streetIds = await mall.listIds(residentA1, { regionId: x.streetA.id });
      expect(streetIds).toContain(street.id);
      expect(streetIds).not.toContain(community.id);
      expect((await mall.list(residentA1, { regionId: y.id })).status).toBe(404);
    });
  });

  describe('listing and filtering', () => {
    let p: TestCity;
    let shop: { org: { id: string }; staff: User };
    let resident: User;
    const created: string[] = [];

    beforeAll(async () => {
      p = await mall.city();
      shop = await mall.provider('merchant', p.a1.id);
      resident = await world.resident(p.a1.id);
      const specs = [
        { kind: 'goods', title: '大米 5kg' },
        { kind: 'goods', title: '优质大米 10kg' },
        { kind: 'goods', title: '食用油 5L' },
        { kind: 'service', title: '代购药品' },
        { kind: 'service', title: '陪护就医' },
        { kind: 'honor', title: '文明家庭荣誉证书' },
        { kind: 'perk', title: '老年食堂爱心餐 100%' },
      ];
      for (let i = 0; i < 25; i++) {
        const spec = specs[i % specs.length];
        const l = await mall.create(shop.staff, i % 2 ? p.a1.id : p.city.id, {
          ...spec,
          title: `${spec.title} #${i}`,
        });
        created.push(l.id);
      }
    });

    it('filters by kind and by text in the title', async () => {
      const services = await mall.list(resident, { kind: 'service', limit: 100 });
      expect(services.status).toBe(200);
      expect(services.body.items.length).toBeGreaterThan(0);
      expect(services.body.items.every((i: any) => i.kind === 'service')).toBe(true);
      expect(services.body.items).toHaveLength(created.filter((_, i) => i % 7 === 3 || i % 7 === 4).length);

      const rice = await mall.list(resident, { q: '大米', limit: 100 });
      expect(rice.body.items.map((i: any) => i.title).sort()).toEqual(
        created
          .map((_, i) => i)
          .filter((i) => i % 7 <= 1)
          .map((i) => `${i % 7 === 0 ? '大米 5kg' : '优质大米 10kg'} #${i}`)
          .sort(),
      );
      const percent = await mall.list(resident, { q: '100%', limit: 100 });
      expect(percent.body.items.every((i: any) => i.title.includes('100%'))).toBe(true);
      expect(percent.body.items.length).toBe(created.filter((_, i) => i % 7 === 6).length);
      const none = await mall.list(resident, { q: '%', kind: 'goods' });
      expect(none.body.items).toHaveLength(0);
    });

    it('walks every listing once with nextCursor, newest first', async () => {
      const seen: string[] = [];
      const createdAts: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await mall.list(resident, { limit: 4, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(4);
        seen.push(...res.body.items.map((i: any) => i.id));
        createdAts.push(...res.body.items.map((i: any) => i.createdAt));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...created].sort());
      expect(pages).toBe(7);
      expect([...createdAts].sort().reverse()).toEqual(createdAts);
    });

    it('rejects a malformed cursor or limit, naming it', async () => {
      const bad = await mall.list(resident, { cursor: 'not-a-cursor' });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['cursor']);
      const big = await mall.list(resident, { limit: 500 });
      expect(big.status).toBe(400);
      expect(fieldsOf(big.body)).toEqual(['limit']);
    });
  });

  describe('validation', () => {
    const cases: Array<[string, (regionId: string) => Record<string, unknown>, string]> = [
      ['an unknown field', (r) => ({ ...mall.body(r), colour: 'red' }), 'colour'],
      ['an unknown nested field', (r) => mall.body(r, { scope: { regionId: r, x: 1 } }), 'scope.x'],
      ['a negative price', (r) => mall.body(r, { pointsPrice: -5 }), 'pointsPrice'],
      ['a zero price', (r) => mall.body(r, { pointsPrice: 0 }), 'pointsPrice'],
      ['a fractional price', (r) => mall.body(r, { pointsPrice: 1.5 }), 'pointsPrice'],
      ['a missing stock', (r) => mall.body(r, { stock: undefined }), 'stock'],
      ['a negative stock', (r) => mall.body(r, { stock: -1 }), 'stock'],
      ['an unknown kind', (r) => mall.body(r, { kind: 'cash' }), 'kind'],
      [
        'a bad limit period',
        (r) => mall.body(r, { perResidentLimit: { count: 1, period: 'week' } }),
        'perResidentLimit.period',
      ],
      [
        'a bad credit level',
        (r) => mall.body(r, { eligibility: { minCreditLevel: 'AAAA' } }),
        'eligibility.minCreditLevel',
      ],
      [
        'validUntil before validFrom',
        (r) => mall.body(r, { validFrom: '2026-06-01T00:00:00Z', validUntil: '2026-05-01T00:00:00Z' }),
        'validUntil',
      ],
      ['a date without a zone', (r) => mall.body(r, { validFrom: '2026-06-01T00:00' }), 'validFrom'],
      ['a missing scope', (r) => mall.body(r, { scope: undefined }), 'scope'],
    ];

    it.each(cases)('rejects %s with 400 naming the field and writes nothing', async (_, make, field) => {
      const before = await mall.count();
      const res = await mall.post(merchant.staff, make(x.a1.id));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
      expect(await mall.count()).toBe(before);
    });

    it('rejects PATCHing the stock, an unknown field or a window that ends before it starts', async () => {
      const l = await mall.create(merchant.staff, x.a1.id, { validFrom: '2026-06-01T00:00:00Z' });
      const stock = await mall.patch(merchant.staff, l.id, { stock: 1000 });
      expect(stock.status).toBe(400);
      expect(fieldsOf(stock.body)).toEqual(['stock']);
      const title = await mall.patch(merchant.staff, l.id, { title: null });
      expect(fieldsOf(title.body)).toEqual(['title']);
      const window = await mall.patch(merchant.staff, l.id, { validUntil: '2026-05-01T00:00:00Z' });
      expect(window.status).toBe(400);
      expect(fieldsOf(window.body)).toEqual(['validUntil']);
      expect(await mall.row(l.id)).toMatchObject({ stock: 10, valid_until: null, version: 1 });
      // Clearing a nullable field is fine.
      const cleared = await mall.patch(merchant.staff, l.id, { validFrom: null, eligibility: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ validFrom: null, eligibility: {}, version: 2 });
    });

    it('rejects a malformed listing id and a bad restock quantity', async () => {
      const l = await mall.create(merchant.staff, x.a1.id);
      const id = await mall.get(residentA1, 'nope');
      expect(id.status).toBe(400);
      expect(fieldsOf(id.body)).toEqual(['id']);
      for (const q of [0, -3, 2.5, '4', null]) {
        const res = await mall.restock(merchant.staff, l.id, q);
        expect(res.status).toBe(400);
        expect(fieldsOf(res.body)).toEqual(['quantity']);
      }
      expect(await mall.stock(l.id)).toBe(10);
    });
  });

  describe('the service the order path uses', () => {
    let catalog: CatalogService;
    let tx: TransactionService;

    beforeAll(() => {
      catalog = t.app.get(CatalogService);
      tx = t.app.get(TransactionService);
    });

    it('takes stock with a conditional decrement: 30 takers of 1 on a stock of 10 get exactly 10', async () => {
      const l = await mall.create(merchant.staff, x.a1.id, { stock: 10 });
      const taken = await Promise.all(
        Array.from({ length: 30 }, () => tx.run((em) => catalog.takeStock(em, l.id, 1))),
      );
      expect(taken.filter(Boolean)).toHaveLength(10);
      expect(await mall.stock(l.id)).toBe(0);
      expect(await tx.run((em) => catalog.takeStock(em, l.id, 1))).toBe(false);
      await tx.run((em) => catalog.returnStock(em, l.id, 3));
      expect(await mall.stock(l.id)).toBe(3);
      expect(await tx.run((em) => catalog.takeStock(em, l.id, 4))).toBe(false);
      expect(await mall.stock(l.id)).toBe(3);
    });

    it('always takes from an unlimited listing and leaves it unlimited', async () => {
      const l = await mall.create(hospital.staff, x.city.id, { stock: null, kind: 'service' });
      expect(await tx.run((em) => catalog.takeStock(em, l.id, 5))).toBe(true);
      await tx.run((em) => catalog.returnStock(em, l.id, 5));
      expect(await mall.stock(l.id)).toBeNull();
      await expect(
        tx.run((em) => catalog.takeStock(em, '00000000-0000-4000-8000-000000000000', 1)),
      ).rejects.toMatchObject({ code: 'LISTING_NOT_FOUND' });
    });

    it('rolls the decrement back with the order transaction', async () => {
      const l = await mall.create(merchant.staff, x.a1.id, { stock: 2 });
      await expect(
        tx.run(async (em) => {
          expect(await catalog.takeStock(em, l.id, 2)).toBe(true);
          throw new Error('the points hold failed');
        }),
      ).rejects.toThrow('the points hold failed');
      expect(await mall.stock(l.id)).toBe(2);
    });

    it('reads a listing for an order and says whether the resident may order it now', async () => {
      const l = await mall.create(merchant.staff, x.streetA.id, { validUntil: hours(1) });
      const row = await tx.run((em) => catalog.getForOrder(em, l.id, { lock: true }));
      expect(row).toMatchObject({ id: l.id, stock: 10, status: 'published' });
      const a1 = { regionPath: row!.scopePath + x.a1.id + '/' };
      expect(catalog.isOrderable(row!, a1, new Date())).toEqual({ orderable: true });
      expect(catalog.isOrderable(row!, a1, new Date(Date.now() + 2 * 3_600_000))).toMatchObject({
        code: 'LISTING_NOT_AVAILABLE',
        reason: 'expired',
      });
      expect(catalog.isOrderable(row!, { regionPath: '/elsewhere/' }, new Date())).toMatchObject({
        code: 'LISTING_NOT_FOUND',
      });
      expect(() => catalog.assertOrderable(row!, { regionPath: '/elsewhere/' }, new Date())).toThrow(
        expect.objectContaining({ code: 'LISTING_NOT_FOUND' }),
      );
      expect(
        await tx.run((em) => catalog.getForOrder(em, '00000000-0000-4000-8000-000000000000')),
      ).toBeNull();
      expect((await catalog.findByIds([l.id, l.id])).map((r) => r.title)).toEqual([l.title]);
      expect(await catalog.findByIds([])).toEqual([]);
    });
  });

  describe('demo seed', () => {
    it('seeds the listings of the report, visible where they circulate, and a second run changes nothing', async () => {
      expect(DEMO_STEPS).toContain(catalogStep);
      const lines: string[] = [];
      const ctx = createDemoContext(t.app, (line) => lines.push(line));
      const steps = DEMO_STEPS.slice(0, DEMO_STEPS.indexOf(catalogStep) + 1);
      for (const step of steps) await step.run(ctx);
      expect(await catalogStep.run(ctx)).toBe('0 created, 0 updated, 9 unchanged');

      const token = await world.login('demo.resident', 'demo12345');
      const resident = { token } as User;
      const titles = (await mall.list(resident, { limit: 100 })).body.items.map((i: any) => i.title);
      expect(titles).toEqual(
        expect.arrayContaining(['大米 5kg', '食用油 5L', '文创抱枕', '免费体检', '陪护就医', '代购药品']),
      );
      expect(titles).toEqual(expect.arrayContaining(['老年食堂爱心餐', '文明家庭荣誉证书']));
      expect(titles).not.toContain('食盐 500g');
      const honor = await mall.get(resident, DEMO_LISTINGS.honor);
      expect(honor.body).toMatchObject({ kind: 'honor', eligibility: { minCreditLevel: 'AAA' } });
    });
  });
});
