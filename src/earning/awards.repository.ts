import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';

/** The statements of `awards` that TypeORM's repository does not express. */
@Injectable()
export class AwardsRepository {
  /**
   * Marks a deduction reversed by this transfer, once: false when it is no deduction or was
   * reversed already (a conditional update, so two reversals never both pass).
   */
  async markReversed(tx: EntityManager, awardId: string, reversalTransferId: string): Promise<boolean> {
    const res = await tx.query(
      `UPDATE awards SET reversed_at = CURRENT_TIMESTAMP(3), reversal_transfer_id = ?
        WHERE id = ? AND points < 0 AND reversed_at IS NULL`,
      [reversalTransferId, awardId],
    );
    return affectedRows(res) === 1;
  }
}
