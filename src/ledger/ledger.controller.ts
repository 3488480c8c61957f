import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { TransactionsQuery } from './dto/ledger.dto';
import { LedgerAuditService } from './ledger-audit.service';
import { WalletService } from './wallet.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(
    private readonly wallets: WalletService,
    private readonly audit: LedgerAuditService,
  ) {}

  @Get('me/wallet')
  @Roles('resident')
  wallet(@CurrentActor() actor: Actor) {
    return this.wallets.wallet(actor);
  }

  @Get('me/transactions')
  @Roles('resident')
  transactions(@CurrentActor() actor: Actor, @Query() q: TransactionsQuery) {
    return this.wallets.transactions(actor, q);
  }

  @Get('ledger/audit')
  @Roles('city_admin')
  runAudit() {
    return this.audit.run();
  }
}
