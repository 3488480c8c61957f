import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { EarningModule } from '../earning/earning.module';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SigningModule } from '../signing/signing.module';
import { OrderLimitCounterEntity } from './entities/order-limit-counter.entity';
import { OrderEntity } from './entities/order.entity';
import { VoucherEntity } from './entities/voucher.entity';
import { OrderFulfilmentProcessor } from './order-fulfilment.processor';
import { OrderFulfilment } from './order-fulfilment.service';
import { OrderLimitsRepository } from './order-limits.repository';
import { OrderabilityService } from './orderability.service';
import { OrderSweeper } from './order-sweeper.service';
import { OrderPlacement } from './order-placement.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { VouchersRepository } from './vouchers.repository';
import { RedemptionCaptureQueries } from './redemption-capture.queries';
import { VouchersService } from './vouchers.service';
import { OrderReportQueries } from './order-report.queries';
import { SettlementOrderQueries } from './settlement.queries';

@Module({
  imports: [
    TypeOrmModule.forFeature([OrderEntity, OrderLimitCounterEntity, VoucherEntity]),
    CatalogModule,
    EarningModule,
    IdentityModule,
    LedgerModule,
    NotificationsModule,
    SigningModule,
  ],
  controllers: [OrdersController],
  providers: [
    SettlementOrderQueries,
    OrdersService,
    OrderPlacement,
    VouchersService,
    OrderFulfilment,
    OrderabilityService,
    OrderFulfilmentProcessor,
    OrderSweeper,
    OrdersRepository,
    OrderLimitsRepository,
    VouchersRepository,
    RedemptionCaptureQueries,
    OrderReportQueries,
  ],
  exports: [
    OrdersService,
    VouchersService,
    RedemptionCaptureQueries,
    OrderReportQueries,
    SettlementOrderQueries,
  ],
})
export class OrdersModule {}
