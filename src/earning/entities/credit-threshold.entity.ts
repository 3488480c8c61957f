import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, UpdatedAt } from '../../database/columns';

/** Credit-level thresholds of a region and everything below it, unless a lower region sets its own. */
@Entity('credit_thresholds')
export class CreditThresholdEntity {
  @PrimaryColumn({ name: 'region_id', type: 'char', length: 36 })
  regionId: string;

  @Column({ type: 'int' })
  aaa: number;

  @Column({ type: 'int' })
  aa: number;

  @Column({ type: 'int' })
  a: number;

  @IdColumn('updated_by', { nullable: true })
  updatedBy: string | null;

  @UpdatedAt()
  updatedAt: Date;
}
