import fc from 'fast-check';
import { DomainError } from '../common/domain-error';
import { BatchOrder, BatchState, planBatch, sumsBy } from './order-batch-rules';

const order = (o: Partial<BatchOrder>): BatchOrder => ({
  idemKey: null,
  requestHash: 'h',
  walletId: 'w1',
  listingId: 'l1',
  quantity: 1,
  total: 10,
  limit: null,
  refused: null,
  ...o,
});
const state = (s: Partial<BatchState> = {}): BatchState => ({
  stored: new Map(),
  available: new Map([['w1', 100]]),
  stock: new Map([['l1', 10]]),
  used: new Map(),
  ...s,
});
const codes = (orders: BatchOrder[], s: BatchState) =>
  planBatch(orders, s).map((p) => (p.kind === 'refuse' ? p.error.code : p.kind));

describe('planBatch', () => {
  it('fails an order short of points, sold out or past its limit alone, in the checks’ order', () => {
    const limit = { counter: 'c', max: 1, period: '2026-12' };
    expect(
      codes(
        [
          order({ total: 60 }),
          order({ total: 60 }),
          order({ quantity: 9, total: 9 }),
          order({ quantity: 2, total: 2 }),
          order({ listingId: 'l2', limit, total: 1 }),
          order({ listingId: 'l2', limit, total: 1 }),
          order({ listingId: 'gone' }),
          order({ walletId: null }),
        ],
        state({
          stock: new Map<string, number | null>([
            ['l1', 10],
            ['l2', null],
          ]),
        }),
      ),
    ).toEqual([
      'place',
      'INSUFFICIENT_POINTS',
      'place',
      'OUT_OF_STOCK',
      'place',
      'LIMIT_REACHED',
      'LISTING_NOT_FOUND',
      'INSUFFICIENT_POINTS',
    ]);
  });

  it('a key twice: the second answers as the first; another body is IDEMPOTENCY_KEY_REUSED; a stored key replays', () => {
    const stored = new Map([['s\u001fold', { requestHash: 'h', responseBody: '{"id":"o"}' }]]);
    const plan = planBatch(
      [
        order({ idemKey: 's\u001fk' }),
        order({ idemKey: 's\u001fk' }),
        order({ idemKey: 's\u001fk', requestHash: 'other' }),
        order({ idemKey: 's\u001fold' }),
        order({ idemKey: 's\u001fold', requestHash: 'other' }),
      ],
      state({ stored }),
    );
    expect(plan.map((p) => p.kind)).toEqual(['place', 'same', 'refuse', 'stored', 'refuse']);
    expect(plan[1]).toEqual({ kind: 'same', as: 0 });
    expect(plan[2].kind === 'refuse' && plan[2].error.details).toEqual({ idempotencyKey: 'k' });
  });

  it('a refusal known before the batch stands, and takes nothing', () => {
    const refused = new DomainError('NOT_ELIGIBLE', {}, 'no');
    expect(codes([order({ refused, total: 100 }), order({ total: 100 })], state())).toEqual([
      'NOT_ELIGIBLE',
      'place',
    ]);
  });

  it('model: never overdraws a wallet, oversells a stock or passes a limit; what it places fits exactly', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            w: fc.constantFrom('w1', 'w2'),
            l: fc.constantFrom('l1', 'l2'),
            q: fc.integer({ min: 1, max: 3 }),
            price: fc.integer({ min: 1, max: 30 }),
            limited: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 8 }),
        (xs, points, units) => {
          const orders = xs.map((x) =>
            order({
              walletId: x.w,
              listingId: x.l,
              quantity: x.q,
              total: x.q * x.price,
              limit: x.limited ? { counter: `${x.w}/${x.l}`, max: 4, period: 'p' } : null,
            }),
          );
          const s = state({
            available: new Map([
              ['w1', points],
              ['w2', 50],
            ]),
            stock: new Map<string, number | null>([
              ['l1', units],
              ['l2', null],
            ]),
          });
          const plan = planBatch(orders, s);
          const placed = orders.filter((_, i) => plan[i].kind === 'place');
          for (const [w, spent] of sumsBy(
            placed,
            (o) => o.walletId!,
            (o) => o.total,
          ))
            expect(spent).toBeLessThanOrEqual(s.available.get(w)!);
          const l1 = placed.filter((o) => o.listingId === 'l1').reduce((a, o) => a + o.quantity, 0);
          expect(l1).toBeLessThanOrEqual(units);
          for (const [, used] of sumsBy(
            placed.filter((o) => o.limit),
            (o) => o.limit!.counter,
            (o) => o.quantity,
          ))
            expect(used).toBeLessThanOrEqual(4);
          // Every refusal is one of the expected codes and would really have failed at its turn.
          for (const p of plan)
            if (p.kind === 'refuse')
              expect(['INSUFFICIENT_POINTS', 'OUT_OF_STOCK', 'LIMIT_REACHED']).toContain(p.error.code);
        },
      ),
      { numRuns: 300 },
    );
  });
});
