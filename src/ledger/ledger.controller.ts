import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { TransactionsQuery } from './dto/ledger.dto';
import { LedgerAuditService } from './ledger-audit.service';
import { WalletService } from './wallet.service';
import { ApiErrors } from '../common/openapi';
import { LedgerAudit, TransactionPage, Wallet } from './dto/ledger.views';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(
    private readonly wallets: WalletService,
    private readonly audit: LedgerAuditService,
  ) {}

  @ApiOperation({ summary: "The resident's points: available, held and balance" })
  @ApiOkResponse({ type: Wallet })
  @ApiErrors()
  @Get('me/wallet')
  @Roles('resident')
  wallet(@CurrentActor() actor: Actor) {
    return this.wallets.wallet(actor);
  }

  @ApiOperation({ summary: "The resident's ledger lines, newest first" })
  @ApiOkResponse({ type: TransactionPage })
  @ApiErrors()
  @Get('me/transactions')
  @Roles('resident')
  transactions(@CurrentActor() actor: Actor, @Query() q: TransactionsQuery) {
    return this.wallets.transactions(actor, q);
  }

  @ApiOperation({ summary: "Check the ledger's invariants now" })
  @ApiOkResponse({ type: LedgerAudit })
  @ApiErrors()
  @Get('ledger/audit')
  @Roles('city_admin')
  runAudit() {
    return this.audit.run();
  }
}
