// The API's answers the web app reads (a subset of the OpenAPI document at /api/docs-json).

export type Role =
  | 'city_admin'
  | 'street_officer'
  | 'community_admin'
  | 'community_staff'
  | 'grid_worker'
  | 'merchant_staff'
  | 'hospital_staff'
  | 'canteen_staff'
  | 'resident';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  regionId: string | null;
  organizationId: string | null;
}

export interface Me extends SessionUser {
  householdNo: string | null;
  birthDate: string | null;
  region: { id: string; name: string; kind: string } | null;
  organization: { id: string; name: string; type: string } | null;
}

export interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  user: SessionUser;
  deviceToken?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Wallet {
  available: number;
  held: number;
  balance: number;
}

export interface LedgerLine {
  id: string;
  code: string;
  phase: string;
  amount: number;
  refType: string | null;
  refId: string | null;
  createdAt: string;
}

export type ListingKind = 'goods' | 'service' | 'perk' | 'honor';

export interface Listing {
  id: string;
  kind: ListingKind;
  title: string;
  description: string;
  pointsPrice: number;
  stock: number | null;
  perResidentLimit: { count: number; period: 'day' | 'month' | 'year' } | null;
  eligibility: { minCreditLevel?: string; minAge?: number };
  scope: { regionId: string; name?: string; kind?: string };
  validFrom: string | null;
  validUntil: string | null;
  redeemWithinDays: number;
  unitCostFen: number | null;
  imageUrl: string | null;
  status: 'published' | 'unpublished';
  providerOrganizationId: string;
  provider: { id: string; name?: string; type?: string };
  available: boolean;
  version: number;
  createdAt: string;
}

export interface OrderabilityReason {
  reason: string;
  detail?: string;
  required?: string | number;
  actual?: string | number | null;
  limit?: number;
  period?: string;
  used?: number;
  available?: number;
  missing?: number;
}

export interface Orderability {
  listingId: string;
  orderable: boolean;
  reasons: OrderabilityReason[];
}

export type OrderStatus = 'pending' | 'ready' | 'redeemed' | 'cancelled' | 'expired' | 'failed';

export interface Order {
  id: string;
  status: OrderStatus;
  listingId: string;
  listingTitle?: string;
  quantity: number;
  unitPoints: number;
  totalPoints: number;
  expiresAt: string;
  createdAt: string;
  readyAt: string | null;
  redeemedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  expiredAt: string | null;
}

export interface Voucher {
  orderId: string;
  code: string;
  expiresAt: string;
}

export interface Pass {
  code: string;
  expiresAt: string;
  creditLevel: string;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  refType: string | null;
  refId: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface RuleNode {
  id: string;
  parentId: string | null;
  kind: 'indicator' | 'item';
  name: string;
  points: number | null;
  category: string | null;
  description: string | null;
  retired: boolean;
  children: RuleNode[];
}

export interface Declaration {
  id: string;
  communityId: string;
  residentId: string;
  residentName: string;
  ruleId: string;
  ruleName: string;
  points: number;
  occurredAt: string;
  note: string;
  declaredBy: string;
  proxy: boolean;
  status: 'pending' | 'approved' | 'rejected';
  rejectReason: string | null;
  createdAt: string;
}

export interface ResidentHit {
  id: string;
  displayName: string;
  householdNo: string | null;
  username: string;
  regionId: string;
  regionName: string | null;
}

export interface FundingFigures {
  fundsInFen: number;
  fundsBySource: Record<string, { fen: number; share: number }>;
  socialDonationShare: number;
  spendingFen: number;
  costOfRedemptionsFen: number;
  pointsIssued: number;
  pointsDeducted: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsOutstanding: number;
  redemptionRate: number | null;
  costPerRedeemedPointFen: number | null;
  spendingShareOfCollectiveIncome: number | null;
  participationRate: number | null;
  aaaHouseholds: number;
  [k: string]: any;
}

export interface ReviewEntry {
  action: string;
  actorId: string;
  actorName?: string | null;
  comment: string | null;
  version: number | null;
  at: string;
  [k: string]: any;
}

export interface FundingReport {
  id: string;
  status: 'queued' | 'building' | 'ready' | 'failed';
  reviewStatus: 'draft' | 'submitted' | 'approved' | 'returned';
  regionId: string;
  regionName?: string;
  from: string;
  to: string;
  version: number;
  latestVersion?: number;
  submittedVersion?: number | null;
  hashVerified?: boolean;
  builtAt?: string | null;
  totals?: FundingFigures;
  communities?: Array<FundingFigures & { regionId: string; name: string }>;
  reviews?: ReviewEntry[];
  createdAt?: string;
}

export type AppealStatus = 'pending' | 'upheld' | 'rejected';

export interface Appeal {
  id: string;
  status: AppealStatus;
  communityId: string;
  residentId: string;
  residentName: string | null;
  transferId: string;
  awardId: string;
  points: number;
  ruleName: string;
  deductedBy: string;
  reason: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  reversalTransferId: string | null;
  createdAt: string;
}

export type NoticeKind = 'award' | 'deduction' | 'declaration' | 'base_grant' | 'appeal_decision' | 'funding_report';

export interface Notice {
  seq: number;
  kind: NoticeKind;
  summary: string;
  refType: string;
  refId: string;
  createdAt: string;
  prevHash: string;
  hash: string;
  displayUntil: string;
}

export interface NoticeVerification {
  ok: boolean;
  length: number;
  head: string;
  firstBrokenSeq?: number;
}

export interface NoticeObjection {
  id: string;
  communityId: string;
  seq: number;
  residentId: string;
  reason: string;
  createdAt: string;
}
// Mutual aid (银龄互助), stored time (时间储蓄) and households (户).
export type MutualAidKind = 'escort_to_hospital' | 'medicine_purchase' | 'remote_help' | 'companionship' | 'housework';
export type CreditLevel = 'AAA' | 'AA' | 'A' | 'NONE';
export type MutualAidStatus = 'open' | 'claimed' | 'completed' | 'confirmed' | 'cancelled';

export interface MutualAidRequest {
  id: string;
  communityId: string;
  kind: MutualAidKind;
  description: string;
  wantedAt: string;
  minutes: number;
  residentId: string;
  residentName: string;
  requestedBy: string;
  proxy: boolean;
  payWithStoredTime: boolean;
  status: MutualAidStatus;
  volunteerId: string | null;
  volunteerName: string | null;
  heldMinutes: number | null;
  completedMinutes: number | null;
  creditedMinutes: number | null;
  createdAt: string;
}

export interface TimeAccount {
  minutes: number;
  heldMinutes: number;
  capMinutes: number;
}

export interface HouseholdMember {
  residentId: string;
  displayName: string;
  available: number;
  earnedPoints: number;
  creditLevel: CreditLevel;
}

export interface Household {
  householdNo: string;
  communityId: string;
  year: number;
  members: HouseholdMember[];
  earnedPoints: number;
  creditLevel: CreditLevel;
}

/** GET /settlements: a month's city-wide settlement (通兑) lines. */
export interface SettlementLine {
  payerCommunityId: string;
  payerCommunityName: string;
  providerOrganizationId: string;
  providerOrganizationName: string;
  points: number;
  pointValueFen: number;
  amountFen: number;
  status: 'open' | 'paid' | 'unpaid';
  code?: string;
  transferId?: string;
}

export interface SettlementStatement {
  period: string;
  regionId: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  lines: SettlementLine[];
  totals: { points: number; amountFen: number; paidFen: number; unpaidFen: number };
}
