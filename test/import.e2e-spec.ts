import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['秀英', '桂英', '建国', '淑珍', '志强', '海燕', '明', '静', '磊', '芳'];

/** A register of `n` rows: Chinese names, households of three, phone numbers as usernames. */
function register(n: number, tag: string, header = '姓名,户号,手机号,出生日期'): string {
  const lines = [header];
  for (let i = 0; i < n; i++) {
    const name = `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}${i}`;
    lines.push(
      `${name},${tag}-${Math.floor(i / 3)},1${tag}${String(i).padStart(6, '0')},19${40 + (i % 60)}-0${1 + (i % 9)}-1${i % 10}`,
    );
  }
  return lines.join('\n') + '\n';
}

let seq = 10;
/** A fresh four-digit tag so that phone numbers (usernames) never collide between tests. */
const tag = () => String(seq++).padStart(4, '0');

describe('resident import (POST /communities/:id/residents/import)', () => {
  let t: TestApp;
  let world: World;
  let admin: User;
  let community: Awaited<ReturnType<World['community']>>;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    world = new World(t);
    community = await world.community('幸福里社区');
    admin = await world.communityAdmin(community.id);
  });
  afterAll(() => t?.close());

  const residents = () => world.count('users', "region_id = ? AND roles = 'resident'", [community.id]);

  it('imports a 1,000-row register in one go', async () => {
    const before = await residents();
    const k = tag();
    const res = await world.importResidents(community.id, register(1000, k), admin.token);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(1000);
    expect(res.body.residents).toHaveLength(1000);
    expect(res.body.residents[0]).toEqual({ id: expect.any(String), username: `1${k}000000`, line: 2 });
    expect(res.body.residents[999].line).toBe(1001);
    expect(await residents()).toBe(before + 1000);
    const [row] = await t.sql(
      'SELECT display_name, household_no, phone, birth_date, password_hash, roles FROM users WHERE username = ?',
      [`1${k}000123`],
    );
    expect(row).toMatchObject({
      display_name: '刘建国123',
      household_no: `${k}-41`,
      phone: `1${k}000123`,
      password_hash: null,
      roles: 'resident',
    });
    // The imported resident is visible to the community admin through the API.
    const view = await t
      .http()
      .get(`/api/v1/users/${res.body.residents[123].id}`)
      .set('Authorization', `Bearer ${admin.token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      displayName: '刘建国123',
      regionId: community.id,
      roles: ['resident'],
    });
  });

  it('imports nothing when one row is bad, and names its line and field (422 IMPORT_INVALID)', async () => {
    const before = await residents();
    const lines = register(1000, tag()).split('\n');
    lines[501] = lines[501].replace(/,[^,]*$/, ',1960-02-30'); // data row 501, file line 502
    const res = await world.importResidents(community.id, lines.join('\n'), admin.token);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'IMPORT_INVALID' });
    expect(res.body.details.rows).toEqual([
      { line: 502, row: 501, field: 'birthDate', problems: [expect.stringContaining('YYYY-MM-DD')] },
    ]);
    expect(res.body.details).toMatchObject({ badRows: 1, totalRows: 1000 });
    expect(res.body.message).toContain('502');
    expect(await residents()).toBe(before);
  });

  it('names every bad field of every bad row', async () => {
    const csv = [
      '姓名,户号,手机号',
      '张三,H1,13800000001',
      ',H2,13800000002',
      '李四,,abc',
      '王五,H4,13800000004',
    ].join('\n');
    const res = await world.importResidents(community.id, csv, admin.token);
    expect(res.status).toBe(422);
    const found = res.body.details.rows.map((r: any) => `${r.line}:${r.field}`);
    expect(found).toEqual(['3:name', '4:householdNo', '4:phone']);
  });

  it('accepts a file that starts with a UTF-8 byte order mark (Excel "CSV UTF-8")', async () => {
    const before = await residents();
    const k = tag();
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(register(3, k), 'utf8')]);
    const res = await world.importResidents(community.id, bytes, admin.token);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(3);
    expect(await residents()).toBe(before + 3);
    const [row] = await t.sql('SELECT display_name FROM users WHERE username = ?', [`1${k}000000`]);
    expect(row.display_name).toBe('王秀英0');
  });

  it('accepts Windows line endings, blank lines, empty trailing rows and English headers', async () => {
    const k = tag();
    const csv = [
      'name,householdNo,username,phone',
      `周杰,H1,zhou${k},13900000001`,
      '',
      `"吴,三",H2,wu${k},`,
      ',,,',
      '',
    ].join('\r\n');
    const res = await world.importResidents(community.id, csv, admin.token);
    expect(res.status).toBe(201);
    expect(res.body.residents.map((r: any) => [r.username, r.line])).toEqual([
      [`zhou${k}`, 2],
      [`wu${k}`, 4],
    ]);
    const [row] = await t.sql('SELECT display_name, phone FROM users WHERE username = ?', [`wu${k}`]);
    expect(row).toEqual({ display_name: '吴,三', phone: null });
  });

  it('reports the real line of a bad row after blank lines and multi-line cells', async () => {
    const csv = [
      '姓名,户号,手机号',
      '张三,H1,13811111111',
      '',
      '',
      '"李\n四",H2,13811111112',
      '王五,H3,x1',
    ].join('\n');
    const res = await world.importResidents(community.id, csv, admin.token);
    expect(res.status).toBe(422);
    expect(res.body.details.rows).toEqual([
      expect.objectContaining({ line: 7, row: 3, field: 'phone' }),
      expect.objectContaining({ line: 7, row: 3, field: 'username' }),
    ]);
  });

  it('reports usernames repeated inside the file, naming both lines', async () => {
    const before = await residents();
    const k = tag();
    const csv = [
      '姓名,户号,用户名',
      `甲,H1,dup${k}`,
      `乙,H1,other${k}`,
      `丙,H2,DUP${k}`, // the same username in another case
    ].join('\n');
    const res = await world.importResidents(community.id, csv, admin.token);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.details.rows).toEqual([
      { line: 4, row: 3, field: 'username', problems: [`username dup${k} repeats line 2`] },
    ]);
    expect(await residents()).toBe(before);
  });

  it('reports usernames that already exist', async () => {
    const before = await residents();
    const existing = await world.resident(community.id);
    const csv = ['姓名,户号,用户名', `甲,H1,fresh${tag()}`, `乙,H1,${existing.username.toUpperCase()}`].join(
      '\n',
    );
    const res = await world.importResidents(community.id, csv, admin.token);
    expect(res.status).toBe(422);
    expect(res.body.details.rows).toEqual([
      { line: 3, row: 2, field: 'username', problems: [`username ${existing.username} is taken`] },
    ]);
    expect(await residents()).toBe(before + 1);
  });

  it('imports the same register once when uploads race (the others are 422, not 500)', async () => {
    const before = await residents();
    const csv = register(1000, tag());
    const results = await Promise.all(
      [1, 2, 3].map(() => world.importResidents(community.id, csv, admin.token)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    for (const lost of results.filter((r) => r.status === 422)) {
      expect(lost.body.code).toBe('IMPORT_INVALID');
      expect(lost.body.details.rows[0]).toMatchObject({ line: 2, field: 'username' });
      expect(lost.body.details.rows).toHaveLength(1000);
    }
    expect(await residents()).toBe(before + 1000);
  });

  it('refuses a file that is not UTF-8 (a GBK register) instead of storing garbled names', async () => {
    const before = await residents();
    // "姓名,户号,手机号\n张三,H1,13812345678" in GBK.
    const gbk = Buffer.from(
      'd0d5c3fb2cbba7bac52ccad6bbfabac50ad5c5c8fd2c48312c31333831323334353637380a',
      'hex',
    );
    const res = await world.importResidents(community.id, gbk, admin.token);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.message).toMatch(/UTF-8/);
    expect(await residents()).toBe(before);
  });

  it('answers a register without the required columns, or without rows, with 422', async () => {
    const noColumn = await world.importResidents(
      community.id,
      '姓名,手机号\n张三,13800000009\n',
      admin.token,
    );
    expect(noColumn.status).toBe(422);
    expect(noColumn.body.details.rows[0]).toMatchObject({ line: 1, field: 'householdNo' });
    const noRows = await world.importResidents(community.id, '姓名,户号,手机号\n', admin.token);
    expect(noRows.status).toBe(422);
    const empty = await world.importResidents(community.id, '   \n', admin.token);
    expect(empty.status).toBe(422);
  });

  it('answers a JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await t
      .http()
      .post(`/api/v1/communities/${community.id}/residents/import`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ rows: [{ name: '张三' }] });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
