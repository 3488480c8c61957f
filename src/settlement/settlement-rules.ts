import { monthRange } from '../earning/earning-period';
import type { RedeemedOrderPoints } from '../ledger/settlement.queries';

/** `YYYY-MM`: a settlement month on China's calendar (UTC+8). */
export const PERIOD_PATTERN = /^(20\d\d|2100)-(0[1-9]|1[0-2])$/;

export interface SettlementPeriod {
  period: string;
  /** [from, to) in UTC. */
  from: Date;
  to: Date;
}

/** The month `YYYY-MM` (validated by the DTO) as its [from, to) in UTC. */
export function periodOf(period: string): SettlementPeriod {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new Error(`not a settlement period: ${period}`);
  return { period, ...monthRange(Number(m[1]), Number(m[2])) };
}

/** What a paying community owes a provider for a month, before it is frozen. */
export interface LineDraft {
  payerCommunityId: string;
  providerOrganizationId: string;
  points: number;
  pointValueFen: number;
  amountFen: number;
}

export const lineKey = (l: { payerCommunityId: string; providerOrganizationId: string }) =>
  `${l.payerCommunityId}|${l.providerOrganizationId}`;

/**
 * The month's lines: the points residents of community P redeemed at a provider based elsewhere
 * (its region is not P), summed per (P, provider), at P's point value. Orders redeemed at a
 * provider of the resident's own community are not settled between communities.
 */
export function draftLines(
  redeemed: RedeemedOrderPoints[],
  payerOf: Map<string, string>,
  providerRegionOf: Map<string, string>,
  pointValueOf: (communityId: string) => number,
): LineDraft[] {
  const points = new Map<string, { payer: string; provider: string; points: number }>();
  for (const r of redeemed) {
    const payer = payerOf.get(r.orderId);
    const base = providerRegionOf.get(r.providerOrganizationId);
    if (!payer || !base || base === payer) continue;
    const key = lineKey({ payerCommunityId: payer, providerOrganizationId: r.providerOrganizationId });
    const line = points.get(key) ?? { payer, provider: r.providerOrganizationId, points: 0 };
    line.points += r.points;
    points.set(key, line);
  }
  return [...points.values()]
    .map((l) => {
      const pointValueFen = pointValueOf(l.payer);
      return {
        payerCommunityId: l.payer,
        providerOrganizationId: l.provider,
        points: l.points,
        pointValueFen,
        amountFen: l.points * pointValueFen,
      };
    })
    .sort((a, b) => (lineKey(a) < lineKey(b) ? -1 : lineKey(a) > lineKey(b) ? 1 : 0));
}
