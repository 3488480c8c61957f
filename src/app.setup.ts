import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/configuration';

export const API_PREFIX = 'api/v1';

/** Everything that makes the HTTP app what it is; shared by main.ts and the end-to-end tests. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const ex = app as NestExpressApplication;
  ex.set('trust proxy', 'loopback, linklocal, uniquelocal');
  ex.disable('x-powered-by');
  ex.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:', 'https:'] },
      },
    }),
  );
  ex.use(express.json({ limit: config.bodyLimit }));
  ex.use(express.text({ type: ['text/csv', 'text/plain'], limit: '10mb' }));
  ex.use(express.urlencoded({ extended: false, limit: config.bodyLimit }));
  // Health and Bull Board live outside /api/v1 (the board's UI loads its assets from /admin/queues/static).
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'admin/queues', 'admin/queues/*path'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const doc = new DocumentBuilder()
    .setTitle('Jifen Market API (积分超市)')
    .setDescription(
      'Points systems for communities and villages: earning, the points mall, redemption, entitlements, funding reports.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
}
