import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { RegionsModule } from '../regions/regions.module';
import { AuthService } from './auth.service';
import { DisplayNamesQueries } from './display-names.queries';
import { AppSecretEntity } from './entities/app-secret.entity';
import { LoginAddressFailureEntity } from './entities/login-address-failure.entity';
import { LoginDeviceEntity } from './entities/login-device.entity';
import { LoginFailureEntity } from './entities/login-failure.entity';
import { UserEntity } from './entities/user.entity';
import { IdentityController } from './identity.controller';
import { JWT_SECRET, JwtSecretModule } from './jwt-secret';
import { PasswordService } from './password.service';
import { ResidentImportService } from './resident-import.service';
import { ResidentSearchService } from './resident-search.service';
import { ResidentsController } from './residents.controller';
import { UserStateService } from './user-state.service';
import { UsersService } from './users.service';
import { ResidentReportQueries } from './resident-report.queries';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { ResidentDirectory } from './resident-directory.queries';
import { UsersRepository } from './users.repository';
import { HouseholdQueries } from './households.queries';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      LoginFailureEntity,
      LoginDeviceEntity,
      LoginAddressFailureEntity,
      AppSecretEntity,
    ]),
    JwtSecretModule,
    RegionsModule,
    JwtModule.registerAsync({
      imports: [JwtSecretModule],
      inject: [APP_CONFIG, JWT_SECRET],
      useFactory: (c: AppConfig, secret: string) => ({
        // A KeyObject, not the text: jsonwebtoken would otherwise build one on every request.
        secret: createSecretKey(Buffer.from(secret, 'utf8')) as unknown as string,
        signOptions: { expiresIn: c.jwtExpiresIn, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [IdentityController, ResidentsController],
  providers: [
    AuthService,
    UsersService,
    UserStateService,
    PasswordService,
    ResidentImportService,
    ResidentSearchService,
    DisplayNamesQueries,
    ResidentReportQueries,
    ResidentDirectory,
    HouseholdQueries,
    UsersRepository,
    LoginAttemptsRepository,
  ],
  exports: [
    AuthService,
    UsersService,
    UserStateService,
    PasswordService,
    JwtSecretModule,
    DisplayNamesQueries,
    ResidentReportQueries,
    ResidentDirectory,
    HouseholdQueries,
  ],
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
