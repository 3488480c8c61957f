import { Body, Controller, Delete, Get, HttpCode, Ip, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
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

@ApiTags('identity')
@Controller()
export class IdentityController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly importer: ResidentImportService,
  ) {}

  @Post('auth/login')
  @Public()
  @SkipThrottle()
  @HttpCode(200)
  login(@Body() body: LoginDto, @Ip() ip: string) {
    return this.auth.login(body, ip);
  }

  @Get('me')
  @ApiBearerAuth()
  me(@CurrentActor() actor: Actor) {
    return this.users.me(actor);
  }

  @Post('users')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

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
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }

  @Post('users/:id/disable')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: no logins, and their tokens stop working at once' })
  @ApiOkResponse({ type: UserDto })
  disable(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.users.setActive(actor, id, false);
  }

  @Post('users/:id/enable')
  @ApiBearerAuth()
  @Roles('city_admin', 'street_officer', 'community_admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled user again (they log in anew; old tokens stay dead)' })
  @ApiOkResponse({ type: UserDto })
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
  async remove(@CurrentActor() actor: Actor, @IdParam() id: string) {
    await this.users.remove(actor, id);
  }

  @Post('users/:id/password')
  @ApiBearerAuth()
  @HttpCode(204)
  async setPassword(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SetPasswordDto) {
    await this.users.setPassword(actor, id, body.password);
  }

  @Post('communities/:id/residents/import')
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
