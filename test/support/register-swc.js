// Preload (`node -r ./test/support/register-swc.js src/main.ts`): runs the TypeScript sources
// without a build, transpiled by swc as jest does. Used by tests that start real app processes.
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
