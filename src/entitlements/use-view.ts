import { UseView } from './dto/entitlements.dto';
import { discountedFen } from './entitlement-rules';
import { EntitlementUseEntity } from './entities/entitlement-use.entity';

export function toUseView(u: EntitlementUseEntity, residentName?: string): UseView {
  return {
    id: u.id,
    kind: u.kind,
    status: u.status,
    residentId: u.residentId,
    ...(residentName !== undefined ? { residentName } : {}),
    organizationId: u.organizationId,
    recordedBy: u.recordedBy,
    creditLevel: u.creditLevel,
    year: u.periodYear,
    amountFen: u.amountFen,
    discountPercent: u.discountPercent,
    payableFen:
      u.amountFen !== null && u.discountPercent !== null
        ? discountedFen(u.amountFen, u.discountPercent)
        : null,
    dueAt: u.dueAt,
    overdueAt: u.overdueAt,
    settledAt: u.settledAt,
    createdAt: u.createdAt,
  };
}
