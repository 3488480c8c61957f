import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from './common/logger';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig, ConfigError, loadConfig } from './config/configuration';
import { installGracefulShutdown } from './graceful-shutdown';

export interface Running {
  app: NestExpressApplication;
  config: AppConfig;
  url?: string;
}

/** Starts the process in its APP_ROLE: `api` and `all` listen for HTTP, `worker` only runs jobs. */
export async function bootstrap(): Promise<Running> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  for (const w of config.warnings) logger.warn(w);
  configureApp(app, config);
  if (config.role === 'worker') {
    await app.init();
    installGracefulShutdown(app, undefined, config, logger);
    logger.log('worker started (no HTTP listener)');
    return { app, config };
  }
  const server = await app.listen(config.port);
  // Idle keep-alive connections outlive the usual 60 s of load balancers, which then close first.
  server.keepAliveTimeout = 65_000;
  installGracefulShutdown(app, server, config, logger);
  const url = `http://localhost:${config.port}`;
  logger.log(
    `${config.role === 'all' ? 'API and worker' : 'API'} listening on ${url} (docs at ${url}/api/docs)`,
  );
  return { app, config, url };
}
