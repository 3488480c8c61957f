import { LedgerService } from '../../ledger/ledger.service';
import type { DemoContext } from './context';

/**
 * Gives a demo resident the points an order needs (an award from the community's issuance account
 * with the stable transfer id `transferId`, so once) unless their wallet already has enough.
 */
export async function ensurePoints(
  ctx: DemoContext,
  transferId: string,
  residentId: string,
  communityId: string,
  need: number,
): Promise<void> {
  const ledger = ctx.get(LedgerService);
  if (await ledger.getTransfer(transferId)) return;
  const { available } = await ledger.walletBalance(residentId);
  if (available >= need) return;
  await ctx.tx.run(async (em) =>
    ledger.transfer(em, {
      id: transferId,
      debitAccountId: await ledger.issuanceOf(em, communityId),
      creditAccountId: await ledger.walletOf(em, residentId),
      amount: need - available,
      code: 'award',
      refType: 'demo',
      refId: residentId,
    }),
  );
}
