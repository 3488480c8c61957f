import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { UserEntity } from './entities/user.entity';

/** Users' display names by id (staff at a counter, residents to be masked by the caller). */
@Injectable()
export class DisplayNamesQueries {
  async of(tx: EntityManager, userIds: Array<string | null>): Promise<Map<string, string>> {
    const ids = [...new Set(userIds.filter((id): id is string => !!id))];
    const rows = ids.length
      ? await tx.getRepository(UserEntity).find({ select: { id: true, displayName: true }, where: { id: In(ids) } })
      : [];
    return new Map(rows.map((u) => [u.id, u.displayName]));
  }
}
