import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ORDER_STATUSES, type OrderStatus } from '../order-state-machine';
import { IsOptional } from '../../common/validation';

export class PlaceOrderDto {
  @ApiProperty()
  @IsUUID()
  listingId: string;

  @ApiProperty({ minimum: 1, maximum: 100, default: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  reason?: string;
}

export class OrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ description: 'provider staff: orders of one listing' })
  @IsOptional()
  @IsUUID()
  listingId?: string;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  residentId: string;
  listingId: string;
  listingTitle?: string;
  providerOrganizationId: string;
  quantity: number;
  unitPoints: number;
  totalPoints: number;
  expiresAt: Date;
  createdAt: Date;
  readyAt: Date | null;
  redeemedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  expiredAt: Date | null;
}
