import { Body, Controller, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import { OrderabilityQuery, OrderabilityView } from './dto/orderability.dto';
import { CancelOrderDto, OrdersQuery, PlaceOrderDto } from './dto/orders.dto';
import { OrderabilityService } from './orderability.service';
import { OrdersService } from './orders.service';
import { VouchersService } from './vouchers.service';
import { ApiErrors } from '../common/openapi';
import { Order, OrderPage, Voucher } from './dto/orders.views';

@ApiTags('orders')
@ApiBearerAuth()
@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly vouchers: VouchersService,
    private readonly orderability: OrderabilityService,
  ) {}

  @Get('me/orderability')
  @Roles('resident')
  @ApiOperation({ summary: 'Whether the caller could order each listing now, and every reason why not' })
  @ApiOkResponse({ type: OrderabilityView })
  @ApiErrors('NOT_FOUND')
  orderable(@CurrentActor() actor: Actor, @Query() q: OrderabilityQuery): Promise<OrderabilityView> {
    return this.orderability.forResident(actor, q);
  }

  @ApiOperation({ summary: 'Order a listing: points held and stock reserved at once' })
  @ApiCreatedResponse({ type: Order })
  @ApiErrors(
    'INSUFFICIENT_POINTS',
    'OUT_OF_STOCK',
    'LIMIT_REACHED',
    'NOT_ELIGIBLE',
    'LISTING_NOT_FOUND',
    'LISTING_NOT_AVAILABLE',
    'IDEMPOTENCY_KEY_REUSED',
  )
  @Post('orders')
  @Roles('resident')
  @ApiIdempotencyKey()
  place(@CurrentActor() actor: Actor, @Body() body: PlaceOrderDto, @IdempotencyKey() key?: string) {
    return this.orders.place(actor, body, key);
  }

  @ApiOperation({ summary: "The resident's orders, newest first" })
  @ApiOkResponse({ type: OrderPage })
  @ApiErrors()
  @Get('me/orders')
  @Roles('resident')
  mine(@CurrentActor() actor: Actor, @Query() q: OrdersQuery) {
    return this.orders.list(actor, q, true);
  }

  @ApiOperation({ summary: "Orders of the listings of the caller's organisation" })
  @ApiOkResponse({ type: OrderPage })
  @ApiErrors('NOT_FOUND')
  @Get('orders')
  @Roles('merchant_staff', 'hospital_staff', 'canteen_staff', 'community_admin', 'community_staff')
  providerOrders(@CurrentActor() actor: Actor, @Query() q: OrdersQuery) {
    return this.orders.list(actor, q, false);
  }

  @ApiOperation({ summary: 'One order' })
  @ApiOkResponse({ type: Order })
  @ApiErrors()
  @Get('orders/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.orders.get(actor, id);
  }

  @ApiOperation({ summary: 'Cancel an order before redemption: releases points and stock' })
  @ApiOkResponse({ type: Order })
  @ApiErrors('ALREADY_REDEEMED', 'INVALID_STATE')
  @Post('orders/:id/cancel')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CancelOrderDto) {
    return this.orders.cancel(actor, id, body.reason);
  }

  @ApiOperation({ summary: "The order's voucher code, once it is ready" })
  @ApiOkResponse({ type: Voucher })
  @ApiErrors('VOUCHER_NOT_READY')
  @Get('orders/:id/voucher')
  @Roles('resident')
  voucher(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.vouchers.get(actor, id);
  }

  @ApiOperation({ summary: 'The voucher as a QR image (PNG)' })
  @ApiOkResponse({ description: 'the file (image/png)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors('VOUCHER_NOT_READY')
  @Get('orders/:id/voucher.png')
  @Roles('resident')
  @ApiProduces('image/png')
  @Header('Content-Type', 'image/png')
  @Header('Cache-Control', 'private, no-store')
  async voucherPng(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return new StreamableFile(await this.vouchers.png(actor, id));
  }

  @ApiOperation({ summary: 'The voucher as a QR image (SVG)' })
  @ApiOkResponse({ description: 'the file (image/svg+xml)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors('VOUCHER_NOT_READY')
  @Get('orders/:id/voucher.svg')
  @Roles('resident')
  @ApiProduces('image/svg+xml')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'private, no-store')
  voucherSvg(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.vouchers.svg(actor, id);
  }
}
