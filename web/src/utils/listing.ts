import type { Listing, Orderability } from '@/api/types';
import { i18n } from '@/i18n';

/** A short, plain reason a resident cannot order a listing (from GET /me/orderability). */
export function whyNot(o: Orderability | undefined): string {
  const t = i18n.global.t;
  const r = o?.reasons[0];
  if (!r) return '';
  switch (r.reason) {
    case 'insufficient_points':
      return t('why.insufficient_points', { missing: r.missing });
    case 'out_of_stock':
      return t('why.out_of_stock');
    case 'limit_reached':
      return t('why.limit_reached', { limit: r.limit, period: t(`periods.${r.period}`) });
    case 'credit_level':
      return t('why.credit_level', { required: r.required, actual: r.actual && r.actual !== 'NONE' ? r.actual : '—' });
    case 'age':
      return t('why.age', { required: r.required });
    case 'age_unknown':
      return t('why.age_unknown', { required: r.required });
    default:
      return t('why.not_available');
  }
}

/** The listing's rules as short tags (limit, credit level, age). */
export function ruleTags(l: Listing): string[] {
  const t = i18n.global.t;
  const tags: string[] = [];
  if (l.eligibility?.minCreditLevel) tags.push(t('mall.minCredit', { level: l.eligibility.minCreditLevel }));
  if (l.eligibility?.minAge) tags.push(t('mall.minAge', { n: l.eligibility.minAge }));
  if (l.perResidentLimit) tags.push(t('mall.limit', { n: l.perResidentLimit.count, period: t(`periods.${l.perResidentLimit.period}`) }));
  return tags;
}

export const KIND_ICON: Record<string, string> = { goods: 'shopping-cart-o', service: 'service-o', perk: 'gift-o', honor: 'medal-o' };
