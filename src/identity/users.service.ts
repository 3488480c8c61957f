import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor, COMMUNITY_STAFF_ROLES, hasRole, regionInScope, Role } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { forbidden, invalid, invalidState, notFound, refuse } from '../common/errors';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import type { OrganizationEntity, OrganizationType, RegionEntity } from '../regions/regions.service';
import { isCommunityKind, RegionsService } from '../regions/regions.service';
import { CreateUserDto, UserView } from './dto/identity.dto';
import { UpdateUserDto } from './dto/user-admin.dto';
import { UserEntity } from './entities/user.entity';
import { PasswordService } from './password.service';
import { UserStateService } from './user-state.service';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { UsersRepository } from './users.repository';

/** Which roles each role may hand out (always within its own scope). */
const GRANTABLE: Partial<Record<Role, Role[]>> = {
  city_admin: [
    'city_admin',
    'street_officer',
    'community_admin',
    'community_staff',
    'grid_worker',
    'merchant_staff',
    'hospital_staff',
    'canteen_staff',
    'resident',
  ],
  street_officer: [
    'street_officer',
    'community_admin',
    'community_staff',
    'grid_worker',
    'merchant_staff',
    'hospital_staff',
    'canteen_staff',
    'resident',
  ],
  community_admin: [
    'community_staff',
    'grid_worker',
    'merchant_staff',
    'hospital_staff',
    'canteen_staff',
    'resident',
  ],
};

/** Partner roles and the organisation type they must belong to. */
const PARTNER_ORG: Partial<Record<Role, OrganizationType>> = {
  merchant_staff: 'merchant',
  hospital_staff: 'hospital',
  canteen_staff: 'canteen',
};

export function statusOf(u: Pick<UserEntity, 'active' | 'deletedAt'>): UserView['status'] {
  if (u.deletedAt) return 'deleted';
  return u.active ? 'active' : 'disabled';
}

export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    regionId: u.regionId,
    organizationId: u.organizationId,
    householdNo: u.householdNo,
    birthDate: u.birthDate,
    active: !!u.active && !u.deletedAt,
    status: statusOf(u),
    deletedAt: u.deletedAt ?? null,
    createdAt: u.createdAt,
  };
}

const selfService = (what: string) =>
  refuse('SELF_SERVICE_FORBIDDEN', {}, `you may not ${what} your own account`);

/**
 * Users and their administration. Every change that must end a user's sessions (password, roles,
 * organisation, disabling, deleting) bumps `token_version` in the same statement and tells
 * {@link UserStateService} at once, so the user's older tokens answer 401 from the next request.
 */
@Injectable()
export class UsersService {
  private readonly log = new Logger('Users');

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly regions: RegionsService,
    private readonly passwords: PasswordService,
    private readonly states: UserStateService,
    private readonly tx: TransactionService,
    private readonly usersRepo: UsersRepository,
    private readonly attempts: LoginAttemptsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the platform administrator from ADMIN_USERNAME / ADMIN_PASSWORD if no such user exists. */
  async ensureBootstrapAdmin(): Promise<void> {
    const username = this.config.adminUsername.toLowerCase();
    if (await this.users.existsBy({ username })) return;
    try {
      await this.users.insert({
        id: newId(),
        username,
        passwordHash: await this.passwords.hash(this.config.adminPassword),
        displayName: '平台管理员',
        roles: ['city_admin'],
        regionId: null,
        organizationId: null,
        active: true,
      });
      this.log.log(`created the administrator "${username}"`);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another replica created it first
    }
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    this.assertGrantable(actor, dto.roles);
    const region = await this.regions.getInScope(actor, dto.regionId);
    await this.checkRoleFits(actor, dto.roles, dto.organizationId ?? null, region);
    const user = this.users.create({
      id: newId(),
      username: dto.username.toLowerCase(),
      passwordHash: await this.passwords.hash(dto.password),
      displayName: dto.displayName,
      roles: dto.roles,
      regionId: region.id,
      organizationId: dto.organizationId ?? null,
      birthDate: dto.birthDate ?? null,
      householdNo: dto.householdNo ?? null,
      phone: dto.phone ?? null,
      active: true,
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      if (isDuplicateKey(err))
        throw refuse('ALREADY_EXISTS', { field: 'username', username: user.username }, 'username is taken');
      throw err;
    }
    return toUserView((await this.users.findOneBy({ id: user.id }))!);
  }

  /**
   * PATCH /users/:id. Roles (old and new) must be ones the caller may grant; changing roles or the
   * organisation ends the user's sessions. Nobody changes their own roles, organisation or status.
   */
  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.getManaged(actor, id);
    const patch: Partial<UserEntity> = {};
    const roles = dto.roles ?? user.roles;
    const organizationId = dto.organizationId !== undefined ? dto.organizationId : user.organizationId;
    const changesAccess =
      (dto.roles !== undefined && !sameRoles(dto.roles, user.roles)) ||
      organizationId !== user.organizationId;
    const changesStatus = dto.status !== undefined && dto.status !== statusOf(user);
    if (user.id === actor.id && (changesAccess || changesStatus))
      throw selfService('change the roles, organisation or status of');
    if (dto.roles !== undefined) this.assertGrantable(actor, dto.roles);
    if (changesAccess) {
      const region = user.regionId ? await this.regions.get(user.regionId) : null;
      if (!region) throw invalid('roles', 'the user has no region; such users are not changed here');
      await this.checkRoleFits(actor, roles, organizationId, region);
      patch.roles = roles;
      patch.organizationId = organizationId;
    }
    if (dto.displayName !== undefined) patch.displayName = dto.displayName;
    if (dto.householdNo !== undefined) patch.householdNo = dto.householdNo;
    if (dto.birthDate !== undefined) patch.birthDate = dto.birthDate;
    if (dto.phone !== undefined) patch.phone = dto.phone;
    if (changesStatus) {
      patch.active = dto.status === 'active';
      patch.statusChangedAt = new Date();
      patch.statusChangedBy = actor.id;
    }
    if (Object.keys(patch).length) {
      await this.tx.run(async (em) => {
        const qb = em
          .createQueryBuilder()
          .update(UserEntity)
          .set({
            ...patch,
            ...(changesAccess || changesStatus ? { tokenVersion: () => 'token_version + 1' } : {}),
          })
          .where('id = :id AND deleted_at IS NULL', { id });
        if (!(await qb.execute()).affected) throw this.deletedMeanwhile(id);
      });
      this.states.forget(id);
      if (changesAccess || changesStatus)
        this.log.log(`user ${user.username} changed by ${actor.username}: ${Object.keys(patch).join(', ')}`);
    }
    return toUserView((await this.users.findOneBy({ id }))!);
  }

  /** POST /users/:id/disable and /enable: the account's logins and sessions stop, or may start again. */
  async setActive(actor: Actor, id: string, active: boolean): Promise<UserView> {
    return this.update(actor, id, { status: active ? 'active' : 'disabled' });
  }

  /**
   * DELETE /users/:id, a soft delete: the row stays, because the ledger (the wallet's owner),
   * awards, declarations, orders, scans and review trails name it, and the username stays taken, so
   * that those records never point at someone new. What goes: the login (no password, no tokens,
   * no remembered devices) and the user's place in rankings, boards and every resident lookup.
   * Open orders run their course (redeemed or expired by the sweeper, which releases their points).
   * Deleting is final (no enable afterwards) and asking again changes nothing.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    const user = await this.getManaged(actor, id, { allowDeleted: true });
    if (user.id === actor.id) throw selfService('delete');
    if (user.deletedAt) return;
    await this.tx.run(async (em) => {
      if (await this.usersRepo.softDelete(em, id, actor.id)) {
        await this.attempts.forgetDevices(em, id);
        await this.attempts.clearFailures(em, user.username);
      }
    });
    this.states.forget(id);
    this.log.log(`user ${user.username} deleted by ${actor.username}`);
  }

  /**
   * A user the caller administers: in scope (else 404), holding only roles the caller could grant
   * (else 403), not deleted (else 409, unless asked for).
   */
  private async getManaged(
    actor: Actor,
    id: string,
    opts: { allowDeleted?: boolean } = {},
  ): Promise<UserEntity> {
    const user = await this.getEntityInScope(actor, id);
    if (user.id !== actor.id) {
      const grantable = actor.roles.flatMap((r) => GRANTABLE[r] ?? []);
      const above = user.roles.filter((r) => !grantable.includes(r));
      if (above.length) throw forbidden(`you may not manage a ${above[0]}`, { roles: above });
    }
    if (user.deletedAt && !opts.allowDeleted) throw this.deletedMeanwhile(id);
    return user;
  }

  private deletedMeanwhile(id: string): DomainError {
    return invalidState('the user is deleted', { userId: id, status: 'deleted' });
  }

  private assertGrantable(actor: Actor, roles: Role[]): void {
    const grantable = actor.roles.flatMap((r) => GRANTABLE[r] ?? []);
    const denied = roles.filter((r) => !grantable.includes(r));
    if (denied.length)
      throw forbidden(`you may not create users with role ${denied.join(', ')}`, { roles: denied });
  }

  /**
   * Roles, region and organisation fit together: residents and community staff live in a
   * community or village, a street officer in a street; partner staff (merchant, hospital,
   * canteen) need an organisation of their type and live inside its region; a partner
   * organisation's members hold its staff role, so a resident belongs to no partner organisation
   * (and a user who is only a resident to no organisation at all).
   */
  private async checkRoleFits(
    actor: Actor,
    roles: Role[],
    organizationId: string | null,
    region: RegionEntity,
  ): Promise<void> {
    const needsCommunity = roles.some((r) => r === 'resident' || COMMUNITY_STAFF_ROLES.includes(r));
    if (needsCommunity && !isCommunityKind(region.kind))
      throw invalid('regionId', 'residents and community staff belong to a community or village');
    if (roles.includes('street_officer') && region.kind !== 'street')
      throw invalid('regionId', 'a street officer belongs to a street');
    const partnerRoles = roles.filter((r) => PARTNER_ORG[r]);
    if (!partnerRoles.length && !organizationId) return;
    if (!organizationId) throw invalid('organizationId', `${partnerRoles[0]} needs an organization`);
    if (roles.every((r) => r === 'resident'))
      throw invalid('organizationId', 'a resident belongs to no organization');
    const org: OrganizationEntity = await this.regions.getOrganizationInScope(actor, organizationId);
    for (const r of partnerRoles) {
      if (org.type !== PARTNER_ORG[r])
        throw invalid('organizationId', `${r} needs an organization of type ${PARTNER_ORG[r]}`);
    }
    const staffRole = (Object.keys(PARTNER_ORG) as Role[]).find((r) => PARTNER_ORG[r] === org.type);
    if (staffRole && !roles.includes(staffRole))
      throw invalid(
        'organizationId',
        `only ${staffRole} belong to a ${org.type}; a resident belongs to none`,
      );
    const orgRegion = await this.regions.get(org.regionId);
    const fits = partnerRoles.length
      ? !!orgRegion && region.path.startsWith(orgRegion.path)
      : !!orgRegion && (orgRegion.path.startsWith(region.path) || region.path.startsWith(orgRegion.path));
    if (!fits)
      throw invalid(
        'regionId',
        partnerRoles.length
          ? 'partner staff belong to the region of their organization (or a region inside it)'
          : 'the user must be in the region of the organization',
      );
  }

  /** A user the caller may see: themself, or anyone in their region scope (admins and staff). */
  async get(actor: Actor, id: string): Promise<UserView> {
    return toUserView(await this.getEntityInScope(actor, id));
  }

  async getEntityInScope(actor: Actor, id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('user', id);
    if (user.id === actor.id) return user;
    const region = user.regionId ? await this.regions.get(user.regionId) : null;
    const staff = hasRole(
      actor,
      'city_admin',
      'street_officer',
      'community_admin',
      'community_staff',
      'grid_worker',
    );
    if (!staff || !regionInScope(actor, region?.path ?? (actor.regionPath === null ? '/' : null)))
      throw notFound('user', id);
    return user;
  }

  /**
   * A resident in the caller's scope, or 404 (used by earning, orders and entitlements). A deleted
   * resident is not found unless asked for (reading their history).
   */
  async getResidentInScope(
    actor: Actor,
    id: string,
    opts: { includeDeleted?: boolean } = {},
  ): Promise<UserEntity & { regionPath: string }> {
    const user = await this.users.findOneBy({ id });
    const region = user?.regionId ? await this.regions.get(user.regionId) : null;
    if (
      !user ||
      !user.roles.includes('resident') ||
      (user.deletedAt && !opts.includeDeleted) ||
      !region ||
      (user.id !== actor.id && !regionInScope(actor, region.path))
    ) {
      throw notFound('resident', id);
    }
    return Object.assign(user, { regionPath: region.path });
  }

  async findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * Sets a password: the user's own, or (an admin) one of a user whose roles the caller could
   * grant. Every session of the user ends, the one that asked included (the client logs in again).
   */
  async setPassword(actor: Actor, id: string, password: string): Promise<void> {
    const user = await this.getManaged(actor, id);
    const hash = await this.passwords.hash(password);
    await this.tx.run(async (em) => {
      if (!(await this.usersRepo.setPasswordHash(em, user.id, hash))) throw this.deletedMeanwhile(user.id);
      // A new password is a fresh start for the username's count of failed logins.
      await this.attempts.clearFailures(em, user.username);
    });
    this.states.forget(user.id);
  }

  async me(actor: Actor) {
    const user = await this.users.findOneBy({ id: actor.id });
    if (!user) throw refuse('UNAUTHORIZED', {}, 'the user of this token no longer exists');
    const region = user.regionId ? await this.regions.get(user.regionId) : null;
    const org = await this.regions.getOrganization(user.organizationId);
    return {
      ...toUserView(user),
      region: region ? { id: region.id, name: region.name, kind: region.kind } : null,
      organization: org ? { id: org.id, name: org.name, type: org.type } : null,
    };
  }
}

const sameRoles = (a: Role[], b: Role[]) => a.length === b.length && a.every((r) => b.includes(r));
