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
    expect(doc.paths['/api/v1/auth/login'].post.security).toBeUndefined();
    expect(doc.paths['/health'].get.security).toBeUndefined();
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
