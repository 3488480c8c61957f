import { AppealsService } from '../../appeals/appeals.service';
import { DomainError } from '../../common/domain-error';
import { NoticesService } from '../../notices/notices.service';
import { Tally, type SeedStep, type DemoContext, type UpsertOutcome } from './context';
import { demoId } from './demo-ids';
import { DEMO } from './world';

/** The earning step's deductions appealed here: [resident, rule key, appeal reason, decision]. */
const APPEALS: ReadonlyArray<[username: string, rule: string, reason: string, decide: 'uphold' | null]> = [
  ['chen.meiling', 'vegetables', '那块地是物业同意我临时种的，有物业的书面说明', 'uphold'],
  ['sun.jianjun', 'clutter', '楼道里的纸箱不是我家的，是快递员放的', null],
];

/** The first deduction of a resident under a rule of 桃花园社区's book (made by the earning step). */
async function deductionOf(ctx: DemoContext, username: string, rule: string) {
  const [row]: Array<{ id: string; transfer_id: string }> = await ctx.db.query(
    `SELECT id, transfer_id FROM awards WHERE resident_id = ? AND rule_id = ? AND points < 0
      ORDER BY created_at, id LIMIT 1`,
    [DEMO.users[username], demoId(`rule:taohuayuan:${rule}`)],
  );
  return row;
}

/** Runs a service call; a refusal that says "done already" counts as unchanged. */
async function once(what: () => Promise<unknown>, done: string[]): Promise<UpsertOutcome> {
  try {
    await what();
    return 'created';
  } catch (err) {
    if (err instanceof DomainError && done.includes(err.code)) return 'unchanged';
    throw err;
  }
}

/**
 * Appeals and public notices (公示) of 桃花园社区: 陈美玲's deduction appealed and upheld (the
 * compensating transfer, off the yellow board), 孙建军's appeal pending for the console, and an
 * objection to a notice. The notice log itself fills from the earning step's awards, deductions
 * and base grant (they publish as they commit) and from the decision here. Re-runs find the
 * appeals (by their deduction) and the objection, and write nothing new.
 */
export const noticesStep: SeedStep = {
  name: 'appeals and notices',
  run: async (ctx) => {
    const tally = new Tally();
    const appeals = ctx.get(AppealsService);
    const decider = await ctx.actor('demo.community_admin');
    for (const [username, rule, reason, decision] of APPEALS) {
      const deduction = await deductionOf(ctx, username, rule);
      if (!deduction) throw new Error(`demo seed: no ${rule} deduction of ${username} (earning step)`);
      const [existing]: Array<{ id: string; status: string }> = await ctx.db.query(
        'SELECT id, status FROM appeals WHERE transfer_id = ? ORDER BY created_at LIMIT 1',
        [deduction.transfer_id],
      );
      const resident = await ctx.actor(username);
      let appeal = existing;
      if (!appeal) {
        try {
          const made = await appeals.create(resident, { transferId: deduction.transfer_id, reason });
          appeal = { id: made.id, status: made.status };
          tally.add('created');
        } catch (err) {
          // A world seeded more than 30 days ago: its deductions can no longer be appealed.
          if (err instanceof DomainError && err.code === 'APPEAL_WINDOW_CLOSED') continue;
          throw err;
        }
      } else tally.add('unchanged');
      if (decision && appeal.status === 'pending')
        await appeals.decide(decider, appeal.id, { decision, comment: '经核实，物业已书面同意，扣分撤销' });
    }

    const clutter = await deductionOf(ctx, 'sun.jianjun', 'clutter');
    const [notice]: Array<{ seq: number }> = await ctx.db.query(
      "SELECT seq FROM notices WHERE community_id = ? AND ref_type = 'award' AND ref_id = ?",
      [DEMO.regions.taohuayuan, clutter.id],
    );
    if (notice)
      tally.add(
        await once(
          async () =>
            ctx.get(NoticesService).object(await ctx.actor('wang.jianguo'), Number(notice.seq), {
              communityId: DEMO.regions.taohuayuan,
              reason: '那天我看到是快递员把纸箱放在楼道里的',
            }),
          ['ALREADY_EXISTS', 'OBJECTION_WINDOW_CLOSED'],
        ),
      );
    const [{ n }]: Array<{ n: number | string }> = await ctx.db.query(
      'SELECT COUNT(*) AS n FROM notices WHERE community_id = ?',
      [DEMO.regions.taohuayuan],
    );
    return `${tally.toString()}; 桃花园社区's notice log: ${n} notices`;
  },
};
