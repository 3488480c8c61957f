import { Body, Controller, Delete, Get, HttpCode, Ip, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, IdParam, Public, Roles } from '../common/decorators';
import { AuthService } from './auth.service';
import { CreateUserDto, LoginDto, SetPasswordDto } from './dto/identity.dto';
import { UpdateUserDto, UserDto } from './dto/user-admin.dto';
import { ResidentImportService } from './resident-import.service';
import { UsersService } from './users.service';
import { ApiErrors } from '../common/openapi';
import { LoginResult, Me, ResidentImport, User } from './dto/identity.views';

@ApiTags('identity')
@Controller()
export class IdentityController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly importer: ResidentImportService,
  ) {}

  @ApiOperation({ summary: 'Log in with username and password; answers a bearer token' })
  @ApiOkResponse({ type: LoginResult })
  @ApiErrors('INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS')
  @Post('auth/login')
  @Public()
  @SkipThrottle()
  @HttpCode(200)
  login(@Body() body: LoginDto, @Ip() ip: string) {
    return this.auth.login(body, ip);
  }

  @ApiOperation({ summary: 'The caller: roles, region and organisation' })
  @ApiOkResponse({ type: Me })
  @ApiErrors()
  @Get('me')
  @ApiBearerAuth()
  me(@CurrentActor() actor: Actor) {
    return this.users.me(actor);
  }

  @ApiOperation({ summary: "Create a user with roles the caller may grant, in the caller's scope" })
  @ApiCreatedResponse({ type: User })
  @ApiErrors('ALREADY_EXISTS', 'NOT_FOUND', 'FORBIDDEN')
  @Post('users')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  @ApiOperation({ summary: 'A user (the user themself, or admins and staff of the scope)' })
  @ApiOkResponse({ type: User })
  @ApiErrors()
  @Get('users/:id')
  @ApiBearerAuth()
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.users.get(actor, id);
  }

  @Patch('users/:id')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @ApiOperation({
    summary: 'Change a user: name, roles, organisation, status (roles and organisation end their sessions)',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors('SELF_SERVICE_FORBIDDEN')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }

  @Post('users/:id/disable')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: no logins, and their tokens stop working at once' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors('SELF_SERVICE_FORBIDDEN')
  disable(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.users.setActive(actor, id, false);
  }

  @Post('users/:id/enable')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled user again (they log in anew; old tokens stay dead)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors()
  enable(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.users.setActive(actor, id, true);
  }

  @Delete('users/:id')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (soft: the row and the ledger’s references stay, the login and tokens go)',
  })
  @ApiNoContentResponse({ description: 'deleted (also when it already was)' })
  @ApiErrors('SELF_SERVICE_FORBIDDEN')
  async remove(@CurrentActor() actor: Actor, @IdParam() id: string) {
    await this.users.remove(actor, id);
  }

  @ApiOperation({ summary: "Set a user's password (the user, or an admin of the scope)" })
  @ApiNoContentResponse({ description: 'done' })
  @ApiErrors('FORBIDDEN')
  @Post('users/:id/password')
  @ApiBearerAuth()
  @HttpCode(204)
  async setPassword(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SetPasswordDto) {
    await this.users.setPassword(actor, id, body.password);
  }

  @Post('communities/:id/residents/import')
  @ApiOperation({ summary: 'Import a household register (CSV): every row or none' })
  @ApiCreatedResponse({ type: ResidentImport })
  @ApiErrors('IMPORT_INVALID')
  @ApiBearerAuth()
  @Roles('community_admin', 'street_officer', 'city_admin')
  @ApiConsumes('text/csv')
  @ApiBody({
    description:
      'CSV with a header: 姓名/name, 户号/householdNo, 用户名/username, 手机号/phone, 出生日期/birthDate',
    schema: { type: 'string' },
  })
  importResidents(@CurrentActor() actor: Actor, @IdParam() id: string, @Req() req: Request) {
    return this.importer.import(actor, id, req.body);
  }
}
