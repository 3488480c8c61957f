import type { DonationLotEntity } from './entities/donation-lot.entity';
import type { DonationEntity } from './entities/donation.entity';
import type { FundingSource } from './funding.types';

/** What FundingService answers: donations with their lots, expenses. */

export interface DonationView {
  id: string;
  communityId: string;
  kind: DonationEntity['kind'];
  source: FundingSource;
  donor: { organizationId: string | null; name: string | null };
  amountFen: number;
  receivedAt: string;
  note: string | null;
  recordedBy: string;
  lots: LotView[];
  transferIds: string[];
  createdAt: string;
}

export interface LotView {
  id: string;
  listingId: string;
  quantity: number;
  remaining: number;
  unitValueFen: number;
  receivedAt: string;
}

export interface ExpenseView {
  id: string;
  communityId: string;
  amountFen: number;
  purpose: string;
  listingId: string | null;
  quantity: number | null;
  lot: LotView | null;
  /** Value put into inventory (the lot) and booked as expense. */
  stockedFen: number;
  expensedFen: number;
  transferIds: string[];
  fundBalanceFen: number;
  createdAt: string;
}

export const toLotView = (l: DonationLotEntity): LotView => ({
  id: l.id,
  listingId: l.listingId,
  quantity: l.quantity,
  remaining: l.remaining,
  unitValueFen: l.unitValueFen,
  receivedAt: l.receivedAt.toISOString(),
});
