import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DonationEntity } from './entities/donation.entity';

const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');

/** The statements of `donations` (rows are the entity: typed columns, bigints as numbers). */
@Injectable()
export class DonationsRepository {
  async insert(tx: EntityManager, row: Omit<DonationEntity, 'createdAt'>): Promise<void> {
    await tx.getRepository(DonationEntity).insert(row);
  }

  find(tx: EntityManager, id: string): Promise<DonationEntity | null> {
    return tx.getRepository(DonationEntity).findOneBy({ id });
  }

  /** The ids of the donations these communities received in [from, to) (`received_at`). */
  async receivedIds(tx: EntityManager, communityIds: string[], from: Date, to: Date): Promise<string[]> {
    if (!communityIds.length) return [];
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM donations
        WHERE community_id IN (${marks(communityIds)}) AND received_at >= ? AND received_at < ?`,
      [...communityIds, from, to],
    );
    return rows.map((r) => r.id);
  }
}
