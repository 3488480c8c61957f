import { OrderView } from './dto/orders.dto';
import { OrderEntity } from './entities/order.entity';

export const ORDER_PLACED_JOB = 'order.placed';

/** The fields of an order that its view shows. */
export type OrderViewSource = Pick<
  OrderEntity,
  | 'id'
  | 'status'
  | 'residentId'
  | 'listingId'
  | 'providerOrganizationId'
  | 'quantity'
  | 'unitPoints'
  | 'totalPoints'
  | 'expiresAt'
  | 'createdAt'
  | 'readyAt'
  | 'redeemedAt'
  | 'cancelledAt'
  | 'cancelReason'
  | 'expiredAt'
>;

export function toOrderView(o: OrderViewSource, listingTitle?: string): OrderView {
  return {
    id: o.id,
    status: o.status,
    residentId: o.residentId,
    listingId: o.listingId,
    ...(listingTitle !== undefined ? { listingTitle } : {}),
    providerOrganizationId: o.providerOrganizationId,
    quantity: o.quantity,
    unitPoints: o.unitPoints,
    totalPoints: o.totalPoints,
    expiresAt: o.expiresAt,
    createdAt: o.createdAt,
    readyAt: o.readyAt,
    redeemedAt: o.redeemedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    expiredAt: o.expiredAt,
  };
}
