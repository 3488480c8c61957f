import fc from 'fast-check';
import { DomainError } from '../src/common/domain-error';
import { newId } from '../src/common/ids';
import { TransactionService } from '../src/database/transaction.service';
import { LedgerAuditService } from '../src/ledger/ledger-audit.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { createTestApp, TestApp } from './support/harness';

/**
 * Model-based test: random sequences of awards, deductions, spends, holds, full and partial posts,
 * voids, replays (same id, same fields) and id reuse (same id, other fields) run against the real
 * LedgerService and MariaDB, and against an in-memory model. After every step the balances equal
 * the model's and the audit of the sequence's accounts passes. A failure prints the seed and path
 * that replay it (fast-check): `LEDGER_MODEL_SEED=<seed> LEDGER_MODEL_PATH=<path>`.
 */

type Acc = { dp: number; dpo: number; cp: number; cpo: number; limited: boolean; exemptDebits: number };

type Cmd =
  | { op: 'award'; w: number; amount: number }
  | { op: 'deduct'; w: number; amount: number }
  | { op: 'spend'; w: number; amount: number }
  | { op: 'hold'; w: number; amount: number }
  | { op: 'post'; h: number; part: number | null }
  | { op: 'void'; h: number }
  | { op: 'replay'; back: number }
  | { op: 'reuse'; back: number };

const WALLETS = 3;
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    op: fc.constant('award' as const),
    w: fc.nat(WALLETS - 1),
    amount: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({
    op: fc.constant('deduct' as const),
    w: fc.nat(WALLETS - 1),
    amount: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    op: fc.constant('spend' as const),
    w: fc.nat(WALLETS - 1),
    amount: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    op: fc.constant('hold' as const),
    w: fc.nat(WALLETS - 1),
    amount: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    op: fc.constant('post' as const),
    h: fc.nat(5),
    part: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
  }),
  fc.record({ op: fc.constant('void' as const), h: fc.nat(5) }),
  fc.record({ op: fc.constant('replay' as const), back: fc.nat(4) }),
  fc.record({ op: fc.constant('reuse' as const), back: fc.nat(4) }),
);

describe('ledger: model-based sequences against the real service', () => {
  let t: TestApp;
  let ledger: LedgerService;
  let tx: TransactionService;
  let audit: LedgerAuditService;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    ledger = t.app.get(LedgerService);
    tx = t.app.get(TransactionService);
    audit = t.app.get(LedgerAuditService);
  });
  afterAll(() => t?.close());

  it('matches the model and passes the audit after every step (500 sequences)', async () => {
    const runs = Number(process.env.LEDGER_MODEL_RUNS ?? 500);
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 8 }), async (cmds) => {
        const owner = newId();
        const ids = await tx.run(async (em) => ({
          issuance: await ledger.issuanceOf(em, owner),
          sink: await ledger.deductionSinkOf(em, owner),
          redemption: await ledger.redemptionOf(em, owner),
          wallets: await Promise.all(Array.from({ length: WALLETS }, () => ledger.walletOf(em, newId()))),
        }));
        const model = new Map<string, Acc>();
        const all = [ids.issuance, ids.sink, ids.redemption, ...ids.wallets];
        for (const id of all)
          model.set(id, { dp: 0, dpo: 0, cp: 0, cpo: 0, limited: ids.wallets.includes(id), exemptDebits: 0 });
        const holds: Array<{ id: string; w: string; amount: number; resolved: boolean }> = [];
        const done: Array<{ kind: 'transfer' | 'post' | 'void'; args: any }> = [];
        const avail = (a: Acc) => a.cpo - a.dpo - a.dp;

        for (const c of cmds) {
          let expectError: string | null = null;
          let apply = () => {};
          let call: () => Promise<unknown>;
          let record: { kind: 'transfer' | 'post' | 'void'; args: any } | null = null;
          if (c.op === 'award' || c.op === 'deduct' || c.op === 'spend' || c.op === 'hold') {
            const w = ids.wallets[c.w];
            const [debit, credit] =
              c.op === 'award' ? [ids.issuance, w] : c.op === 'deduct' ? [w, ids.sink] : [w, ids.redemption];
            const args = {
              id: newId(),
              debitAccountId: debit,
              creditAccountId: credit,
              amount: c.amount,
              code: c.op === 'hold' ? 'order_hold' : c.op,
              pending: c.op === 'hold',
              exempt: c.op === 'deduct',
            };
            const d = model.get(debit)!;
            const cr = model.get(credit)!;
            if (d.limited && !args.exempt && avail(d) < c.amount) expectError = 'INSUFFICIENT_POINTS';
            apply = () => {
              if (args.pending) {
                d.dp += c.amount;
                cr.cp += c.amount;
                holds.push({ id: args.id, w, amount: c.amount, resolved: false });
              } else {
                d.dpo += c.amount;
                cr.cpo += c.amount;
                if (args.exempt) d.exemptDebits += c.amount;
              }
            };
            call = () => tx.run((em) => ledger.transfer(em, args));
            record = { kind: 'transfer', args };
          } else if (c.op === 'post' || c.op === 'void') {
            if (!holds.length) continue;
            const h = holds[c.h % holds.length];
            const amount = c.op === 'post' ? (c.part ?? h.amount) : h.amount;
            const args = {
              id: newId(),
              pendingId: h.id,
              ...(c.op === 'post' && c.part !== null ? { amount: c.part } : {}),
            };
            if (h.resolved) expectError = 'PENDING_TRANSFER_ALREADY_RESOLVED';
            else if (amount > h.amount) expectError = 'VALIDATION_FAILED';
            apply = () => {
              const d = model.get(h.w)!;
              const cr = model.get(ids.redemption)!;
              d.dp -= h.amount;
              cr.cp -= h.amount;
              if (c.op === 'post') {
                d.dpo += amount;
                cr.cpo += amount;
              }
              h.resolved = true;
            };
            call = () => tx.run((em) => (c.op === 'post' ? ledger.post(em, args) : ledger.void(em, args)));
            record = { kind: c.op, args };
          } else {
            if (!done.length) continue;
            const prev = done[done.length - 1 - (c.back % done.length)];
            if (c.op === 'replay') {
              // Same id, same fields: returns the existing transfer and changes nothing.
              call = () =>
                tx.run((em) =>
                  prev.kind === 'transfer'
                    ? ledger.transfer(em, prev.args)
                    : prev.kind === 'post'
                      ? ledger.post(em, prev.args)
                      : ledger.void(em, prev.args),
                );
            } else {
              // Same id, other fields: refused, nothing changes.
              expectError = 'TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS';
              call = () =>
                tx.run((em) =>
                  prev.kind === 'transfer'
                    ? ledger.transfer(em, { ...prev.args, amount: prev.args.amount + 1 })
                    : prev.kind === 'post'
                      ? ledger.post(em, { ...prev.args, pendingId: newId() })
                      : ledger.void(em, { ...prev.args, pendingId: newId() }),
                );
            }
          }

          let error: string | null = null;
          try {
            await call();
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            error = err.code;
          }
          expect({ cmd: c, error }).toEqual({ cmd: c, error: expectError });
          if (!error) {
            apply();
            if (record) done.push(record);
          }

          for (const id of all) {
            const b = await ledger.balances(id);
            const m = model.get(id)!;
            expect({ id, ...b }).toEqual({
              id,
              accountId: id,
              debitsPending: m.dp,
              debitsPosted: m.dpo,
              creditsPending: m.cp,
              creditsPosted: m.cpo,
            });
          }
          const report = await audit.run({ accountIds: all });
          expect(report.violations).toEqual([]);
        }
      }),
      {
        numRuns: runs,
        seed: process.env.LEDGER_MODEL_SEED ? Number(process.env.LEDGER_MODEL_SEED) : undefined,
        path: process.env.LEDGER_MODEL_PATH,
        endOnFailure: true,
      },
    );
  }, 600_000);
});
