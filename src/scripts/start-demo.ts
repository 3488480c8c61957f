// `npm run start:demo`: migrates, seeds the demo world, then runs every role (API, workers,
// schedulers) in this one process and prints where to look. Stop it with Ctrl-C.
import 'reflect-metadata';
import { bootstrap } from '../bootstrap';
import { QUEUES_BOARD_PATH } from '../jobs/queues-board.module';
import { demoIdLines, demoLoginLines } from './demo/banner';
import { configOrExit, migrateAndSeed } from './seed-demo';

async function main(): Promise<void> {
  process.env.APP_ROLE = 'all';
  const config = configOrExit();
  await migrateAndSeed(config);
  const { url } = await bootstrap();
  const base = url ?? `http://localhost:${config.port}`;
  console.log(
    [
      '',
      'Jifen Market (积分超市) demo is running: web app, API and worker in one process (APP_ROLE=all).',
      `  Web app      ${base}/   (residents on a phone: /m, counters: /counter, staff: /console)`,
      `  API          ${base}/api/v1`,
      `  Swagger UI   ${base}/api/docs   (OpenAPI JSON: ${base}/api/docs-json)`,
      `  Bull Board   ${base}${QUEUES_BOARD_PATH}   (basic auth as a city admin, e.g. ${config.adminUsername})`,
      `  Health       ${base}/health`,
      '',
      'Logins:',
      ...demoLoginLines(config),
      '',
      'Ids:',
      ...demoIdLines(),
      '',
      'Try:',
      `  TOKEN=$(curl -s ${base}/api/v1/auth/login -H 'Content-Type: application/json' \\`,
      `    -d '{"username":"demo.resident","password":"demo12345"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
      `  curl -s ${base}/api/v1/me -H "Authorization: Bearer $TOKEN"`,
      '',
      'Ctrl-C stops it (in-flight requests and jobs finish first).',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
