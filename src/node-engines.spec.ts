import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

// `npm ci` warns (EBADENGINE) for every installed package whose `engines.node` the running Node does
// not satisfy. The README, the Dockerfile and package.json promise Node 20.19+: every package of the
// lock file must accept the oldest Node of that promise, so that `npm ci` there prints no warning.
const root = join(__dirname, '..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

describe('dependencies and the Node version the project promises', () => {
  const project = read('package.json');
  const oldest = semver.minVersion(project.engines.node)!;

  it('promises Node 20.19 or newer, as the README and the Dockerfile say', () => {
    expect(oldest.version).toBe('20.19.0');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('**Node 20.19+**');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:20[.-]/m);
  });

  it('every package in package-lock.json runs on that Node (no EBADENGINE warning)', () => {
    const packages: Record<string, { version?: string; engines?: { node?: string } }> =
      read('package-lock.json').packages;
    const refusing = Object.entries(packages)
      .filter(([path, p]) => path && p.engines?.node && !semver.satisfies(oldest, p.engines.node))
      .map(
        ([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${p.engines!.node}`,
      );
    expect(refusing).toEqual([]);
  });
});
