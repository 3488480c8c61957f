import { once } from 'node:events';
import { AddressInfo, createServer } from 'node:net';

/**
 * `node -e REGISTER_SWC <file.ts>` runs a TypeScript entry point of the repository without a build,
 * the way `npm run start:dev` does, but transpiled with swc (the transform jest uses: fast, and
 * indifferent to type errors elsewhere in the tree).
 */
export const REGISTER_SWC = `
const { transformSync } = require('@swc/core');
const fs = require('node:fs');
require.extensions['.ts'] = (m, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  });
  m._compile(code, filename);
};
require(require('node:path').resolve(process.argv[1]));
`;

/** A TCP port that was free a moment ago on the loopback interface. */
export async function freeLoopbackPort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
