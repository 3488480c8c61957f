import type { Actor } from '../common/actor';
import {
  ageOn,
  ancestorPaths,
  cityPathOf,
  creditLevelMeets,
  eligibilityCheck,
  listingVisibleTo,
  managesProvider,
  orderability,
  scopeCovers,
  validityAt,
  withinProviderReach,
} from './catalog-rules';

const CITY = '/city/';
const STREET = '/city/dist/street/';
const COMMUNITY = '/city/dist/street/comm/';
const OTHER_COMMUNITY = '/city/dist/street/other/';
const OTHER_STREET_COMMUNITY = '/city/dist/street2/comm2/';
const OTHER_CITY_COMMUNITY = '/city2/d/s/c/';

const at = (iso: string) => new Date(iso);

describe('scope (circulation)', () => {
  it('lists every ancestor-or-self path, root first', () => {
    expect(ancestorPaths(COMMUNITY)).toEqual([
      '/city/',
      '/city/dist/',
      '/city/dist/street/',
      '/city/dist/street/comm/',
    ]);
    expect(ancestorPaths('/')).toEqual([]);
    expect(cityPathOf(COMMUNITY)).toBe('/city/');
  });

  it('a city-wide listing covers every community of the city and none of another city', () => {
    expect(scopeCovers(CITY, COMMUNITY)).toBe(true);
    expect(scopeCovers(CITY, OTHER_STREET_COMMUNITY)).toBe(true);
    expect(scopeCovers(CITY, OTHER_CITY_COMMUNITY)).toBe(false);
  });

  it('a street-wide listing covers the communities of that street only', () => {
    expect(scopeCovers(STREET, COMMUNITY)).toBe(true);
    expect(scopeCovers(STREET, OTHER_COMMUNITY)).toBe(true);
    expect(scopeCovers(STREET, OTHER_STREET_COMMUNITY)).toBe(false);
  });

  it('a community listing covers that community only', () => {
    expect(scopeCovers(COMMUNITY, COMMUNITY)).toBe(true);
    expect(scopeCovers(COMMUNITY, OTHER_COMMUNITY)).toBe(false);
    expect(scopeCovers(COMMUNITY, null)).toBe(false);
  });

  it('does not confuse ids that share a prefix', () => {
    expect(scopeCovers('/city/dist/street/co/', COMMUNITY)).toBe(false);
  });

  it('a provider reaches its own region, its ancestors and anything in its city', () => {
    expect(withinProviderReach(COMMUNITY, COMMUNITY)).toBe(true);
    expect(withinProviderReach(COMMUNITY, STREET)).toBe(true);
    expect(withinProviderReach(COMMUNITY, CITY)).toBe(true);
    expect(withinProviderReach(COMMUNITY, OTHER_STREET_COMMUNITY)).toBe(true);
    expect(withinProviderReach(CITY, COMMUNITY)).toBe(true);
    expect(withinProviderReach(COMMUNITY, OTHER_CITY_COMMUNITY)).toBe(false);
    expect(withinProviderReach(COMMUNITY, '/city2/')).toBe(false);
  });

  it('shows a listing to whom it circulates for, to overseers of its region and to the platform admin', () => {
    expect(listingVisibleTo({ regionPath: COMMUNITY }, CITY)).toBe(true);
    expect(listingVisibleTo({ regionPath: COMMUNITY }, OTHER_COMMUNITY)).toBe(false);
    expect(listingVisibleTo({ regionPath: STREET }, COMMUNITY)).toBe(true);
    expect(listingVisibleTo({ regionPath: STREET }, OTHER_STREET_COMMUNITY)).toBe(false);
    expect(listingVisibleTo({ regionPath: null }, OTHER_CITY_COMMUNITY)).toBe(true);
  });
});

describe('who manages a provider’s listings', () => {
  const actor = (roles: Actor['roles'], organizationId: string | null, regionId = 'comm') => ({
    roles,
    organizationId,
    regionId,
  });
  const merchant = { id: 'm1', type: 'merchant' as const, regionId: 'comm' };
  const supermarket = { id: 'c1', type: 'community' as const, regionId: 'comm' };

  it('staff of the organisation with the matching role', () => {
    expect(managesProvider(actor(['merchant_staff'], 'm1'), merchant)).toBe(true);
    expect(managesProvider(actor(['merchant_staff'], 'm2'), merchant)).toBe(false);
    expect(managesProvider(actor(['hospital_staff'], 'm1'), merchant)).toBe(false);
    expect(managesProvider(actor(['resident'], 'm1'), merchant)).toBe(false);
  });

  it('community admin and staff for their community’s own supermarket, not for merchants there', () => {
    expect(managesProvider(actor(['community_admin'], null), supermarket)).toBe(true);
    expect(managesProvider(actor(['community_staff'], 'c1', 'elsewhere'), supermarket)).toBe(true);
    expect(managesProvider(actor(['community_staff'], null, 'elsewhere'), supermarket)).toBe(false);
    expect(managesProvider(actor(['grid_worker'], null), supermarket)).toBe(false);
    expect(managesProvider(actor(['community_admin'], null), merchant)).toBe(false);
  });
});

describe('validity window and orderability', () => {
  const listing = {
    status: 'published' as const,
    scopePath: STREET,
    validFrom: at('2026-01-01T00:00:00Z'),
    validUntil: at('2026-02-01T00:00:00Z'),
  };
  const resident = { regionPath: COMMUNITY };

  it('is half-open: from is included, until is not', () => {
    expect(validityAt(listing, at('2025-12-31T23:59:59.999Z'))).toBe('not_yet_valid');
    expect(validityAt(listing, at('2026-01-01T00:00:00Z'))).toBe('valid');
    expect(validityAt(listing, at('2026-01-31T23:59:59.999Z'))).toBe('valid');
    expect(validityAt(listing, at('2026-02-01T00:00:00Z'))).toBe('expired');
    expect(validityAt({ validFrom: null, validUntil: null }, at('1990-01-01T00:00:00Z'))).toBe('valid');
  });

  it('out of scope is "not found"; unpublished or outside the window is "not available"', () => {
    const now = at('2026-01-15T00:00:00Z');
    expect(orderability(listing, resident, now)).toEqual({ orderable: true });
    expect(orderability(listing, { regionPath: OTHER_STREET_COMMUNITY }, now)).toMatchObject({
      orderable: false,
      code: 'LISTING_NOT_FOUND',
    });
    expect(orderability({ ...listing, status: 'unpublished' }, resident, now)).toMatchObject({
      code: 'LISTING_NOT_AVAILABLE',
      reason: 'unpublished',
    });
    expect(orderability(listing, resident, at('2026-03-01T00:00:00Z'))).toMatchObject({
      code: 'LISTING_NOT_AVAILABLE',
      reason: 'expired',
    });
    expect(orderability(listing, resident, at('2025-03-01T00:00:00Z'))).toMatchObject({
      reason: 'not_yet_valid',
    });
  });
});

describe('eligibility', () => {
  const now = at('2026-05-10T04:00:00Z'); // 12:00 in China

  it('orders credit levels A < AA < AAA; NONE and unknown meet nothing', () => {
    expect(creditLevelMeets('AAA', 'AA')).toBe(true);
    expect(creditLevelMeets('AA', 'AA')).toBe(true);
    expect(creditLevelMeets('A', 'AA')).toBe(false);
    expect(creditLevelMeets('NONE', 'A')).toBe(false);
    expect(creditLevelMeets(null, 'A')).toBe(false);
  });

  it('counts full years on the China calendar day', () => {
    expect(ageOn('1963-05-10', now)).toBe(63);
    expect(ageOn('1963-05-11', now)).toBe(62);
    // 2026-05-09T17:00Z is already 05-10 01:00 in China: the birthday has come.
    expect(ageOn('1963-05-10', at('2026-05-09T17:00:00Z'))).toBe(63);
    expect(ageOn('1963-05-10', at('2026-05-09T15:00:00Z'))).toBe(62);
    expect(() => ageOn('10/05/1963', now)).toThrow();
  });

  it('checks the credit level first, then the age', () => {
    const rule = { minCreditLevel: 'AAA' as const, minAge: 60 };
    expect(eligibilityCheck(rule, { creditLevel: 'AAA', birthDate: '1950-01-01' }, now)).toEqual({
      eligible: true,
    });
    expect(eligibilityCheck(rule, { creditLevel: 'AA', birthDate: '1950-01-01' }, now)).toEqual({
      eligible: false,
      reason: 'credit_level',
      required: 'AAA',
      actual: 'AA',
    });
    expect(eligibilityCheck(rule, { creditLevel: 'AAA', birthDate: '1990-01-01' }, now)).toEqual({
      eligible: false,
      reason: 'age',
      required: 60,
      actual: 36,
    });
    expect(eligibilityCheck(rule, { creditLevel: 'AAA', birthDate: null }, now)).toMatchObject({
      reason: 'age_unknown',
    });
  });

  it('no rule means everyone is eligible', () => {
    expect(eligibilityCheck(null, { creditLevel: null, birthDate: null }, now)).toEqual({ eligible: true });
    expect(eligibilityCheck({}, { creditLevel: 'NONE', birthDate: null }, now)).toEqual({ eligible: true });
  });
});
