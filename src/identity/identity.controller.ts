import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
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
  login(@Body() body: LoginDto) {
    return this.auth.login(body);
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
