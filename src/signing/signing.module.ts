import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeSigner } from './code-signer.service';
import { SigningKeyEntity } from './entities/signing-key.entity';

/** Signed codes (vouchers, resident passes) and their rotating keys; used by orders, redemption and entitlements. */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  providers: [CodeSigner],
  exports: [CodeSigner],
})
export class SigningModule {}
