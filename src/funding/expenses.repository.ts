import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CommunityExpenseEntity } from './entities/community-expense.entity';

/** The statements of `community_expenses` (rows are the entity). */
@Injectable()
export class ExpensesRepository {
  async insert(tx: EntityManager, row: Omit<CommunityExpenseEntity, 'createdAt'>): Promise<void> {
    await tx.getRepository(CommunityExpenseEntity).insert(row);
  }

  get(tx: EntityManager, id: string): Promise<CommunityExpenseEntity> {
    return tx.getRepository(CommunityExpenseEntity).findOneByOrFail({ id });
  }
}
