import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor } from '../common/actor';
import { AuthService, JwtClaims } from './auth.service';
import { JWT_SECRET } from './jwt-secret';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(JWT_SECRET) secret: string,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the text secret: jsonwebtoken would otherwise build one on every request.
      secretOrKey: createSecretKey(Buffer.from(secret, 'utf8')) as never,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** A well-signed, unexpired token still needs its user: active, and unchanged since it was issued. */
  async validate(claims: JwtClaims): Promise<Actor | false> {
    return (await this.auth.actorFromClaims(claims)) ?? false;
  }
}
