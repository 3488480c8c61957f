import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './support/harness';
import { ADULT, MINOR, MutualAid } from './support/mutual-aid';
import { User, World } from './support/world';

type Community = Awaited<ReturnType<World['community']>>;

describe('mutual aid and stored time (时间储蓄)', () => {
  let t: TestApp;
  let world: World;
  let aid: MutualAid;
  let a: Community;
  let b: Community;
  let grandma: User;
  let volunteer: User;
  let gridA: User;
  let adminA: User;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    aid = new MutualAid(t, world);
    a = await world.community('桃花园社区');
    b = await world.community('东升社区', { streetId: a.streetId, cityId: a.cityId });
    grandma = await world.resident(a.id, {
      displayName: '王奶奶',
      birthDate: '1948-03-02',
      householdNo: 'A-1',
    });
    volunteer = await world.resident(a.id, { displayName: '李志愿', birthDate: ADULT, householdNo: 'A-2' });
    gridA = await world.gridWorker(a.id);
    adminA = await world.communityAdmin(a.id);
  });
  afterAll(() => t?.close());

  const rowsOf = () => world.count('mutual_aid_requests');

  describe('asking', () => {
    it('lets a resident ask for help and the community see it', async () => {
      const res = await aid.askReq(grandma, { kind: 'medicine_purchase', minutes: 30 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'open',
        kind: 'medicine_purchase',
        minutes: 30,
        residentId: grandma.id,
        residentName: '王奶奶',
        proxy: false,
        payWithStoredTime: false,
      });
      const list = await aid.api(volunteer).get('/mutual-aid/requests?status=open');
      expect(list.status).toBe(200);
      expect(list.body.items.map((r: any) => r.id)).toContain(res.body.id);
      const staffList = await aid.api(adminA).get(`/mutual-aid/requests?communityId=${a.id}`);
      expect(staffList.body.items.map((r: any) => r.id)).toContain(res.body.id);
    });

    it('lets a grid worker ask for a resident who cannot, not for one outside their scope', async () => {
      const res = await aid.askReq(gridA, { forResidentId: grandma.id, kind: 'companionship' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ residentId: grandma.id, requestedBy: gridA.id, proxy: true });
      const outsider = await world.resident(b.id, { birthDate: ADULT });
      const before = await rowsOf();
      const foreign = await aid.askReq(gridA, { forResidentId: outsider.id });
      expect(foreign.status).toBe(404);
      const byResident = await aid.askReq(volunteer, { forResidentId: grandma.id });
      expect(byResident.status).toBe(403);
      expect(await rowsOf()).toBe(before);
    });

    it('shows names in full to the people of a request and to staff, masked to other residents', async () => {
      const r = await aid.ask(grandma, { kind: 'companionship' });
      await aid.claim(volunteer, r.id);
      const neighbour = await world.resident(a.id, { displayName: '陈邻居', birthDate: ADULT });
      const seenBy = async (u: User) => {
        const list = await aid.api(u).get('/mutual-aid/requests?status=claimed&limit=100');
        expect(list.status).toBe(200);
        const row = list.body.items.find((x: any) => x.id === r.id);
        return [row.residentName, row.volunteerName];
      };
      expect(await seenBy(grandma)).toEqual(['王奶奶', '李志愿']);
      expect(await seenBy(volunteer)).toEqual(['王奶奶', '李志愿']);
      expect(await seenBy(adminA)).toEqual(['王奶奶', '李志愿']);
      expect(await seenBy(gridA)).toEqual(['王奶奶', '李志愿']);
      expect(await seenBy(neighbour)).toEqual(['王*奶', '李*愿']);
      await aid.cancel(grandma, r.id);
    });

    it('refuses bad input with the field named and writes nothing', async () => {
      const before = await rowsOf();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ kind: 'gardening' }, 'kind'],
        [{ minutes: 0 }, 'minutes'],
        [{ minutes: 1441 }, 'minutes'],
        [{ minutes: 1.5 }, 'minutes'],
        [{ description: '' }, 'description'],
        [{ wantedAt: 'tomorrow' }, 'wantedAt'],
        [{ wantedAt: '2020-01-01T00:00:00Z' }, 'wantedAt'],
        [{ payWithStoredTime: 'yes' }, 'payWithStoredTime'],
        [{ forResidentId: 'nobody' }, 'forResidentId'],
      ];
      for (const [body, field] of cases) {
        const res = await aid.askReq(grandma, body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        expect(res.body.details.fields.map((f: any) => f.field)).toContain(field);
      }
      const complete = await aid.step(volunteer, randomUUID(), 'complete', { minutes: -5 });
      expect([complete.status, complete.body.details.fields[0].field]).toEqual([400, 'minutes']);
      const list = await aid.api(grandma).get('/mutual-aid/requests?status=done');
      expect([list.status, list.body.details.fields[0].field]).toEqual([400, 'status']);
      expect(await rowsOf()).toBe(before);
    });
  });

  describe('claiming', () => {
    it('gives a request raced by 3 volunteers to exactly one of them', async () => {
      const r = await aid.ask(grandma);
      const racers = await Promise.all(
        [1, 2, 3].map((i) => world.resident(a.id, { displayName: `志愿者${i}`, birthDate: ADULT })),
      );
      const answers = await Promise.all(racers.map((v) => aid.step(v, r.id, 'claim')));
      expect(answers.map((x) => x.status).sort()).toEqual([200, 409, 409]);
      for (const x of answers.filter((x) => x.status === 409)) expect(x.body.code).toBe('ALREADY_CLAIMED');
      const winner = racers[answers.findIndex((x) => x.status === 200)];
      const [row] = await t.sql('SELECT status, volunteer_id FROM mutual_aid_requests WHERE id = ?', [r.id]);
      expect(row).toEqual({ status: 'claimed', volunteer_id: winner.id });
    });

    it('refuses the asker, a minor, a resident without a birth date and a neighbour of another community', async () => {
      const r = await aid.ask(grandma);
      const proxied = await aid.ask(gridA, { forResidentId: volunteer.id });
      const own = await aid.step(grandma, r.id, 'claim');
      expect([own.status, own.body.code]).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
      const helpedOne = await aid.step(volunteer, proxied.id, 'claim');
      expect([helpedOne.status, helpedOne.body.code]).toEqual([403, 'SELF_SERVICE_FORBIDDEN']);
      const minor = await world.resident(a.id, { birthDate: MINOR });
      const young = await aid.step(minor, r.id, 'claim');
      expect([young.status, young.body.code]).toEqual([403, 'NOT_ELIGIBLE']);
      const unknownAge = await world.resident(a.id);
      expect((await aid.step(unknownAge, r.id, 'claim')).body.code).toBe('NOT_ELIGIBLE');
      const outsider = await world.resident(b.id, { birthDate: ADULT });
      expect((await aid.step(outsider, r.id, 'claim')).status).toBe(404);
      expect((await aid.step(gridA, r.id, 'claim')).status).toBe(403);
      const [row] = await t.sql('SELECT status, volunteer_id FROM mutual_aid_requests WHERE id = ?', [r.id]);
      expect(row).toEqual({ status: 'open', volunteer_id: null });
    });
  });

  describe('completing and confirming', () => {
    it('credits the minutes once however many confirms race, from the community issuance account', async () => {
      const v = await world.resident(a.id, { birthDate: ADULT });
      const r = await aid.ask(grandma, { minutes: 90 });
      await aid.claim(v, r.id);
      const early = await aid.step(grandma, r.id, 'confirm');
      expect([early.status, early.body.code]).toEqual([409, 'INVALID_STATE']);
      const other = await aid.step(volunteer, r.id, 'complete', { minutes: 80 });
      expect([other.status, other.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await aid.complete(v, r.id, 80)).status).toBe('completed');
      const self = await aid.step(v, r.id, 'confirm');
      expect([self.status, self.body.code]).toEqual([403, 'SELF_CONFIRM_FORBIDDEN']);
      const neighbour = await aid.step(volunteer, r.id, 'confirm');
      expect([neighbour.status, neighbour.body.code]).toEqual([403, 'FORBIDDEN']);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => aid.step(i % 2 ? gridA : grandma, r.id, 'confirm')),
      );
      expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
      expect(answers.filter((x) => x.status === 409 && x.body.code === 'ALREADY_CONFIRMED')).toHaveLength(9);
      expect(answers.find((x) => x.status === 200)!.body).toMatchObject({
        status: 'confirmed',
        completedMinutes: 80,
        creditedMinutes: 80,
      });
      expect(await aid.timeTransfers(r.id)).toEqual([
        expect.objectContaining({ code: 'time_credit', amount: 80 }),
      ]);
      expect(await aid.timeAccount(v)).toEqual({ minutes: 80, heldMinutes: 0, capMinutes: 90000 });
      const late = await aid.step(grandma, r.id, 'cancel');
      expect([late.status, late.body.code]).toEqual([409, 'INVALID_STATE']);
    });

    it('refuses a credit past the community cap and writes nothing, then credits once the cap allows', async () => {
      const c = await world.community();
      const admin = await world.communityAdmin(c.id);
      const elder = await world.resident(c.id, { birthDate: '1950-01-01' });
      const v = await world.resident(c.id, { birthDate: ADULT });
      const bad = await aid.api(admin).patch(`/communities/${c.id}/profile`, { maxStoredMinutes: -1 });
      expect([bad.status, bad.body.details.fields[0].field]).toEqual([400, 'maxStoredMinutes']);
      const patched = await aid.api(admin).patch(`/communities/${c.id}/profile`, { maxStoredMinutes: 100 });
      expect([patched.status, patched.body.maxStoredMinutes]).toEqual([200, 100]);
      await aid.helped(elder, v, 90);
      const r = await aid.ask(elder, { minutes: 30 });
      await aid.claim(v, r.id);
      await aid.complete(v, r.id, 30);
      const transfers = await world.count('transfers');
      const over = await aid.step(elder, r.id, 'confirm');
      expect([over.status, over.body.code]).toEqual([409, 'TIME_CAP_REACHED']);
      expect(await world.count('transfers')).toBe(transfers);
      const [row] = await t.sql('SELECT status, credited_minutes FROM mutual_aid_requests WHERE id = ?', [
        r.id,
      ]);
      expect(row).toEqual({ status: 'completed', credited_minutes: null });
      expect(await aid.timeAccount(v)).toEqual({ minutes: 90, heldMinutes: 0, capMinutes: 100 });
      await aid.api(admin).patch(`/communities/${c.id}/profile`, { maxStoredMinutes: 120 });
      expect((await aid.confirm(elder, r.id)).creditedMinutes).toBe(30);
      expect((await aid.timeAccount(v)).minutes).toBe(120);
    });
  });

  describe('paying with stored time', () => {
    let payer: User;
    beforeAll(async () => {
      payer = await world.resident(a.id, { displayName: '赵大爷', birthDate: ADULT, householdNo: 'A-3' });
      await aid.helped(grandma, payer, 120);
    });

    it('refuses to ask with more minutes than stored', async () => {
      const before = await rowsOf();
      const res = await aid.askReq(payer, { minutes: 121, payWithStoredTime: true });
      expect([res.status, res.body.code]).toEqual([409, 'INSUFFICIENT_MINUTES']);
      expect(await rowsOf()).toBe(before);
    });

    it('holds the minutes when claimed and moves what the help took at confirmation', async () => {
      const v = await world.resident(a.id, { birthDate: ADULT });
      const r = await aid.ask(payer, { minutes: 60, payWithStoredTime: true });
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 120, heldMinutes: 0 });
      expect((await aid.claim(v, r.id)).heldMinutes).toBe(60);
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 60, heldMinutes: 60 });
      await aid.complete(v, r.id, 45);
      const done = await aid.confirm(payer, r.id);
      expect(done).toMatchObject({ status: 'confirmed', creditedMinutes: 45, heldMinutes: 60 });
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 75, heldMinutes: 0 });
      expect(await aid.timeAccount(v)).toMatchObject({ minutes: 45, heldMinutes: 0 });
      expect((await aid.timeTransfers(r.id)).map((x) => [x.code, x.phase, x.amount])).toEqual([
        ['time_hold', 'pending', 60],
        ['time_payment', 'post', 45],
      ]);
    });

    it('pays up to the hold and has the community issue the rest', async () => {
      const v = await world.resident(a.id, { birthDate: ADULT });
      const r = await aid.ask(payer, { minutes: 30, payWithStoredTime: true });
      await aid.claim(v, r.id);
      await aid.complete(v, r.id, 50);
      await aid.confirm(gridA, r.id);
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 45, heldMinutes: 0 });
      expect((await aid.timeAccount(v)).minutes).toBe(50);
      expect((await aid.timeTransfers(r.id)).map((x) => [x.code, x.phase, x.amount])).toEqual([
        ['time_hold', 'pending', 30],
        ['time_payment', 'post', 30],
        ['time_credit', 'single', 20],
      ]);
    });

    it('releases the held minutes when the asker cancels, and refuses a claim the asker cannot pay', async () => {
      const v = await world.resident(a.id, { birthDate: ADULT });
      const r = await aid.ask(payer, { minutes: 40, payWithStoredTime: true });
      await aid.claim(v, r.id);
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 5, heldMinutes: 40 });
      const notAsker = await aid.step(v, r.id, 'cancel');
      expect([notAsker.status, notAsker.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await aid.cancel(payer, r.id)).status).toBe('cancelled');
      expect(await aid.timeAccount(payer)).toMatchObject({ minutes: 45, heldMinutes: 0 });
      expect((await aid.timeTransfers(r.id)).map((x) => [x.code, x.phase, x.amount])).toEqual([
        ['time_hold', 'pending', 40],
        ['time_release', 'void', 40],
      ]);
      const twice = await aid.step(payer, r.id, 'cancel');
      expect([twice.status, twice.body.code]).toEqual([409, 'INVALID_STATE']);
      // Asked while the minutes were there, claimed after they were given away: the claim is refused.
      const later = await aid.ask(payer, { minutes: 45, payWithStoredTime: true });
      const spouse = await world.resident(a.id, { birthDate: ADULT, householdNo: 'A-3' });
      expect(
        (await aid.api(payer).post('/time-accounts/gifts', { toResidentId: spouse.id, minutes: 10 })).status,
      ).toBe(201);
      const claim = await aid.step(v, later.id, 'claim');
      expect([claim.status, claim.body.code]).toEqual([409, 'INSUFFICIENT_MINUTES']);
      const [row] = await t.sql('SELECT status, hold_transfer_id FROM mutual_aid_requests WHERE id = ?', [
        later.id,
      ]);
      expect(row).toEqual({ status: 'open', hold_transfer_id: null });
    });
  });

  describe('gifts of stored time within the household', () => {
    it('moves minutes to a household member and refuses anyone else, writing nothing', async () => {
      const son = await world.resident(a.id, { displayName: '王小明', birthDate: ADULT, householdNo: 'A-9' });
      const mother = await world.resident(a.id, {
        displayName: '王妈妈',
        birthDate: '1960-01-01',
        householdNo: 'A-9',
      });
      const neighbour = await world.resident(a.id, { birthDate: ADULT, householdNo: 'A-10' });
      const elsewhere = await world.resident(b.id, { birthDate: ADULT, householdNo: 'A-9' });
      await aid.helped(grandma, son, 100);
      const gift = (to: string, minutes: number) =>
        aid.api(son).post('/time-accounts/gifts', { toResidentId: to, minutes }, `gift-${randomUUID()}`);
      const transfers = await world.count('transfers');
      const refused = await gift(neighbour.id, 10);
      expect([refused.status, refused.body.code]).toEqual([422, 'NOT_SAME_HOUSEHOLD']);
      expect((await gift(elsewhere.id, 10)).status).toBe(404);
      expect((await gift(son.id, 10)).body.details.fields[0].field).toBe('toResidentId');
      const tooMuch = await gift(mother.id, 101);
      expect([tooMuch.status, tooMuch.body.code]).toEqual([409, 'INSUFFICIENT_MINUTES']);
      const bad = await gift(mother.id, 0);
      expect([bad.status, bad.body.details.fields[0].field]).toEqual([400, 'minutes']);
      expect(await world.count('transfers')).toBe(transfers);
      const ok = await gift(mother.id, 60);
      expect([ok.status, ok.body]).toEqual([
        201,
        expect.objectContaining({ fromResidentId: son.id, toResidentId: mother.id, minutes: 60 }),
      ]);
      expect((await aid.timeAccount(son)).minutes).toBe(40);
      expect((await aid.timeAccount(mother)).minutes).toBe(60);
    });
  });

  describe('the ledger audit', () => {
    it('covers TIME_MINUTES: its accounts and transfers are counted and a broken balance is found', async () => {
      const admin = await world.admin();
      const audit = () => t.http().get('/api/v1/ledger/audit').set('Authorization', `Bearer ${admin}`);
      const clean = await audit();
      expect(clean.body).toMatchObject({ ok: true, violations: [] });
      expect(clean.body.ledgers.TIME_MINUTES.accounts).toBeGreaterThan(5);
      expect(clean.body.ledgers.TIME_MINUTES.transfers).toBeGreaterThan(5);
      const [wallet] = await t.sql(
        "SELECT id FROM accounts WHERE ledger = 'TIME_MINUTES' AND kind = 'time_wallet' AND credits_posted > 0 LIMIT 1",
      );
      await t.sql('UPDATE accounts SET credits_posted = credits_posted + 7 WHERE id = ?', [wallet.id]);
      await t.sql(
        "INSERT INTO accounts (id, ledger, kind, owner_type, owner_id, sub, flags) VALUES (?, 'TIME_HOURS', 'time_wallet', 'user', ?, '', 0)",
        [randomUUID(), volunteer.id],
      );
      try {
        const broken = await audit();
        expect(broken.body.ok).toBe(false);
        const found = broken.body.violations.map((v: any) => [v.invariant, v.detail.ledger ?? v.detail.id]);
        expect(found).toEqual(
          expect.arrayContaining([
            ['ledger_totals_balance', 'TIME_MINUTES'],
            ['account_equals_transfers', wallet.id],
            ['known_ledger', 'TIME_HOURS'],
          ]),
        );
      } finally {
        await t.sql('UPDATE accounts SET credits_posted = credits_posted - 7 WHERE id = ?', [wallet.id]);
        await t.sql("DELETE FROM accounts WHERE ledger = 'TIME_HOURS'");
      }
      expect((await audit()).body.ok).toBe(true);
    });
  });
});
