import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { SchedulerService } from '../jobs/scheduler.service';
import { DeferredBillsService } from './deferred-bills.service';

/** In the worker role: unpaid deferred bills past their due time become overdue (the database decides). */
@Injectable()
export class OverdueSweeper implements OnModuleInit {
  constructor(
    private readonly bills: DeferredBillsService,
    private readonly scheduler: SchedulerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('entitlements.overdue', this.config.entitlementSweepMs, () =>
      this.bills.markOverdue(),
    );
  }
}
