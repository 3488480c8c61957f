import { canTransition, ORDER_STATUSES, ORDER_TRANSITIONS, sourcesOf } from './order-state-machine';

describe('order state machine', () => {
  it('allows the order path and its exits', () => {
    expect(canTransition('pending', 'ready')).toBe(true);
    expect(canTransition('ready', 'redeemed')).toBe(true);
    expect(canTransition('pending', 'cancelled')).toBe(true);
    expect(canTransition('ready', 'expired')).toBe(true);
    expect(canTransition('pending', 'failed')).toBe(true);
  });

  it('never leaves a final state and never redeems an order without a voucher', () => {
    for (const s of ['redeemed', 'cancelled', 'expired', 'failed'] as const)
      expect(ORDER_TRANSITIONS[s]).toEqual([]);
    expect(canTransition('pending', 'redeemed')).toBe(false);
    expect(canTransition('redeemed', 'cancelled')).toBe(false);
    expect(canTransition('ready', 'pending')).toBe(false);
  });

  it('derives the sources of each state from the table', () => {
    expect(sourcesOf('expired').sort()).toEqual(['pending', 'ready']);
    expect(sourcesOf('redeemed')).toEqual(['ready']);
    for (const s of ORDER_STATUSES) for (const f of sourcesOf(s)) expect(canTransition(f, s)).toBe(true);
  });
});
