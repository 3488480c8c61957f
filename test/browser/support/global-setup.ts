import { existsSync } from 'node:fs';
import e2eGlobalSetup from '../../support/global-setup';
import { chromiumPath } from './browser';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require('../../../scripts/build-web.cjs') as {
  buildWeb: (o: { ifStale: boolean; typecheck: boolean; log: (s: string) => void }) => boolean;
};

/**
 * The browser tests need MariaDB and Redis (as the e2e tests), Debian's Chromium, and a current
 * build of the web app: web/dist is built here when it is missing or older than its sources.
 */
export default async function browserGlobalSetup(): Promise<void> {
  await e2eGlobalSetup();
  if (!existsSync(chromiumPath()))
    throw new Error(
      `browser tests need Chromium at ${chromiumPath()} (apt-get install chromium, or set CHROMIUM_PATH)`,
    );
  buildWeb({ ifStale: true, typecheck: false, log: (s) => console.log(`\n${s}`) });
}
