import { Controller, Get, Logger as NestLogger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { Logger, LoggerModule } from './logger';

const lines: Array<Record<string, any>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l));
    done();
  },
});

@Controller()
class ProbeController {
  private readonly log = new NestLogger('Probe');

  @Get('probe')
  probe() {
    this.log.log('inside the handler');
    this.log.error(new Error('a fault'));
    return { ok: true };
  }

  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      useFactory: () => ({
        pinoHttp: {
          logger: pino({ level: 'info' }, sink),
          genReqId: () => 'req-1',
          customProps: () => ({ requestId: 'req-1' }),
        },
      }),
    }),
  ],
  controllers: [ProbeController],
})
class ProbeModule {}

describe('logger (pino for Nest and for HTTP requests)', () => {
  it('logs each request, and what is logged while serving it carries the request', async () => {
    const ref = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    const app = ref.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.setGlobalPrefix('api/v1', { exclude: ['health'] });
    await app.init();
    try {
      await request(app.getHttpServer()).get('/api/v1/probe').expect(200);
      await request(app.getHttpServer()).get('/health').expect(200);
      new NestLogger('Outside').warn('no request here');
    } finally {
      await app.close();
    }
    const inside = lines.find((l) => l.msg === 'inside the handler');
    expect(inside).toMatchObject({ level: 30, context: 'Probe', requestId: 'req-1', req: { id: 'req-1' } });
    const fault = lines.find((l) => l.msg === 'a fault');
    expect(fault).toMatchObject({ level: 50, context: 'Probe', err: { message: 'a fault' } });
    expect(fault!.err.stack).toMatch(/logger\.spec/);
    const urls = lines.filter((l) => l.msg === 'request completed').map((l) => l.req.url);
    expect(urls).toEqual(['/api/v1/probe', '/health']);
    const outside = lines.find((l) => l.msg === 'no request here');
    expect(outside).toMatchObject({ level: 40, context: 'Outside' });
    expect(outside).not.toHaveProperty('req');
  });
});
