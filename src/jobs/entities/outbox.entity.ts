import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3 } from '../../database/columns';

/**
 * A job to enqueue, written in the business transaction that causes it. The relay adds it to
 * BullMQ (jobId = row id) after commit and marks it sent.
 */
@Entity('outbox')
@Index('idx_outbox_unsent', ['sentAt', 'availableAt'])
export class OutboxEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'longtext' })
  payload: string;

  /** Delay hint: the relay adds the job with the remaining delay. */
  @DateTime3('available_at', { default: () => 'CURRENT_TIMESTAMP(3)' })
  availableAt: Date;

  @DateTime3('sent_at', { nullable: true })
  sentAt: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @CreatedAt()
  createdAt: Date;
}
