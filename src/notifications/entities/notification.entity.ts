import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, DateTime3, IdColumn } from '../../database/columns';

@Entity('notifications')
@Index('uq_notifications_event', ['userId', 'kind', 'refId'], { unique: true })
@Index('idx_notifications_user', ['userId', 'createdAt'])
export class NotificationEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('user_id')
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 1000 })
  body: string;

  @Column({ name: 'ref_type', type: 'varchar', length: 32, nullable: true })
  refType: string | null;

  @Column({ name: 'ref_id', type: 'varchar', length: 64, nullable: true })
  refId: string | null;

  @DateTime3('read_at', { nullable: true })
  readAt: Date | null;

  @CreatedAt()
  createdAt: Date;
}
