import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from './config/configuration';

/** Paths that belong to the server, never to the web app's history fallback. */
export const SERVER_PATHS = /^\/(api|health|admin)(\/|$)/;

/** Files the service worker and the browser must re-check on every load (their names are not hashed). */
const NO_CACHE = /^\/(index\.html|sw\.js|registerSW\.js|manifest\.webmanifest|workbox-[^/]+\.js)$/;

/**
 * Where the built web app is: `WEB_ROOT`, else `web/dist` of this checkout (from `src/` when run by
 * ts-node or jest, from `dist/src/` when built). Null when it was not built.
 */
export function webRootOf(config: Pick<AppConfig, 'webRoot'>): string | null {
  const candidates = config.webRoot
    ? [resolve(config.webRoot)]
    : [resolve(__dirname, '..', 'web', 'dist'), resolve(__dirname, '..', '..', 'web', 'dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the web app (resident mall, counter, console) at `/` from its built files: hashed assets
 * cached for a year, `index.html` and the service worker re-validated on every load, and a history
 * fallback to `index.html` for the app's own paths (never for `/api`, `/health`, `/admin`).
 */
export function serveWebApp(app: NestExpressApplication, config: Pick<AppConfig, 'webRoot'>): string | null {
  const root = webRootOf(config);
  if (!root) {
    new Logger('WebApp').warn('the web app is not built (npm run build): serving the API only');
    return null;
  }
  const index = join(root, 'index.html');
  // The app's files go out compressed (the API's answers are left as they are).
  const compress = compression();
  app.use((req: Request, res: Response, next: NextFunction) =>
    SERVER_PATHS.test(req.path) ? next() : compress(req, res, next),
  );
  app.use(
    express.static(root, {
      index: false,
      setHeaders: (res, path) => {
        const rel = path.slice(root.length).replace(/\\/g, '/');
        if (rel.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else if (NO_CACHE.test(rel)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    // A missing asset is a 404, not the app: only page navigations fall back to index.html.
    if (/\.[a-z0-9]{1,8}$/i.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return root;
}
