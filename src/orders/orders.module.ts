import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { EarningModule } from '../earning/earning.module';
import { OrderLimitCounterEntity } from './entities/order-limit-counter.entity';
import { OrderEntity } from './entities/order.entity';
import { VoucherEntity } from './entities/voucher.entity';
import { OrderFulfilmentProcessor } from './order-fulfilment.processor';
import { OrderFulfilment } from './order-fulfilment.service';
import { OrderabilityService } from './orderability.service';
import { OrderSweeper } from './order-sweeper.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { VouchersService } from './vouchers.service';
import { OrderReportQueries } from './order-report.queries';

@Module({
  imports: [
    TypeOrmModule.forFeature([OrderEntity, OrderLimitCounterEntity, VoucherEntity]),
    CatalogModule,
    EarningModule,
  ],
  controllers: [OrdersController],
  providers: [
    OrderReportQueries,
    OrdersService,
    VouchersService,
    OrderFulfilment,
    OrderabilityService,
    OrderFulfilmentProcessor,
    OrderSweeper,
  ],
  exports: [OrderReportQueries, OrdersService, VouchersService],
})
export class OrdersModule {}
