import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { refuseUnsafeKeys, verifyJsonDepth } from './common/json-body';
import { ErrorResponse, finishDocument } from './common/openapi';
import { requestIdFor } from './common/request-id';
import { RequestShapeInterceptor } from './common/request-shape.interceptor';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/configuration';
import { serveWebApp } from './web-app';

export const API_PREFIX = 'api/v1';

/**
 * The Content-Security-Policy of every answer: the web app and Swagger UI load only their own files
 * (no inline or remote scripts), draw images from data: and blob: URLs (QR codes, downloads), run
 * workers and the service worker from this origin, and talk only to this origin. No
 * `upgrade-insecure-requests`: it blanks pages served over plain HTTP to any host but localhost (a
 * TLS proxy in front sets its own policy).
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // Vant and Element Plus position popups with style attributes.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  'worker-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'self'"],
  'form-action': ["'self'"],
};

/** Everything that makes the HTTP app what it is; shared by main.ts and the end-to-end tests. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const ex = app as NestExpressApplication;
  ex.set('trust proxy', 'loopback, linklocal, uniquelocal');
  ex.disable('x-powered-by');
  ex.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      // Browsers honour COOP only from trustworthy origins and complain about it elsewhere: it is sent
      // over HTTPS (req.secure, behind a trusted proxy too) and to localhost.
      crossOriginOpenerPolicy: false,
    }),
  );
  // The request id first, so that even a body the parsers refuse gets an answer that quotes it.
  ex.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    req.id = requestIdFor(req, res);
    next();
  });
  ex.use((req: Request, res: Response, next: NextFunction) => {
    if (req.secure || req.hostname === 'localhost' || req.hostname === '127.0.0.1')
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  });
  serveWebApp(ex, config);
  ex.use(express.json({ limit: config.bodyLimit, verify: verifyJsonDepth }));
  ex.use(express.text({ type: ['text/csv', 'text/plain'], limit: '10mb' }));
  ex.use(express.urlencoded({ extended: false, limit: config.bodyLimit }));
  ex.use(refuseUnsafeKeys);
  // Health and Bull Board live outside /api/v1 (the board's UI loads its assets from /admin/queues/static).
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'admin/queues', 'admin/queues/*path'] });
  app.useGlobalInterceptors(new RequestShapeInterceptor());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const doc = new DocumentBuilder()
    .setTitle('Jifen Market API (积分超市)')
    .setDescription(
      'Points systems for communities and villages: earning, the points mall, redemption, entitlements, funding reports.',
    )
    .setVersion('1')
    .addServer('/', 'this server')
    .addBearerAuth()
    .build();
  const document = finishDocument(SwaggerModule.createDocument(app, doc, { extraModels: [ErrorResponse] }));
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
}
