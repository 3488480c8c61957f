import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_STATUS } from '../src/common/domain-error';
import { createTestApp, TestApp } from './support/harness';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * `METHOD /path/{param}` for every controller route Express holds, i.e. what Nest registered from
 * the controllers. Nest names each route handler `Controller.method`; middleware (Bull Board), the
 * not-found handlers and Swagger's own routes have anonymous handlers.
 */
function registeredRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance();
  const stack: any[] = express.router?.stack ?? express._router?.stack ?? [];
  const out: string[] = [];
  for (const layer of stack) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string') continue;
    if (!route.stack.some((l: any) => /^\w+Controller\.\w+$/.test(l.handle?.name ?? ''))) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/(.)\/$/, '$1');
    for (const m of Object.keys(route.methods ?? {}))
      if ((METHODS as readonly string[]).includes(m)) out.push(`${m.toUpperCase()} ${path}`);
  }
  return [...new Set(out)].sort();
}

/** `METHOD /path/{param}` for every operation of the OpenAPI document. */
function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => (METHODS as readonly string[]).includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

/** The identity and organisation routes of api-outline.md (the contract). */
const OUTLINE_IDENTITY = [
  'POST /api/v1/auth/login',
  'GET /api/v1/me',
  'GET /api/v1/regions/tree',
  'POST /api/v1/regions',
  'POST /api/v1/organizations',
  'POST /api/v1/users',
  'GET /api/v1/users/{id}',
  'PATCH /api/v1/communities/{id}/profile',
  'POST /api/v1/communities/{id}/residents/import',
];

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let doc: any;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t?.close());

  it('serves an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toContain('Jifen Market');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every route the app registered, at the path it answers on', () => {
    const registered = registeredRoutes(t);
    expect(registered.length).toBeGreaterThan(OUTLINE_IDENTITY.length);
    expect(registered).toContain('GET /health');
    expect(registered).toEqual(expect.arrayContaining(OUTLINE_IDENTITY));
    const documented = documentedRoutes(doc);
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
    // ... and documents nothing that does not exist.
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
  });

  it('lists every identity route of the API outline, with its body schema', () => {
    expect(documentedRoutes(doc)).toEqual(expect.arrayContaining([...OUTLINE_IDENTITY, 'GET /health']));
    const schemaOf = (path: string, method: string) => {
      const ref = doc.paths[path][method].requestBody?.content?.['application/json']?.schema?.$ref as string;
      return doc.components.schemas[ref.split('/').pop()!];
    };
    expect(Object.keys(schemaOf('/api/v1/auth/login', 'post').properties)).toEqual([
      'username',
      'password',
      'deviceToken',
    ]);
    expect(Object.keys(schemaOf('/api/v1/users', 'post').properties)).toEqual(
      expect.arrayContaining([
        'username',
        'password',
        'displayName',
        'roles',
        'regionId',
        'organizationId',
        'birthDate',
      ]),
    );
    expect(schemaOf('/api/v1/regions', 'post').properties.kind.enum).toEqual([
      'city',
      'district',
      'street',
      'community',
      'village',
    ]);
    expect(
      Object.keys(doc.paths['/api/v1/communities/{id}/residents/import'].post.requestBody.content),
    ).toEqual(['text/csv']);
  });

  it('marks the routes that need a token, and not the public ones', () => {
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/regions/tree'].get.security).toEqual([{ bearer: [] }]);
    // Public operations say so: an empty security requirement.
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/health'].get.security).toEqual([]);
  });

  it('gives every operation a summary, a typed success answer and its errors in the shared shape', () => {
    const missing: string[] = [];
    const errorCodes = new Set(Object.keys(ERROR_STATUS));
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const key = `${m.toUpperCase()} ${path}`;
        if (!op.summary?.trim()) missing.push(`${key}: no summary`);
        const ok = Object.entries<any>(op.responses).filter(([s]) => /^2/.test(s));
        if (!ok.length) missing.push(`${key}: no 2xx response`);
        for (const [status, r] of ok)
          if (status !== '204' && !Object.values<any>(r.content ?? {}).some((c) => c.schema))
            missing.push(`${key}: ${status} without a schema`);
        const errors = Object.entries<any>(op.responses).filter(([s]) => /^[45]/.test(s));
        if (!errors.some(([s]) => /^4/.test(s))) missing.push(`${key}: no 4xx response`);
        for (const [status, r] of errors) {
          const schema = r.content?.['application/json']?.schema;
          if (schema?.allOf?.[0]?.$ref !== '#/components/schemas/ErrorResponse')
            missing.push(`${key}: ${status} without the error schema`);
          for (const code of schema?.allOf?.[1]?.properties?.code?.enum ?? [])
            if (!errorCodes.has(code) || String(ERROR_STATUS[code as keyof typeof ERROR_STATUS]) !== status)
              missing.push(`${key}: ${status} lists ${code}`);
        }
        for (const p of op.parameters ?? [])
          if (!p.schema?.type) missing.push(`${key}: parameter ${p.name} untyped`);
        if (op.requestBody && !Object.values<any>(op.requestBody.content).every((c) => c.schema))
          missing.push(`${key}: request body without a schema`);
      }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.components.schemas.ErrorResponse.properties)).toEqual([
      'statusCode',
      'code',
      'message',
      'details',
      'requestId',
    ]);
  });

  it('types request fields as validation checks them (formats, bounds, enums)', () => {
    const profile = doc.components.schemas.UpdateCommunityProfileDto.properties;
    expect(profile.collectiveIncomeFen).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000_000_000,
    });
    expect(doc.components.schemas.PlaceOrderDto.properties.listingId).toMatchObject({ format: 'uuid' });
    const params = doc.paths['/api/v1/me/transactions'].get.parameters;
    expect(params.find((p: any) => p.name === 'limit').schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
    expect(params.find((p: any) => p.name === 'cursor').schema).toMatchObject({
      type: 'string',
      maxLength: 500,
    });
    const year = doc.paths['/api/v1/communities/{id}/base-grants/{year}'].get.parameters;
    expect(year.find((p: any) => p.name === 'id').schema).toMatchObject({ type: 'string', format: 'uuid' });
    expect(year.find((p: any) => p.name === 'year').schema).toMatchObject({ type: 'integer', minimum: 2000 });
  });

  it('passes `redocly lint` (redocly.yaml) with 0 errors and 0 warnings, offline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const root = join(__dirname, '..');
    const out = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/@redocly/cli/bin/cli.js'),
        'lint',
        file,
        '--config',
        join(root, 'redocly.yaml'),
        '--format=json',
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
      },
    );
    rmSync(dir, { recursive: true, force: true });
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{')));
    const problems = report.problems.map(
      (p: any) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('serves the Swagger UI as HTML at /api/docs', async () => {
    const res = await t.http().get('/api/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    const init = await t.http().get('/api/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"/api/v1/auth/login"');
  });
});
