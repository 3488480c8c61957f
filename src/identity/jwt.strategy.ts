import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor } from '../common/actor';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { AuthService, JwtClaims } from './auth.service';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the text secret: jsonwebtoken would otherwise build one on every request.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as never,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: JwtClaims): Actor {
    return this.auth.actorFromClaims(claims);
  }
}
