import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '../regions/regions.module';
import { NoticeChainEntity, NoticeEntity, NoticeObjectionEntity } from './entities/notice.entity';
import { NoticesController } from './notices.controller';
import { NoticesRepository } from './notices.repository';
import { NoticesService } from './notices.service';

/**
 * The public notice log (公示): earning, funding and appeals publish into it (NoticesService.publish
 * in their transactions); it imports none of them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([NoticeEntity, NoticeChainEntity, NoticeObjectionEntity]),
    RegionsModule,
  ],
  controllers: [NoticesController],
  providers: [NoticesService, NoticesRepository],
  exports: [NoticesService],
})
export class NoticesModule {}
