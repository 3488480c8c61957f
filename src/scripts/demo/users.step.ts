import { PasswordService } from '../../identity/password.service';
import { Tally, upsertRow, type DemoContext, type SeedStep } from './context';
import { DEMO, DEMO_PASSWORD, RESIDENTS, STAFF, type DemoUser } from './world';

/**
 * Writes users with their stable ids and the demo password. A password that still verifies is left
 * as it is (argon2 salts differ per hash), so a second run changes nothing.
 */
async function seedUsers(ctx: DemoContext, users: readonly DemoUser[]): Promise<string> {
  const passwords = ctx.get(PasswordService);
  const tally = new Tally();
  let rehashed = 0;
  for (const u of users) {
    const id = DEMO.users[u.username];
    const existing: Array<{ id: string; password_hash: string | null }> = await ctx.db.query(
      'SELECT id, password_hash FROM users WHERE username = ?',
      [u.username],
    );
    if (existing[0] && existing[0].id !== id) {
      throw new Error(
        `user ${u.username} exists with id ${existing[0].id}, not the demo id ${id}: it was not created ` +
          'by the demo seed; seed an empty database (DATABASE_URL) or remove that user',
      );
    }
    const keepHash = existing[0] && (await passwords.verify(existing[0].password_hash, DEMO_PASSWORD));
    const hash = keepHash ? null : await passwords.hash(DEMO_PASSWORD);
    if (existing[0] && hash) rehashed++;
    await ctx.tx.run(async (em) => {
      const outcome = await upsertRow(em, 'users', {
        id,
        username: u.username,
        ...(hash ? { password_hash: hash } : {}),
        display_name: u.displayName,
        roles: u.roles.join(','),
        region_id: DEMO.regions[u.region],
        organization_id: u.organization ? DEMO.organizations[u.organization] : null,
        household_no: u.householdNo ?? null,
        birth_date: u.birthDate ?? null,
        active: 1,
        deleted_at: null,
      });
      // A user put back (password, roles, status) starts over: sessions from before end.
      if (outcome === 'updated')
        await em.query('UPDATE users SET token_version = token_version + 1 WHERE id = ?', [id]);
      tally.add(outcome);
    });
  }
  return `${tally}${rehashed ? ` (${rehashed} password(s) reset to the demo password)` : ''}`;
}

/** One login per role (city admin of 蚌埠市, street officers, community staff, partner staff). */
export const staffStep: SeedStep = {
  name: 'staff',
  run: (ctx) => seedUsers(ctx, STAFF),
};

/** Residents of 桃花园社区 (demo.resident is 张秀兰) and of 里仁村, with households and birth dates. */
export const residentsStep: SeedStep = {
  name: 'residents',
  run: (ctx) => seedUsers(ctx, RESIDENTS),
};
