import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor, COMMUNITY_STAFF_ROLES, hasRole, regionInScope, Role } from '../common/actor';
import { DomainError, notFound } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { isDuplicateKey } from '../database/transaction.service';
import { OrganizationType } from '../regions/entities/organization.entity';
import { RegionEntity } from '../regions/entities/region.entity';
import { isCommunityKind, RegionsService } from '../regions/regions.service';
import { CreateUserDto, UserView } from './dto/identity.dto';
import { UserEntity } from './entities/user.entity';
import { PasswordService } from './password.service';

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
    active: !!u.active,
    createdAt: u.createdAt,
  };
}

@Injectable()
export class UsersService {
  private readonly log = new Logger('Users');

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly regions: RegionsService,
    private readonly passwords: PasswordService,
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
    const grantable = actor.roles.flatMap((r) => GRANTABLE[r] ?? []);
    const denied = dto.roles.filter((r) => !grantable.includes(r));
    if (denied.length)
      throw new DomainError(
        'FORBIDDEN',
        { roles: denied },
        `you may not create users with role ${denied.join(', ')}`,
      );
    const region = await this.regions.getInScope(actor, dto.regionId);
    await this.checkRoleFits(actor, dto, region);
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
        throw new DomainError(
          'ALREADY_EXISTS',
          { field: 'username', username: user.username },
          'username is taken',
        );
      throw err;
    }
    return toUserView((await this.users.findOneBy({ id: user.id }))!);
  }

  private async checkRoleFits(actor: Actor, dto: CreateUserDto, region: RegionEntity): Promise<void> {
    const bad = (field: string, problem: string) =>
      new DomainError(
        'VALIDATION_FAILED',
        { fields: [{ field, problems: [problem] }] },
        `${field}: ${problem}`,
      );
    const needsCommunity = dto.roles.some((r) => r === 'resident' || COMMUNITY_STAFF_ROLES.includes(r));
    if (needsCommunity && !isCommunityKind(region.kind))
      throw bad('regionId', 'residents and community staff belong to a community or village');
    if (dto.roles.includes('street_officer') && region.kind !== 'street')
      throw bad('regionId', 'a street officer belongs to a street');
    const partnerRoles = dto.roles.filter((r) => PARTNER_ORG[r]);
    if (partnerRoles.length || dto.organizationId) {
      if (!dto.organizationId) throw bad('organizationId', `${partnerRoles[0]} needs an organization`);
      const org = await this.regions.getOrganizationInScope(actor, dto.organizationId);
      for (const r of partnerRoles) {
        if (org.type !== PARTNER_ORG[r])
          throw bad('organizationId', `${r} needs an organization of type ${PARTNER_ORG[r]}`);
      }
      const orgRegion = await this.regions.get(org.regionId);
      if (
        !orgRegion ||
        (!orgRegion.path.startsWith(region.path) && !region.path.startsWith(orgRegion.path))
      ) {
        throw bad('regionId', 'the user must be in the region of the organization');
      }
    }
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

  /** A resident in the caller's scope, or 404 (used by earning, orders and entitlements). */
  async getResidentInScope(actor: Actor, id: string): Promise<UserEntity & { regionPath: string }> {
    const user = await this.users.findOneBy({ id });
    const region = user?.regionId ? await this.regions.get(user.regionId) : null;
    if (
      !user ||
      !user.roles.includes('resident') ||
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

  async setPassword(actor: Actor, id: string, password: string): Promise<void> {
    const user = await this.getEntityInScope(actor, id);
    if (user.id !== actor.id) {
      // Setting someone's password is taking over their account: only for roles the caller could grant.
      const grantable = actor.roles.flatMap((r) => GRANTABLE[r] ?? []);
      const above = user.roles.filter((r) => !grantable.includes(r));
      if (above.length)
        throw new DomainError('FORBIDDEN', { roles: above }, `you may not set the password of a ${above[0]}`);
    }
    await this.users.update({ id: user.id }, { passwordHash: await this.passwords.hash(password) });
  }

  async me(actor: Actor) {
    const user = await this.users.findOneBy({ id: actor.id });
    if (!user) throw new DomainError('UNAUTHORIZED', {}, 'the user of this token no longer exists');
    const region = user.regionId ? await this.regions.get(user.regionId) : null;
    const org = await this.regions.getOrganization(user.organizationId);
    return {
      ...toUserView(user),
      region: region ? { id: region.id, name: region.name, kind: region.kind } : null,
      organization: org ? { id: org.id, name: org.name, type: org.type } : null,
    };
  }
}
