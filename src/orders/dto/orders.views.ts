import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_STATUSES } from '../order-state-machine';

/** What the orders routes answer, as the OpenAPI document describes it. */

export class Order {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', enum: ORDER_STATUSES })
  status: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  listingId: string;

  @ApiPropertyOptional({ type: 'string' })
  listingTitle?: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  providerOrganizationId: string;

  @ApiProperty({ type: 'integer' })
  quantity: number;

  @ApiProperty({ type: 'integer' })
  unitPoints: number;

  @ApiProperty({ type: 'integer' })
  totalPoints: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  readyAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  redeemedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  cancelledAt: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  cancelReason: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  expiredAt: string | null;
}

export class OrderPage {
  @ApiProperty({ type: () => Order, isArray: true })
  items: Order[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

export class Voucher {
  @ApiProperty({ type: 'string', format: 'uuid' })
  orderId: string;

  @ApiProperty({ type: 'string' })
  code: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: 'string' })
  status: string;
}
