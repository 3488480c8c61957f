import { HouseholdsService } from '../../households/households.service';
import { MutualAidRepository } from '../../mutual-aid/mutual-aid.repository';
import { MutualAidService } from '../../mutual-aid/mutual-aid.service';
import type { MutualAidKind } from '../../mutual-aid/mutual-aid-rules';
import { TimeAccountsService } from '../../mutual-aid/time-accounts.service';
import { Tally, type SeedStep } from './context';
import { demoId } from './demo-ids';
import { DEMO } from './world';

type Stage = 'open' | 'claimed' | 'completed' | 'confirmed' | 'cancelled';

interface DemoRequest {
  key: string;
  /** The person helped (a resident login). */
  resident: string;
  /** Who asked: the resident, or the grid worker for them. */
  askedBy: string;
  kind: MutualAidKind;
  description: string;
  minutes: number;
  daysAhead: number;
  volunteer?: string;
  completedMinutes?: number;
  stage: Stage;
}

/** One request of 桃花园社区 at each stage of mutual aid (银龄互助). */
const REQUESTS: readonly DemoRequest[] = [
  {
    key: 'companionship',
    resident: 'luo.yongfu',
    askedBy: 'demo.grid_worker',
    kind: 'companionship',
    description: '罗大爷独居,想请人下午来陪他聊聊天、读读报',
    minutes: 60,
    daysAhead: 3,
    stage: 'open',
  },
  {
    key: 'medicine',
    resident: 'li.guifang',
    askedBy: 'li.guifang',
    kind: 'medicine_purchase',
    description: '帮忙去社区药店代购降压药(处方已备好)',
    minutes: 40,
    daysAhead: 1,
    volunteer: 'zhou.xiaoyan',
    stage: 'claimed',
  },
  {
    key: 'housework',
    resident: 'zhu.baolin',
    askedBy: 'zhu.baolin',
    kind: 'housework',
    description: '换季整理衣柜、擦洗厨房油烟机',
    minutes: 90,
    daysAhead: 2,
    volunteer: 'lin.xiaolong',
    completedMinutes: 100,
    stage: 'completed',
  },
  {
    key: 'escort',
    resident: 'zhao.yuzhen',
    askedBy: 'zhao.yuzhen',
    kind: 'escort_to_hospital',
    description: '陪同去蚌埠市第一人民医院复查,帮忙挂号取药',
    minutes: 120,
    daysAhead: 1,
    volunteer: 'liu.zhiqiang',
    completedMinutes: 150,
    stage: 'confirmed',
  },
  {
    key: 'remote',
    resident: 'demo.resident',
    askedBy: 'demo.resident',
    kind: 'remote_help',
    description: '教我用手机视频通话(孙子已经来教会了)',
    minutes: 30,
    daysAhead: 5,
    stage: 'cancelled',
  },
];

/**
 * Mutual aid and households in 桃花园社区: a request at each stage (open, claimed, completed,
 * confirmed, cancelled), each inserted once with a stable id (through the module's repository) and then moved by MutualAidService as
 * its people would (the confirmed one credits its volunteer's stored minutes); a gift of stored time
 * (刘志强 → 陈美玲, household THY-0103) and of points (王建国 → 张秀兰, household THY-0101) through
 * their services with stable idempotency keys. A second run records nothing new.
 */
export const mutualAidStep: SeedStep = {
  name: 'mutual-aid',
  run: async (ctx) => {
    const aid = ctx.get(MutualAidService);
    const requests = ctx.get(MutualAidRepository);
    const tally = new Tally();
    for (const r of REQUESTS) {
      const id = demoId(`mutual-aid:taohuayuan:${r.key}`);
      const created = await ctx.tx.run(async (em) => {
        if (await requests.byId(em, id)) return false;
        await requests.insert(em, {
          id,
          communityId: DEMO.regions.taohuayuan,
          residentId: DEMO.users[r.resident],
          requestedBy: DEMO.users[r.askedBy],
          kind: r.kind,
          description: r.description,
          wantedAt: new Date(Date.now() + r.daysAhead * 86_400_000),
          minutes: r.minutes,
          payWithStoredTime: false,
        });
        return true;
      });
      tally.add(created ? 'created' : 'unchanged');
      // Inserted once and then left alone: residents may move the open ones on in the demo.
      if (!created) continue;
      if (r.stage === 'cancelled') await aid.cancel(await ctx.actor(r.askedBy), id);
      if (!r.volunteer) continue;
      const volunteer = await ctx.actor(r.volunteer);
      await aid.claim(volunteer, id);
      if (r.stage === 'claimed') continue;
      await aid.complete(volunteer, id, { minutes: r.completedMinutes! });
      if (r.stage === 'confirmed') await aid.confirm(await ctx.actor(r.resident), id);
    }
    await ctx
      .get(TimeAccountsService)
      .gift(
        await ctx.actor('liu.zhiqiang'),
        { toResidentId: DEMO.users['chen.meiling'], minutes: 30 },
        'demo-time-gift-thy-0103',
      );
    await ctx
      .get(HouseholdsService)
      .gift(
        await ctx.actor('wang.jianguo'),
        { toResidentId: DEMO.users['demo.resident'], points: 20 },
        'demo-household-gift-thy-0101',
      );
    return `${tally.toString()} requests; a gift of stored time and one of points`;
  },
};
