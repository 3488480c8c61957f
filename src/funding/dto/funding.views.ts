import { ApiProperty } from '@nestjs/swagger';
import { DONATION_KINDS, FUNDING_SOURCES } from '../funding.types';
import { REPORT_BUILD_STATUSES, REVIEW_STATUSES } from '../report-review';

/** What the funding routes answer, as the OpenAPI document describes it. */

export class DonationDonor {
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ type: 'string' })
  name: string;
}

export class Donation {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string', enum: DONATION_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', enum: FUNDING_SOURCES })
  source: string;

  @ApiProperty({ type: () => DonationDonor })
  donor: DonationDonor;

  @ApiProperty({ type: 'integer' })
  amountFen: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;

  @ApiProperty({ type: 'string', format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  lots: Array<Record<string, unknown>>;

  @ApiProperty({ type: 'string', format: 'uuid', isArray: true })
  transferIds: string[];

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class DonationTraceReceived {
  @ApiProperty({ type: 'integer' })
  quantity: number;

  @ApiProperty({ type: 'integer' })
  valueFen: number;
}

export class DonationTrace {
  @ApiProperty({ type: () => Donation })
  donation: Donation;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  lots: Array<Record<string, unknown>>;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  redemptions: Array<Record<string, unknown>>;

  @ApiProperty({ type: () => DonationTraceTransfer, isArray: true })
  transfers: DonationTraceTransfer[];

  @ApiProperty({ type: () => DonationTraceReceived })
  received: DonationTraceReceived;

  @ApiProperty({ type: () => DonationTraceReceived })
  consumed: DonationTraceReceived;

  @ApiProperty({ type: () => DonationTraceReceived })
  remaining: DonationTraceReceived;

  @ApiProperty({ type: 'integer' })
  communityFundBalanceFen: number;
}

export class DonationTraceTransfer {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  code: string;

  @ApiProperty({ type: 'integer' })
  amountFen: number;

  @ApiProperty({ type: 'string' })
  from: string;

  @ApiProperty({ type: 'string' })
  to: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class Expense {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  amountFen: number;

  @ApiProperty({ type: 'string' })
  purpose: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  listingId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  quantity: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  lot: Record<string, unknown> | null;

  @ApiProperty({ type: 'integer' })
  stockedFen: number;

  @ApiProperty({ type: 'integer' })
  expensedFen: number;

  @ApiProperty({ type: 'string', format: 'uuid', isArray: true })
  transferIds: string[];

  @ApiProperty({ type: 'integer' })
  fundBalanceFen: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class CommunityFunds {
  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  fundBalanceFen: number;

  @ApiProperty({ type: 'integer' })
  inventoryValueFen: number;

  @ApiProperty({ type: 'integer' })
  openLots: number;

  @ApiProperty({ type: 'integer' })
  openLotsValueFen: number;
}

export class SourceFigures {
  @ApiProperty({ type: 'integer' })
  fen: number;

  @ApiProperty({ type: 'number' })
  share: number;
}

export class FundsBySource {
  @ApiProperty({ type: () => SourceFigures })
  social_donation: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  charity_fund: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  merchant: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  enterprise: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  street_funds: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  community_funds: SourceFigures;

  @ApiProperty({ type: () => SourceFigures })
  collective_economy: SourceFigures;
}

export class FundingFigures {
  @ApiProperty({ type: 'integer', nullable: true })
  population: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  households: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  collectiveIncomeFen: number | null;

  @ApiProperty({ type: 'integer' })
  fundsInFen: number;

  @ApiProperty({ type: () => FundsBySource })
  fundsBySource: FundsBySource;

  @ApiProperty({ type: 'number' })
  socialDonationShare: number;

  @ApiProperty({ type: 'integer' })
  spendingFen: number;

  @ApiProperty({ type: 'integer' })
  costOfRedemptionsFen: number;

  @ApiProperty({ type: 'integer' })
  pointsIssued: number;

  @ApiProperty({ type: 'integer' })
  pointsDeducted: number;

  @ApiProperty({ type: 'integer' })
  pointsRedeemed: number;

  @ApiProperty({ type: 'integer' })
  pointsExpired: number;

  @ApiProperty({ type: 'integer' })
  pointsOutstanding: number;

  @ApiProperty({ type: 'number' })
  redemptionRate: number;

  @ApiProperty({ type: 'number' })
  costPerRedeemedPointFen: number;

  @ApiProperty({ type: 'number', nullable: true })
  spendingShareOfCollectiveIncome: number | null;

  @ApiProperty({ type: 'integer' })
  residents: number;

  @ApiProperty({ type: 'integer' })
  participants: number;

  @ApiProperty({ type: 'number' })
  participationRate: number;

  @ApiProperty({ type: 'integer' })
  aaaHouseholds: number;

  @ApiProperty({ type: 'integer' })
  deferredBillsOutstanding: number;

  @ApiProperty({ type: 'integer' })
  deferredBillsOutstandingFen: number;

  @ApiProperty({ type: 'integer' })
  deferredBillsOverdue: number;

  @ApiProperty({ type: 'integer' })
  deferredBillsOverdueFen: number;
}

export class FundingReport {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', enum: REPORT_BUILD_STATUSES })
  status: string;

  @ApiProperty({ type: 'string', enum: REVIEW_STATUSES })
  reviewStatus: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'string' })
  regionName: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  from: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  to: string;

  @ApiProperty({ type: 'integer', nullable: true })
  version: number | null;

  @ApiProperty({ type: 'integer' })
  latestVersion: number;

  @ApiProperty({ type: 'integer', nullable: true })
  submittedVersion: number | null;

  @ApiProperty({ type: 'string', nullable: true })
  contentHash: string | null;

  @ApiProperty({ type: 'boolean', nullable: true })
  hashVerified: boolean | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  builtAt: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  error: string | null;

  @ApiProperty({ type: () => FundingFigures, nullable: true })
  totals: FundingFigures | null;

  @ApiProperty({ type: () => CommunityFundingFigures, isArray: true })
  communities: CommunityFundingFigures[];

  @ApiProperty({ type: () => FundingReportReview, isArray: true })
  reviews: FundingReportReview[];

  @ApiProperty({ type: 'string', format: 'uuid' })
  requestedBy: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class FundingReportReview {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer' })
  version: number;

  @ApiProperty({ type: 'string' })
  action: string;

  @ApiProperty({ type: 'string' })
  fromStatus: string;

  @ApiProperty({ type: 'string' })
  toStatus: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  actorId: string;

  @ApiProperty({ type: 'string' })
  actorName: string;

  @ApiProperty({ type: 'string', nullable: true })
  comment: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  at: string;
}

export class FundingReportPage {
  @ApiProperty({ type: () => FundingReport, isArray: true })
  items: FundingReport[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class CommunityFundingFigures extends FundingFigures {
  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string' })
  kind: string;
}
