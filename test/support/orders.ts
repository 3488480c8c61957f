import { JwtService } from '@nestjs/jwt';
import { newId } from '../../src/common/ids';
import { TransactionService } from '../../src/database/transaction.service';
import { AuthService } from '../../src/identity/auth.service';
import { UserEntity } from '../../src/identity/entities/user.entity';
import { LedgerService } from '../../src/ledger/ledger.service';
import type { TestApp } from './harness';
import type { User } from './world';

/**
 * Order helpers. `residents(n)` makes many residents at once (SQL rows, points through the real
 * ledger, tokens signed by the app's JwtService) so that concurrency tests with hundreds of residents
 * stay fast; everything they then do goes through HTTP.
 */
export class Shop {
  constructor(readonly t: TestApp) {}

  async residents(communityId: string, n: number, points: number): Promise<User[]> {
    const users = Array.from({ length: n }, (_, i) => ({
      id: newId(),
      username: `bulk${newId().slice(0, 8)}${i}`,
    }));
    await this.t.sql(
      `INSERT INTO users (id, username, password_hash, display_name, roles, region_id, active) VALUES ${users.map(() => "(?, ?, NULL, '李桂英', 'resident', ?, 1)").join(', ')}`,
      users.flatMap((u) => [u.id, u.username, communityId]),
    );
    if (points > 0)
      await this.give(
        communityId,
        users.map((u) => u.id),
        points,
      );
    const auth = this.t.app.get(AuthService);
    const jwt = this.t.app.get(JwtService);
    const repo = this.t.db.getRepository(UserEntity);
    return Promise.all(
      users.map(async (u) => {
        const actor = await auth.actorOf((await repo.findOneBy({ id: u.id }))!);
        return {
          id: u.id,
          username: u.username,
          password: '',
          token: jwt.sign(auth.claimsOf(actor)),
          roles: ['resident'],
          regionId: communityId,
        } as User;
      }),
    );
  }

  /** Awards points through the ledger (issuance → wallet). */
  async give(communityId: string, userIds: string[], points: number): Promise<void> {
    const ledger = this.t.app.get(LedgerService);
    await this.t.app.get(TransactionService).run(async (em) => {
      const issuance = await ledger.issuanceOf(em, communityId);
      const items = [];
      for (const id of userIds) {
        items.push({
          id: newId(),
          debitAccountId: issuance,
          creditAccountId: await ledger.walletOf(em, id),
          amount: points,
          code: 'award',
          refType: 'test',
          refId: id,
        });
      }
      await ledger.transferBatch(em, items);
    });
  }

  order(user: User, listingId: string, quantity = 1, key?: string) {
    const req = this.t.http().post('/api/v1/orders').set('Authorization', `Bearer ${user.token}`);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ listingId, quantity });
  }

  get(user: User, orderId: string) {
    return this.t.http().get(`/api/v1/orders/${orderId}`).set('Authorization', `Bearer ${user.token}`);
  }

  cancel(user: User, orderId: string, reason?: string) {
    return this.t
      .http()
      .post(`/api/v1/orders/${orderId}/cancel`)
      .set('Authorization', `Bearer ${user.token}`)
      .send(reason ? { reason } : {});
  }

  wallet(user: User) {
    return this.t.http().get('/api/v1/me/wallet').set('Authorization', `Bearer ${user.token}`);
  }

  async status(orderId: string): Promise<string> {
    const [row] = await this.t.sql('SELECT status FROM orders WHERE id = ?', [orderId]);
    return row?.status;
  }
}
