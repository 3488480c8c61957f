import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAt } from '../database/columns';

@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'scope', type: 'varchar', length: 150 })
  scope: string;

  @PrimaryColumn({ name: 'idem_key', type: 'varchar', length: 128 })
  key: string;

  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'longtext', nullable: true })
  responseBody: string | null;

  @CreatedAt()
  createdAt: Date;
}
