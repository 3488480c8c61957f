import { Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { AuthService } from './auth.service';
import { LoginFailureEntity } from './entities/login-failure.entity';
import { UserEntity } from './entities/user.entity';
import { IdentityController } from './identity.controller';
import { JwtStrategy } from './jwt.strategy';
import { PasswordService } from './password.service';
import { ResidentImportService } from './resident-import.service';
import { ResidentSearchService } from './resident-search.service';
import { ResidentsController } from './residents.controller';
import { UsersService } from './users.service';

@Global()
@Module({
  imports: [
    PassportModule,
    TypeOrmModule.forFeature([UserEntity, LoginFailureEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        secret: c.jwtSecret,
        signOptions: { expiresIn: c.jwtExpiresIn, algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [IdentityController, ResidentsController],
  providers: [
    AuthService,
    UsersService,
    PasswordService,
    JwtStrategy,
    ResidentImportService,
    ResidentSearchService,
  ],
  exports: [AuthService, UsersService, PasswordService],
})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role !== 'worker') await this.users.ensureBootstrapAdmin();
  }
}
