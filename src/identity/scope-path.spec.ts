import { scopePathOf } from './scope-path';

describe('scopePathOf', () => {
  const city = '/c/';
  const street = '/c/d/s/';
  const community = '/c/d/s/a1/';

  it('is the user region for everyone but partner staff', () => {
    expect(scopePathOf(['resident'], community, null)).toBe(community);
    expect(scopePathOf(['street_officer'], street, street)).toBe(street);
    expect(scopePathOf(['city_admin'], null, null)).toBeNull();
    expect(scopePathOf(['community_admin'], community, city)).toBe(community);
  });

  it('never lets partner staff see wider than their organisation’s region', () => {
    expect(scopePathOf(['merchant_staff'], city, community)).toBe(community);
    expect(scopePathOf(['hospital_staff'], street, '/c/d/')).toBe(street);
    expect(scopePathOf(['canteen_staff'], community, community)).toBe(community);
    // A resident who works at a merchant of their community stays in the community.
    expect(scopePathOf(['resident', 'merchant_staff'], community, community)).toBe(community);
  });

  it('leaves administrators who also hold a partner role their region', () => {
    expect(scopePathOf(['street_officer', 'merchant_staff'], street, community)).toBe(street);
  });

  it('keeps the user region when the organisation lies elsewhere or is unknown', () => {
    expect(scopePathOf(['merchant_staff'], community, '/other/')).toBe(community);
    expect(scopePathOf(['merchant_staff'], community, null)).toBe(community);
  });
});
