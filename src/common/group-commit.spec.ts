import fc from 'fast-check';
import { GroupCommit, Outcome } from './group-commit';

/** A deferred flush: the test decides when the database "answers". */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('GroupCommit', () => {
  it('sends one batch for items submitted together, each with its own outcome', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>({
      maxWaitMs: 5,
      flush: async (items) => {
        batches.push(items);
        return items.map((n): Outcome<number> =>
          n % 2 ? { ok: true, value: n * 10 } : { ok: false, error: new Error(`even ${n}`) },
        );
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => gc.submit(n)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 10 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new Error('even 2') });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 30 });
  });

  it('sends a full batch at once and splits at maxBatch', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>({
      maxBatch: 3,
      maxWaitMs: 60_000, // only fullness or the end of the previous batch can send
      flush: async (items) => {
        batches.push(items);
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const all = Promise.all([1, 2, 3, 4, 5, 6].map((n) => gc.submit(n)));
    await expect(all).resolves.toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('gathers what arrives while a batch is in the database and sends it when that batch returns', async () => {
    const batches: number[][] = [];
    const first = gate();
    const gc = new GroupCommit<number, number>({
      maxWaitMs: 0,
      flush: async (items) => {
        batches.push(items);
        if (batches.length === 1) await first.opened;
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const a = gc.submit(1);
    const rest = [2, 3, 4].map((n) => gc.submit(n));
    expect(batches).toEqual([[1]]); // 2..4 wait: one batch in flight at most
    first.open();
    await Promise.all([a, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(gc.stats()).toEqual({ batches: 2, items: 4, largestBatch: 3 });
  });

  it('rejects every item of a batch whose flush throws, and still sends the next batch', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>({
      maxWaitMs: 1,
      flush: async (items) => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const failed = await Promise.allSettled([gc.submit(1), gc.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(gc.submit(3)).resolves.toBe(3);
  });

  it('with failQueuedOn, rejects what queued behind a batch that found the database unreachable', async () => {
    const first = gate();
    let calls = 0;
    const gc = new GroupCommit<number, number>({
      maxWaitMs: 0,
      failQueuedOn: (err) => (err as Error).message === 'database down',
      flush: async (items) => {
        calls++;
        if (calls === 1) {
          await first.opened;
          throw new Error('database down');
        }
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const a = gc.submit(1);
    const queued = [2, 3].map((n) => gc.submit(n));
    first.open();
    const settled = await Promise.allSettled([a, ...queued]);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(gc.submit(4)).resolves.toBe(4);
  });

  it('rejects a batch whose flush returns the wrong number of outcomes', async () => {
    const gc = new GroupCommit<number, number>({ flush: async () => [] });
    await expect(gc.submit(1)).rejects.toThrow('0 outcomes for 1 items');
  });

  it('drain resolves once nothing is queued or in flight', async () => {
    const g = gate();
    const gc = new GroupCommit<number, number>({
      maxWaitMs: 0,
      flush: async (items) => {
        await g.opened;
        return items.map((value) => ({ ok: true, value }));
      },
    });
    let drained = false;
    const p = gc.submit(1);
    const d = gc.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    g.open();
    await Promise.all([p, d]);
    expect(drained).toBe(true);
    await expect(gc.drain()).resolves.toBeUndefined();
  });

  it('model: any arrival pattern and batch size gives the outcomes of one-at-a-time application', async () => {
    // A wallet: each item debits an amount; an item that would overdraw fails alone.
    const apply = (balance: { v: number }, amount: number): Outcome<number> => {
      if (amount > balance.v) return { ok: false, error: `short:${amount}` };
      balance.v -= amount;
      return { ok: true, value: balance.v };
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        async (ops, maxBatch, maxInFlight) => {
          const sequential = { v: 300 };
          const expected = ops.map(([amount]) => apply(sequential, amount));

          const wallet = { v: 300 };
          let chain = Promise.resolve(); // batches in flight commit in the order they were sent
          const gc = new GroupCommit<number, number>({
            maxBatch,
            maxInFlight,
            maxWaitMs: 0,
            flush: (items) => {
              const done = chain.then(async () => {
                await Promise.resolve();
                return items.map((a) => apply(wallet, a));
              });
              chain = done.then(() => undefined);
              return done;
            },
          });
          const submitted: Promise<number>[] = [];
          for (const [amount, yieldFirst] of ops) {
            if (yieldFirst) await Promise.resolve(); // let batches leave between arrivals
            submitted.push(gc.submit(amount));
          }
          const settled = await Promise.allSettled(submitted);
          const got = settled.map((s): Outcome<number> =>
            s.status === 'fulfilled' ? { ok: true, value: s.value } : { ok: false, error: s.reason },
          );
          expect(got).toEqual(expected);
          expect(wallet.v).toBe(sequential.v);
        },
      ),
      { numRuns: 200 },
    );
  });
});
