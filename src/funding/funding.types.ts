/** Where money and goods for a points system come from (domain.md: "How it is funded"). */
export const FUNDING_SOURCES = [
  'social_donation',
  'charity_fund',
  'merchant',
  'enterprise',
  'street_funds',
  'community_funds',
  'collective_economy',
] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

/** Labels for the CSV, the chart and the PDF. */
export const SOURCE_LABELS: Record<FundingSource, string> = {
  social_donation: '社会捐赠',
  charity_fund: '慈善基金',
  merchant: '商户捐赠',
  enterprise: '企业捐赠',
  street_funds: '街道资金',
  community_funds: '社区自有资金',
  collective_economy: '村集体经济',
};

export const DONATION_KINDS = ['cash', 'in_kind', 'service'] as const;
export type DonationKind = (typeof DONATION_KINDS)[number];

/**
 * Transfer codes of the CNY_FEN ledger written by this module (`transfers.code`):
 * - `donation`: funding_source[community, source] → community_fund (cash), → inventory (in-kind
 *   goods at quantity × unit value) or → expense (a donated service, recognised as received and
 *   used up at once);
 * - `expense`: community_fund → expense, or → inventory when the spending stocked a listing;
 * - `redemption_cost`: inventory → cost_of_redemptions, at the unit values of the lots a redeemed
 *   order consumed.
 */
export const FUNDING_CODES = {
  donation: 'donation',
  expense: 'expense',
  redemptionCost: 'redemption_cost',
} as const;

/** The CNY_FEN ledger. */
export const MONEY = 'CNY_FEN' as const;

/** At most this many items in one in-kind donation. */
export const MAX_DONATION_ITEMS = 50;
