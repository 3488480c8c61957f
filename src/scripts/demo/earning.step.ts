import { AwardsService } from '../../earning/awards.service';
import { BaseGrantService } from '../../earning/base-grant.service';
import { earningYearOf } from '../../earning/earning-period';
import { Tally, upsertRow, type SeedStep } from './context';
import { demoId } from './demo-ids';
import { DEMO } from './world';

interface DemoRule {
  key: string;
  name: string;
  parent?: string;
  points?: number;
  category?: string;
  description?: string;
}

/**
 * 桃花园社区's rule book (docs/domain.md): five first-level indicators, second-level indicators,
 * and the report's items. Keys make the ids (`demoId('rule:taohuayuan:tree')`).
 */
export const TAOHUAYUAN_RULES: readonly DemoRule[] = [
  { key: 'governance', name: '基层治理' },
  { key: 'safety', name: '平安创建' },
  { key: 'civility', name: '文明新风' },
  { key: 'volunteering', name: '志愿服务' },
  { key: 'food', name: '食品安全' },
  { key: 'environment', name: '环境整治', parent: 'governance' },
  { key: 'participation', name: '社区参与', parent: 'governance' },
  { key: 'traffic', name: '交通秩序', parent: 'safety' },
  { key: 'heritage', name: '文物保护', parent: 'safety' },
  { key: 'stairwells', name: '楼道文明', parent: 'civility' },
  { key: 'culture', name: '非遗传承', parent: 'civility' },
  { key: 'greenery', name: '绿化养护', parent: 'volunteering' },
  { key: 'neighbours', name: '邻里互助', parent: 'volunteering' },
  { key: 'foodAwareness', name: '食品安全宣传', parent: 'food' },
  {
    key: 'tree',
    name: '认领树木/植树护绿',
    parent: 'environment',
    points: 2,
    category: '生态环境',
    description: '认领树木或参加植树护绿活动,每次加 2 分',
  },
  {
    key: 'vegetables',
    name: '毁绿种菜',
    parent: 'environment',
    points: -3,
    category: '生态环境',
    description: '在公共绿地种菜,每次扣 3 分',
  },
  {
    key: 'poultry',
    name: '饲养家禽',
    parent: 'environment',
    points: -3,
    category: '生态环境',
    description: '在小区内饲养家禽,每次扣 3 分',
  },
  {
    key: 'clutter',
    name: '乱堆乱放',
    parent: 'environment',
    points: -3,
    category: '生态环境',
    description: '在楼道或公共区域乱堆乱放,每次扣 3 分',
  },
  {
    key: 'collective',
    name: '参加社区集体活动',
    parent: 'participation',
    points: 2,
    category: '基层治理',
    description: '参加社区组织的集体活动,每次加 2 分',
  },
  {
    key: 'ebike',
    name: '电瓶车规范停放',
    parent: 'traffic',
    points: 1,
    category: '平安创建',
    description: '电瓶车在指定区域停放充电,每月核查一次加 1 分',
  },
  {
    key: 'patrol',
    name: '古建筑保护巡查',
    parent: 'heritage',
    points: 5,
    category: '平安创建',
    description: '参加古建筑保护巡查,每次加 5 分',
  },
  {
    key: 'stairwell',
    name: '文明楼道',
    parent: 'stairwells',
    points: 3,
    category: '文明新风',
    description: '所在楼道评为文明楼道的家庭,加 3 分',
  },
  {
    key: 'craft',
    name: '非遗核雕/剪纸课堂',
    parent: 'culture',
    points: 30,
    category: '文明新风',
    description: '为青少年开设核雕、剪纸等非遗课堂,每节课 30 分',
  },
  {
    key: 'trimming',
    name: '志愿服务: 修剪绿化',
    parent: 'greenery',
    points: 2,
    category: '志愿服务',
    description: '帮忙修剪社区绿化,每次加 2 分',
  },
  {
    key: 'helping',
    name: '志愿服务: 帮助邻里',
    parent: 'neighbours',
    points: 2,
    category: '志愿服务',
    description: '帮助邻里(代购、陪护、照看老人),每次加 2 分',
  },
  {
    key: 'foodTalk',
    name: '参加食品安全宣传',
    parent: 'foodAwareness',
    points: 2,
    category: '食品安全',
    description: '参加食品安全宣传活动,每次加 2 分',
  },
];

const ruleId = (key: string) => demoId(`rule:taohuayuan:${key}`);

/**
 * Awards this year on top of the 100 base points: 张秀兰 (demo.resident) reaches 426 (AAA, the
 * report's figure); 王建国 179 (AA, one point short), 李桂芳 180 and 刘志强 181 (AAA); 陈美玲 has
 * deductions (yellow board); the others a little of everything.
 */
const AWARDS: ReadonlyArray<[username: string, rule: string, times: number]> = [
  ['demo.resident', 'craft', 10],
  ['demo.resident', 'stairwell', 6],
  ['demo.resident', 'tree', 4],
  ['wang.jianguo', 'craft', 2],
  ['wang.jianguo', 'stairwell', 6],
  ['wang.jianguo', 'ebike', 1],
  ['li.guifang', 'craft', 2],
  ['li.guifang', 'stairwell', 6],
  ['li.guifang', 'tree', 1],
  ['liu.zhiqiang', 'craft', 2],
  ['liu.zhiqiang', 'stairwell', 7],
  ['chen.meiling', 'tree', 2],
  ['chen.meiling', 'vegetables', 2],
  ['yang.ming', 'craft', 1],
  ['zhou.xiaoyan', 'patrol', 3],
  ['wu.guohua', 'trimming', 4],
  ['xu.fengying', 'helping', 3],
  ['sun.jianjun', 'clutter', 1],
  ['hu.chunmei', 'collective', 5],
  ['lin.xiaolong', 'foodTalk', 2],
];

/** Pending declarations: residents' own, and grid-worker proxies for elderly residents. */
const DECLARATIONS: ReadonlyArray<{
  key: string;
  resident: string;
  rule: string;
  note: string;
  proxy: boolean;
  daysAgo: number;
}> = [
  {
    key: 'yang-trimming',
    resident: 'yang.ming',
    rule: 'trimming',
    note: '周六在小区里帮忙修剪绿化',
    proxy: false,
    daysAgo: 2,
  },
  {
    key: 'huang-ebike',
    resident: 'huang.deming',
    rule: 'ebike',
    note: '本月电瓶车均在车棚充电',
    proxy: false,
    daysAgo: 5,
  },
  {
    key: 'gao-tree',
    resident: 'gao.shuzhen',
    rule: 'tree',
    note: '认领小区东门的两棵桂花树',
    proxy: false,
    daysAgo: 1,
  },
  {
    key: 'zhao-helping',
    resident: 'zhao.yuzhen',
    rule: 'helping',
    note: '照看独居的邻居罗大爷,代购药品',
    proxy: true,
    daysAgo: 3,
  },
  {
    key: 'luo-patrol',
    resident: 'luo.yongfu',
    rule: 'patrol',
    note: '参加古建筑保护巡查',
    proxy: true,
    daysAgo: 4,
  },
  {
    key: 'zhu-collective',
    resident: 'zhu.baolin',
    rule: 'collective',
    note: '参加重阳节社区集体活动',
    proxy: true,
    daysAgo: 6,
  },
];

/**
 * 桃花园社区's rule book, this year's base grant (100 points each), awards and deductions that
 * spread the residents over the credit levels, and pending declarations (some by proxy).
 * Awards go through AwardsService with stable idempotency keys and the base grant through
 * BaseGrantService (deterministic transfer ids), so a second run records nothing new.
 */
export const earningStep: SeedStep = {
  name: 'earning',
  run: async (ctx) => {
    const community = DEMO.regions.taohuayuan;
    const rules = new Tally();
    await ctx.tx.run(async (em) => {
      for (const [i, r] of TAOHUAYUAN_RULES.entries()) {
        rules.add(
          await upsertRow(em, 'point_rules', {
            id: ruleId(r.key),
            community_id: community,
            parent_id: r.parent ? ruleId(r.parent) : null,
            kind: r.points === undefined ? 'indicator' : 'item',
            name: r.name,
            points: r.points ?? null,
            category: r.category ?? null,
            description: r.description ?? null,
            sort_order: i,
          }),
        );
      }
    });

    const year = earningYearOf();
    const grants = ctx.get(BaseGrantService);
    await grants.request(await ctx.actor('demo.community_admin'), community, year);
    const run = await grants.process({ communityId: community, year });

    const staff = await ctx.actor('demo.community_staff');
    const awardsService = ctx.get(AwardsService);
    let awards = 0;
    for (const [username, rule, times] of AWARDS) {
      for (let n = 1; n <= times; n++) {
        await awardsService.award(
          staff,
          { residentId: DEMO.users[username], ruleId: ruleId(rule), note: '演示数据' },
          `demo-award-${username}-${rule}-${n}`,
        );
        awards++;
      }
    }

    const declarations = new Tally();
    const grid = DEMO.users['demo.grid_worker'];
    await ctx.tx.run(async (em) => {
      for (const d of DECLARATIONS) {
        const id = demoId(`declaration:taohuayuan:${d.key}`);
        // Inserted once and then left alone: staff may approve or reject them in the demo.
        const [found] = await em.query('SELECT 1 AS x FROM declarations WHERE id = ?', [id]);
        if (found) {
          declarations.add('unchanged');
          continue;
        }
        const rule = TAOHUAYUAN_RULES.find((r) => r.key === d.rule)!;
        await em.query(
          `INSERT INTO declarations (id, community_id, resident_id, rule_id, rule_name, rule_points, occurred_at, note,
                                     declared_by, proxy, status)
           VALUES (?, ?, ?, ?, ?, ?, DATE_SUB(CURRENT_TIMESTAMP(3), INTERVAL ? DAY), ?, ?, ?, 'pending')`,
          [
            id,
            community,
            DEMO.users[d.resident],
            ruleId(d.rule),
            rule.name,
            rule.points,
            d.daysAgo,
            d.note,
            d.proxy ? grid : DEMO.users[d.resident],
            d.proxy ? 1 : 0,
          ],
        );
        declarations.add('created');
      }
    });
    return `rules ${rules}; base grant ${year} ${run.status} ${run.granted}/${run.total}; ${awards} awards (idempotent); declarations ${declarations}`;
  },
};
