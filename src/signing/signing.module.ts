import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { RegionsModule } from '../regions/regions.module';
import { CodeSigner } from './code-signer.service';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

/**
 * Signed codes (vouchers, resident passes) and their rotating keys; used by orders, redemption and
 * entitlements. A code's city comes from regions (an organisation's) and identity (a resident's).
 */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity]), RegionsModule, IdentityModule],
  providers: [CodeSigner, SigningKeysRepository],
  exports: [CodeSigner],
})
export class SigningModule {}
