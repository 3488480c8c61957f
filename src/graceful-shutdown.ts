import { INestApplication, LoggerService } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AppConfig } from './config/configuration';
import { SchedulerService } from './jobs/scheduler.service';
import { WorkerRunner } from './jobs/worker-runner.service';

/**
 * SIGTERM / SIGINT with a deadline. At once: stop accepting connections, close idle keep-alive
 * connections, answer every request in flight (and any that arrives on an open connection) with
 * `Connection: close`, and stop the workers and the scheduler from taking new work. Requests and
 * jobs get `SHUTDOWN_DRAIN_MS` to finish; then the remaining connections are closed. Then the
 * application closes (queues, database) and the process exits 0, or 1 at `SHUTDOWN_TIMEOUT_MS`
 * whatever is still closing.
 */
export function installGracefulShutdown(
  app: INestApplication,
  server: Server | undefined,
  config: AppConfig,
  log: LoggerService,
): void {
  const sockets = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server?.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server?.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    const started = Date.now();
    const hard = setTimeout(() => {
      log.error(`shutdown: still closing after ${config.shutdownTimeoutMs} ms, exiting`, 'Shutdown');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    hard.unref();
    log.log(
      `${signal}: draining (${inFlight.size} requests in flight, ${sockets.size} connections)`,
      'Shutdown',
    );
    const httpDrained = new Promise<void>((resolve) => {
      if (!server) return resolve();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), config.shutdownDrainMs);
    });
    const work = Promise.allSettled([
      app.get(WorkerRunner, { strict: false }).closeAll(false, config.shutdownDrainMs),
      app.get(SchedulerService, { strict: false }).stop(),
    ]);
    if ((await Promise.race([httpDrained, deadline])) === 'deadline') {
      log.warn(
        `shutdown: closing ${sockets.size} connections with ${inFlight.size} requests unanswered after ${config.shutdownDrainMs} ms`,
        'Shutdown',
      );
      server?.closeAllConnections();
    }
    clearTimeout(timer);
    await work;
    try {
      await app.close();
    } catch (err) {
      log.error(`shutdown: ${(err as Error).message}`, 'Shutdown');
      process.exit(1);
    }
    log.log(`shutdown: done in ${Date.now() - started} ms`, 'Shutdown');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
}
