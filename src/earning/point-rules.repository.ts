import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affectedRows } from '../database/transaction.service';

/** The statements of `point_rules` that TypeORM's repository does not express. */
@Injectable()
export class PointRulesRepository {
  /** Every rule of a community's book as `(id, parentId)`, to walk the tree. */
  async edgesOf(
    tx: EntityManager,
    communityId: string,
  ): Promise<Array<{ id: string; parentId: string | null }>> {
    const rows: Array<{ id: string; parent_id: string | null }> = await tx.query(
      'SELECT id, parent_id FROM point_rules WHERE community_id = ?',
      [communityId],
    );
    return rows.map((r) => ({ id: r.id, parentId: r.parent_id }));
  }

  /** Retires these rules (those not retired yet). */
  async retire(tx: EntityManager, ids: string[]): Promise<void> {
    await tx.query(
      'UPDATE point_rules SET retired_at = CURRENT_TIMESTAMP(3) WHERE id IN (?) AND retired_at IS NULL',
      [ids],
    );
  }

  /** Retires a community's whole book; how many rules it retired. */
  async retireBook(tx: EntityManager, communityId: string): Promise<number> {
    return affectedRows(
      await tx.query(
        'UPDATE point_rules SET retired_at = CURRENT_TIMESTAMP(3) WHERE community_id = ? AND retired_at IS NULL',
        [communityId],
      ),
    );
  }
}
