import fc from 'fast-check';
import { ORDER_STATUSES, OrderStatus } from '../orders/order-state-machine';
import { planCaptures, PlannedOrder, PlannedScan, ScanPlan } from './capture-plan';
import { judgeVoucher } from './redemption-rules';

const NOW = new Date('2026-12-01T10:00:00Z');
const ORGS = ['org-a', 'org-b'];
const USERS = ['u1', 'u2', 'u3'];

const order = (id: string, o: Partial<PlannedOrder> = {}): PlannedOrder => ({
  id,
  providerOrganizationId: 'org-a',
  residentId: 'u9',
  status: 'ready',
  expiresAt: new Date(NOW.getTime() + 60_000),
  ...o,
});
const scan = (orderId: string, s: Partial<PlannedScan> = {}): PlannedScan => ({
  actorId: 'u1',
  orderId,
  organizationId: 'org-a',
  at: NOW,
  ...s,
});

/**
 * The model: the scans applied one at a time, in order, each against the orders as the scans
 * before it left them (a capture makes the order `redeemed`); the answer a scan would get today.
 */
function oneAtATime(scans: PlannedScan[], orders: Map<string, PlannedOrder>): string[] {
  const state = new Map([...orders].map(([id, o]) => [id, { ...o }]));
  const keys = new Set<string>();
  return scans.map((s) => {
    if (s.alone) return 'alone';
    if (s.idempotency) {
      const k = `${s.idempotency.scope}/${s.idempotency.key}`;
      if (keys.has(k)) return 'alone';
      keys.add(k);
    }
    const o = state.get(s.orderId);
    if (!o || o.providerOrganizationId !== s.organizationId) return 'INVALID_CODE';
    if (o.residentId === s.actorId) return 'SELF_SERVICE_FORBIDDEN';
    const v = judgeVoucher(o, s.at);
    if (!v.ok) return v.code;
    o.status = 'redeemed';
    return 'REDEEMED';
  });
}

const answerOf = (p: ScanPlan): string =>
  p.kind === 'capture'
    ? 'REDEEMED'
    : p.kind === 'unknown'
      ? 'INVALID_CODE'
      : p.kind === 'self'
        ? 'SELF_SERVICE_FORBIDDEN'
        : p.kind === 'repeat'
          ? 'ALREADY_REDEEMED'
          : p.kind === 'refused'
            ? p.verdict.code
            : 'alone';

describe('planCaptures (a batch of scans judged as if one at a time)', () => {
  it('the first scan of a ready order captures it; later ones in the batch repeat that capture', () => {
    const orders = new Map([['o1', order('o1')]]);
    const plan = planCaptures([scan('o1'), scan('o1', { actorId: 'u2' }), scan('o1')], orders);
    expect(plan).toEqual([{ kind: 'capture' }, { kind: 'repeat', of: 0 }, { kind: 'repeat', of: 0 }]);
  });

  it('unknown, foreign, own, expired, cancelled and already redeemed orders each get their answer', () => {
    const orders = new Map<string, PlannedOrder>([
      ['foreign', order('foreign', { providerOrganizationId: 'org-b' })],
      ['own', order('own', { residentId: 'u1' })],
      ['late', order('late', { expiresAt: new Date(NOW.getTime() - 1) })],
      ['gone', order('gone', { status: 'cancelled' })],
      ['used', order('used', { status: 'redeemed' })],
    ]);
    const plan = planCaptures(
      ['missing', 'foreign', 'own', 'late', 'gone', 'used'].map((id) => scan(id)),
      orders,
    );
    expect(plan.map(answerOf)).toEqual([
      'INVALID_CODE',
      'INVALID_CODE',
      'SELF_SERVICE_FORBIDDEN',
      'VOUCHER_EXPIRED',
      'VOUCHER_CANCELLED',
      'ALREADY_REDEEMED',
    ]);
  });

  it('a second scan with the same idempotency key, or one whose key is taken, is answered alone', () => {
    const orders = new Map([
      ['o1', order('o1')],
      ['o2', order('o2')],
    ]);
    const k = { scope: 'redemptions:u1', key: 'k1' };
    const plan = planCaptures(
      [scan('o1', { idempotency: k }), scan('o1', { idempotency: k }), scan('o2', { alone: true })],
      orders,
    );
    expect(plan).toEqual([{ kind: 'capture' }, { kind: 'alone' }, { kind: 'alone' }]);
  });

  it('model: every scan gets the answer it would get one at a time, and each order is captured at most once', () => {
    const orderArb = fc.record({
      status: fc.constantFrom<OrderStatus>(...ORDER_STATUSES),
      org: fc.constantFrom(...ORGS),
      resident: fc.constantFrom(...USERS, 'u9'),
      expiresInMs: fc.integer({ min: -5_000, max: 5_000 }),
    });
    const scanArb = fc.record({
      order: fc.integer({ min: 0, max: 7 }),
      actor: fc.constantFrom(...USERS),
      org: fc.constantFrom(...ORGS),
      key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      alone: fc.boolean(),
      atMs: fc.integer({ min: -3_000, max: 3_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(orderArb, { minLength: 1, maxLength: 6 }),
        fc.array(scanArb, { maxLength: 40 }),
        (os, ss) => {
          const orders = new Map(
            os.map((o, i) => [
              `o${i}`,
              order(`o${i}`, {
                status: o.status,
                providerOrganizationId: o.org,
                residentId: o.resident,
                expiresAt: new Date(NOW.getTime() + o.expiresInMs),
              }),
            ]),
          );
          const scans = ss.map((s) =>
            scan(`o${s.order}`, {
              actorId: s.actor,
              organizationId: s.org,
              at: new Date(NOW.getTime() + s.atMs),
              alone: s.alone && s.order % 3 === 0,
              ...(s.key ? { idempotency: { scope: `redemptions:${s.actor}`, key: s.key } } : {}),
            }),
          );
          const plan = planCaptures(scans, orders);
          expect(plan.map(answerOf)).toEqual(oneAtATime(scans, orders));
          const captured = plan.flatMap((p, i) => (p.kind === 'capture' ? [scans[i].orderId] : []));
          expect(new Set(captured).size).toBe(captured.length);
          plan.forEach((p, i) => {
            if (p.kind === 'repeat') {
              expect(plan[p.of]).toEqual({ kind: 'capture' });
              expect(scans[p.of].orderId).toBe(scans[i].orderId);
              expect(p.of).toBeLessThan(i);
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
