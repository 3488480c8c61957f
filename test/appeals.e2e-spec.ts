import { Earning, RuleBook } from './support/earning';
import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

describe('appeals (申诉): a deducted resident appeals within 30 days; other staff decide once', () => {
  let t: TestApp;
  let world: World;
  let earning: Earning;
  let c: Awaited<ReturnType<World['community']>>;
  let other: Awaited<ReturnType<World['community']>>;
  let admin: User;
  let deducter: User;
  let reviewer: User;
  let otherStaff: User;
  let book: RuleBook;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    earning = new Earning(t, world);
    c = await world.community();
    other = await world.community(undefined, { streetId: c.streetId, cityId: c.cityId });
    admin = await world.communityAdmin(c.id);
    deducter = await world.staff(c.id);
    reviewer = await world.staff(c.id);
    otherStaff = await world.staff(other.id);
    book = await earning.ruleBook(admin, c.id);
  });
  afterAll(() => t?.close());

  const api = (u: User) => earning.api(u);
  const wallet = async (u: User) => (await api(u).get('/me/wallet')).body.available as number;
  const yellow = async (u: User) =>
    (await api(u).get(`/communities/${c.id}/boards`)).body.yellow.items.map((e: any) => e.residentId);
  const red = async (u: User) =>
    Object.fromEntries(
      (await api(u).get(`/communities/${c.id}/boards`)).body.red.map((e: any) => [e.residentId, e.points]),
    );
  const counts = async () => ({
    appeals: await world.count('appeals'),
    transfers: await world.count('transfers'),
    notices: await world.count('notices'),
  });

  /** A resident with 2 × 2 points and one deduction of 3 (by `deducter`): the deduction's transfer id. */
  async function deducted(name = '张小红'): Promise<{ resident: User; transferId: string }> {
    const resident = await world.resident(c.id, { displayName: name });
    await earning.award(deducter, resident, book.treePlanting);
    await earning.award(deducter, resident, book.treePlanting);
    const deduction = await earning.award(deducter, resident, book.vegetablesOnGreen);
    return { resident, transferId: deduction.transfer.id };
  }

  const appeal = (u: User, transferId: string, reason = '那天我不在小区') =>
    api(u).post('/appeals', { transferId, reason });
  const decide = (u: User, id: string, decision: 'uphold' | 'reject', comment = '已核实') =>
    api(u).post(`/appeals/${id}/decide`, { decision, comment });

  it('finds the deduction in the history; an upheld appeal restores the points and the boards, once', async () => {
    const { resident, transferId } = await deducted();
    const history = await api(resident).get('/me/transactions?code=deduction');
    expect(history.body.items.map((l: any) => l.id)).toEqual([transferId]);
    expect(await wallet(resident)).toBe(1);
    expect(await yellow(resident)).toContain(resident.id);
    expect((await red(resident))[resident.id]).toBe(1);

    const created = await appeal(resident, transferId);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', transferId, points: 3, ruleName: '毁绿种菜' });

    const self = await decide(deducter, created.body.id, 'uphold');
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('SELF_REVIEW_FORBIDDEN');

    const upheld = await decide(reviewer, created.body.id, 'uphold');
    expect(upheld.status).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'upheld', decidedBy: reviewer.id, comment: '已核实' });
    expect(await wallet(resident)).toBe(4);
    expect(await yellow(resident)).not.toContain(resident.id);
    expect((await red(resident))[resident.id]).toBe(4);
    const [reversal] = await t.sql('SELECT * FROM transfers WHERE id = ?', [upheld.body.reversalTransferId]);
    expect(reversal).toMatchObject({
      code: 'deduction_reversal',
      ref_type: 'appeal',
      ref_id: created.body.id,
    });
    expect(Number(reversal.amount)).toBe(3);

    const before = await counts();
    const again = await decide(admin, created.body.id, 'uphold');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_DECIDED');
    const reappeal = await appeal(resident, transferId);
    expect(reappeal.status).toBe(409);
    expect(reappeal.body.code).toBe('ALREADY_DECIDED');
    expect(await counts()).toEqual(before);
    expect(await wallet(resident)).toBe(4);
  });

  it('decides concurrent decides once: one 200, the others 409 ALREADY_DECIDED, one reversal', async () => {
    const { resident, transferId } = await deducted();
    const created = await appeal(resident, transferId);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        decide(i % 2 ? admin : reviewer, created.body.id, i % 3 ? 'uphold' : 'reject'),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const losers = answers.filter((r) => r.status !== 200);
    expect(losers.map((r) => [r.status, r.body.code])).toEqual(losers.map(() => [409, 'ALREADY_DECIDED']));
    const decided = answers.find((r) => r.status === 200)!.body;
    const reversals = await world.count('transfers', "code = 'deduction_reversal' AND ref_id = ?", [
      created.body.id,
    ]);
    expect(reversals).toBe(decided.status === 'upheld' ? 1 : 0);
    expect(await wallet(resident)).toBe(decided.status === 'upheld' ? 4 : 1);
    expect(await world.count('notices', "ref_type = 'appeal' AND ref_id = ?", [created.body.id])).toBe(1);
  });

  it('changes nothing for a rejected appeal: points and the yellow board stay', async () => {
    const { resident, transferId } = await deducted();
    const created = await appeal(resident, transferId);
    const transfers = await world.count('transfers');
    const rejected = await decide(reviewer, created.body.id, 'reject', '经核实扣分无误');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reversalTransferId: null });
    expect(await world.count('transfers')).toBe(transfers);
    expect(await wallet(resident)).toBe(1);
    expect(await yellow(resident)).toContain(resident.id);
    const [notice] = await t.sql("SELECT summary FROM notices WHERE ref_type = 'appeal' AND ref_id = ?", [
      created.body.id,
    ]);
    expect(notice.summary).toBe('张*红 对「毁绿种菜」扣 3 分的申诉：不成立，维持原扣分');
  });

  it('takes one open appeal per deduction, also when sent at once', async () => {
    const { resident, transferId } = await deducted();
    const answers = await Promise.all(Array.from({ length: 5 }, () => appeal(resident, transferId)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'ALREADY_EXISTS')).toBe(true);
    expect(await world.count('appeals', 'transfer_id = ?', [transferId])).toBe(1);
  });

  it('closes the window 30 days after the deduction', async () => {
    const { resident, transferId } = await deducted();
    await t.sql(
      'UPDATE awards SET created_at = DATE_SUB(created_at, INTERVAL 31 DAY) WHERE transfer_id = ?',
      [transferId],
    );
    const before = await counts();
    const late = await appeal(resident, transferId);
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('APPEAL_WINDOW_CLOSED');
    expect(await counts()).toEqual(before);
    await t.sql(
      'UPDATE awards SET created_at = DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL 29 DAY) WHERE transfer_id = ?',
      [transferId],
    );
    expect((await appeal(resident, transferId)).status).toBe(201);
  });

  it('lets only the deducted resident appeal, and only staff of the community decide and list', async () => {
    const { resident, transferId } = await deducted();
    const neighbour = await world.resident(c.id);
    const award = await earning.award(deducter, resident, book.treePlanting);
    const before = await counts();
    expect((await appeal(neighbour, transferId)).status).toBe(404);
    expect((await appeal(resident, award.transfer.id)).status).toBe(404);
    expect((await api(deducter).post('/appeals', { transferId, reason: 'x' })).status).toBe(403);
    expect(await counts()).toEqual(before);

    const created = await appeal(resident, transferId);
    expect((await decide(otherStaff, created.body.id, 'uphold')).status).toBe(404);
    expect((await decide(neighbour, created.body.id, 'uphold')).status).toBe(403);
    expect((await api(neighbour).get(`/appeals/${created.body.id}`)).status).toBe(404);
    expect((await api(otherStaff).get(`/appeals/${created.body.id}`)).status).toBe(404);
    expect((await api(otherStaff).get(`/appeals?communityId=${c.id}`)).status).toBe(404);
    expect((await api(resident).get(`/appeals/${created.body.id}`)).body.residentName).toBe('张小红');

    const pending = await api(reviewer).get(`/appeals?communityId=${c.id}&status=pending`);
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((a: any) => a.id)).toContain(created.body.id);
    expect(pending.body.items.every((a: any) => a.status === 'pending')).toBe(true);
    const scoped = await api(otherStaff).get('/appeals');
    expect(scoped.body.items).toEqual([]);
    const mine = await api(resident).get('/me/appeals');
    expect(mine.body.items.map((a: any) => a.id)).toEqual([created.body.id]);
    const page = await api(reviewer).get(`/appeals?communityId=${c.id}&limit=1`);
    expect(page.body.items).toHaveLength(1);
    const next = await api(reviewer).get(
      `/appeals?communityId=${c.id}&limit=1&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const { resident, transferId } = await deducted();
    const before = await counts();
    const cases: Array<[User, string, object, string]> = [
      [resident, '/appeals', { transferId: 'nope', reason: 'x' }, 'transferId'],
      [resident, '/appeals', { transferId, reason: '' }, 'reason'],
      [resident, '/appeals', { transferId, reason: 'x'.repeat(1001) }, 'reason'],
      [resident, '/appeals', { transferId }, 'reason'],
    ];
    for (const [u, path, body, field] of cases) {
      const res = await api(u).post(path, body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.details.fields.map((f: any) => f.field)).toContain(field);
    }
    const created = await appeal(resident, transferId);
    const bad = await api(reviewer).post(`/appeals/${created.body.id}/decide`, { decision: 'maybe' });
    expect([bad.status, bad.body.details.fields[0].field]).toEqual([400, 'decision']);
    const badId = await api(reviewer).post('/appeals/not-a-uuid/decide', { decision: 'uphold' });
    expect(badId.status).toBe(400);
    expect(await world.count('appeals', "status <> 'pending' AND id = ?", [created.body.id])).toBe(0);
    expect((await counts()).transfers).toBe(before.transfers);
  });
});
