// The demo world: a small piece of Anhui from docs/domain.md (蚌埠市 and 宣城市), its organisations,
// one login per role and a few dozen residents. Pure data with stable ids; the steps write it.
import type { Role } from '../../common/actor';
import type { OrganizationType } from '../../regions/entities/organization.entity';
import type { RegionKind } from '../../regions/entities/region.entity';
import { demoId } from './demo-ids';

/** The password of every demo user (residents included). */
export const DEMO_PASSWORD = 'demo12345';

export interface DemoRegion {
  key: string;
  name: string;
  kind: RegionKind;
  parent: string | null;
  /** Figures for a community or village (community_profiles). */
  profile?: {
    population: number;
    households: number;
    collectiveIncomeFen: number | null;
    baseGrantPoints: number;
  };
}

/** Parents before children. */
export const REGIONS = [
  { key: 'bengbu', name: '蚌埠市', kind: 'city', parent: null },
  { key: 'huaishang', name: '淮上区', kind: 'district', parent: 'bengbu' },
  { key: 'xiaobengbu', name: '小蚌埠镇', kind: 'street', parent: 'huaishang' },
  {
    key: 'taohuayuan',
    name: '桃花园社区',
    kind: 'community',
    parent: 'xiaobengbu',
    profile: { population: 8650, households: 3120, collectiveIncomeFen: null, baseGrantPoints: 100 },
  },
  { key: 'longzihu', name: '龙子湖区', kind: 'district', parent: 'bengbu' },
  { key: 'dongsheng', name: '东升街道', kind: 'street', parent: 'longzihu' },
  {
    key: 'dongshengCommunity',
    name: '东升社区',
    kind: 'community',
    parent: 'dongsheng',
    profile: { population: 6420, households: 2280, collectiveIncomeFen: null, baseGrantPoints: 100 },
  },
  { key: 'xuancheng', name: '宣城市', kind: 'city', parent: null },
  { key: 'jingde', name: '旌德县', kind: 'district', parent: 'xuancheng' },
  { key: 'miaoshou', name: '庙首镇', kind: 'street', parent: 'jingde' },
  {
    key: 'liren',
    name: '里仁村',
    kind: 'village',
    parent: 'miaoshou',
    // Net collective income 1.63 million yuan a year (domain.md); 100 base points per villager.
    profile: { population: 1860, households: 578, collectiveIncomeFen: 163_000_000, baseGrantPoints: 100 },
  },
] as const satisfies readonly DemoRegion[];

export type RegionKey = (typeof REGIONS)[number]['key'];

export interface DemoOrganization {
  key: string;
  name: string;
  type: OrganizationType;
  region: RegionKey;
}

export const ORGANIZATIONS = [
  { key: 'xiaobengbuOffice', name: '小蚌埠镇人民政府', type: 'street_office', region: 'xiaobengbu' },
  { key: 'dongshengOffice', name: '东升街道办事处', type: 'street_office', region: 'dongsheng' },
  { key: 'miaoshouOffice', name: '庙首镇人民政府', type: 'street_office', region: 'miaoshou' },
  { key: 'taohuayuanCommittee', name: '桃花园社区居民委员会', type: 'community', region: 'taohuayuan' },
  { key: 'dongshengCommittee', name: '东升社区居民委员会', type: 'community', region: 'dongshengCommunity' },
  { key: 'lirenCommittee', name: '里仁村村民委员会', type: 'community', region: 'liren' },
  { key: 'huimin', name: '惠民超市', type: 'merchant', region: 'taohuayuan' },
  { key: 'lirenShop', name: '里仁村积分超市', type: 'merchant', region: 'liren' },
  { key: 'hospital', name: '蚌埠市第一人民医院', type: 'hospital', region: 'huaishang' },
  { key: 'canteen', name: '桃花园社区老年食堂', type: 'canteen', region: 'taohuayuan' },
  { key: 'charity', name: '桃花园社区慈善基金', type: 'charity_fund', region: 'taohuayuan' },
] as const satisfies readonly DemoOrganization[];

export type OrganizationKey = (typeof ORGANIZATIONS)[number]['key'];

export interface DemoUser {
  username: string;
  displayName: string;
  roles: Role[];
  region: RegionKey;
  organization?: OrganizationKey;
  householdNo?: string;
  birthDate?: string;
  /** What the login is for (README and start:demo print it). */
  note?: string;
}

/** One login per role, plus the admins of the other communities. */
export const STAFF: readonly DemoUser[] = [
  {
    username: 'demo.city_admin',
    displayName: '陈志强',
    roles: ['city_admin'],
    region: 'bengbu',
    note: 'city administrator of 蚌埠市',
  },
  {
    username: 'demo.street_officer',
    displayName: '刘建华',
    roles: ['street_officer'],
    region: 'xiaobengbu',
    organization: 'xiaobengbuOffice',
    note: 'street office of 小蚌埠镇',
  },
  {
    username: 'demo.community_admin',
    displayName: '孙丽萍',
    roles: ['community_admin'],
    region: 'taohuayuan',
    organization: 'taohuayuanCommittee',
    note: 'community admin of 桃花园社区',
  },
  {
    username: 'demo.community_staff',
    displayName: '周敏',
    roles: ['community_staff'],
    region: 'taohuayuan',
    organization: 'taohuayuanCommittee',
    note: 'community staff of 桃花园社区',
  },
  {
    username: 'demo.grid_worker',
    displayName: '吴海燕',
    roles: ['grid_worker'],
    region: 'taohuayuan',
    organization: 'taohuayuanCommittee',
    note: 'grid worker (网格员) of 桃花园社区',
  },
  {
    username: 'demo.merchant_staff',
    displayName: '郑国庆',
    roles: ['merchant_staff'],
    region: 'taohuayuan',
    organization: 'huimin',
    note: 'cashier of 惠民超市',
  },
  {
    username: 'demo.hospital_staff',
    displayName: '何静',
    roles: ['hospital_staff'],
    region: 'huaishang',
    organization: 'hospital',
    note: 'front desk of 蚌埠市第一人民医院',
  },
  {
    username: 'demo.canteen_staff',
    displayName: '马桂英',
    roles: ['canteen_staff'],
    region: 'taohuayuan',
    organization: 'canteen',
    note: 'staff of 桃花园社区老年食堂',
  },
  {
    username: 'demo.dongsheng_admin',
    displayName: '韩雪',
    roles: ['community_admin'],
    region: 'dongshengCommunity',
    organization: 'dongshengCommittee',
    note: 'community admin of 东升社区 (another tenant)',
  },
  {
    username: 'demo.miaoshou_officer',
    displayName: '汪建平',
    roles: ['street_officer'],
    region: 'miaoshou',
    organization: 'miaoshouOffice',
    note: 'street office of 庙首镇 (宣城市)',
  },
  {
    username: 'demo.village_admin',
    displayName: '汪德胜',
    roles: ['community_admin'],
    region: 'liren',
    organization: 'lirenCommittee',
    note: 'village admin of 里仁村',
  },
];

type ResidentRow = [username: string, displayName: string, householdNo: string, birthDate: string];

/** 桃花园社区: the first one is the `demo.resident` login. Household numbers are shared by families. */
const TAOHUAYUAN_RESIDENTS: ResidentRow[] = [
  ['demo.resident', '张秀兰', 'THY-0101', '1952-04-18'],
  ['wang.jianguo', '王建国', 'THY-0101', '1950-11-02'],
  ['li.guifang', '李桂芳', 'THY-0102', '1948-07-23'],
  ['liu.zhiqiang', '刘志强', 'THY-0103', '1975-03-09'],
  ['chen.meiling', '陈美玲', 'THY-0103', '1978-12-15'],
  ['yang.ming', '杨明', 'THY-0201', '1985-06-30'],
  ['zhao.yuzhen', '赵玉珍', 'THY-0202', '1944-09-05'],
  ['huang.deming', '黄德明', 'THY-0203', '1958-01-27'],
  ['zhou.xiaoyan', '周晓燕', 'THY-0204', '1990-08-11'],
  ['wu.guohua', '吴国华', 'THY-0301', '1962-05-19'],
  ['xu.fengying', '徐凤英', 'THY-0301', '1964-10-03'],
  ['sun.jianjun', '孙建军', 'THY-0302', '1970-02-14'],
  ['hu.chunmei', '胡春梅', 'THY-0303', '1981-04-26'],
  ['zhu.baolin', '朱宝林', 'THY-0304', '1946-12-08'],
  ['gao.shuzhen', '高淑珍', 'THY-0401', '1955-07-01'],
  ['lin.xiaolong', '林小龙', 'THY-0402', '1998-09-17'],
  ['he.yulan', '何玉兰', 'THY-0403', '1951-03-22'],
  ['guo.zhenhua', '郭振华', 'THY-0404', '1967-11-30'],
  ['ma.lijuan', '马丽娟', 'THY-0501', '1983-01-12'],
  ['luo.yongfu', '罗永福', 'THY-0502', '1940-06-06'],
  ['liang.xiaodong', '梁晓东', 'THY-0503', '1993-10-21'],
];

/** 里仁村 (旌德县庙首镇). */
const LIREN_RESIDENTS: ResidentRow[] = [
  ['wang.defu', '汪德福', 'LR-001', '1949-02-11'],
  ['jiang.xiuying', '江秀英', 'LR-001', '1951-08-16'],
  ['lv.changqing', '吕长青', 'LR-002', '1960-05-04'],
  ['wang.xiaohong', '汪小红', 'LR-003', '1988-12-29'],
  ['cheng.lixin', '程立新', 'LR-004', '1972-03-15'],
];

const residents = (region: RegionKey, rows: ResidentRow[]): DemoUser[] =>
  rows.map(([username, displayName, householdNo, birthDate]) => ({
    username,
    displayName,
    roles: ['resident'],
    region,
    householdNo,
    birthDate,
    note: username === 'demo.resident' ? 'resident of 桃花园社区 (张秀兰)' : undefined,
  }));

export const RESIDENTS: readonly DemoUser[] = [
  ...residents('taohuayuan', TAOHUAYUAN_RESIDENTS),
  ...residents('liren', LIREN_RESIDENTS),
];

/** Stable ids of everything above, for later steps: `DEMO.regions.taohuayuan`, `DEMO.users['demo.resident']`. */
export const DEMO = {
  regions: Object.fromEntries(REGIONS.map((r) => [r.key, demoId(`region:${r.key}`)])) as Record<
    RegionKey,
    string
  >,
  organizations: Object.fromEntries(
    ORGANIZATIONS.map((o) => [o.key, demoId(`organization:${o.key}`)]),
  ) as Record<OrganizationKey, string>,
  users: Object.fromEntries(
    [...STAFF, ...RESIDENTS].map((u) => [u.username, demoId(`user:${u.username}`)]),
  ) as Record<string, string>,
};

/** The logins worth printing: one per role, then the other admins. */
export const DEMO_LOGINS: ReadonlyArray<{ username: string; roles: Role[]; note: string }> = [
  ...STAFF.slice(0, 8),
  RESIDENTS[0],
  ...STAFF.slice(8),
].map((u) => ({ username: u.username, roles: u.roles, note: u.note ?? u.displayName }));
