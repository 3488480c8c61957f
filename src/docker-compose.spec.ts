import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// There is no Docker engine on the development machines: these checks read docker-compose.yml
// against the configuration class, so a variable added to the application reaches the containers
// and the README's table.
const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The variables `loadConfig` reads: the properties of `class EnvironmentVariables`. */
function configVariables(): string[] {
  const source = read('src/config/configuration.ts');
  const start = source.indexOf('class EnvironmentVariables');
  const body = source.slice(start, source.indexOf('\n}\n', start));
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+)\??(?::| =)/gm)].map((m) => m[1]);
}

/** The top-level blocks of the compose file, by name (`x-app-env`, `services`, ...). */
function blocks(yaml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of yaml.split(/^(?=[A-Za-z][\w-]*:)/m)) {
    const name = /^([A-Za-z][\w-]*):/.exec(part)?.[1];
    if (name) out.set(name, part);
  }
  return out;
}

/** The services of the compose file, each as its text. */
function services(yaml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of blocks(yaml)
    .get('services')!
    .split(/^(?= {2}[\w-]+:\n)/m)
    .slice(1)) {
    out.set(/^ {2}([\w-]+):/.exec(part)![1], part);
  }
  return out;
}

describe('docker-compose.yml', () => {
  const yaml = read('docker-compose.yml');
  const variables = configVariables();
  const appEnv = blocks(yaml).get('x-app-env &app-env') ?? blocks(yaml).get('x-app-env')!;
  const passed = [...appEnv.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);

  it('passes every variable of the configuration to the application containers', () => {
    expect(variables.length).toBeGreaterThan(20);
    // APP_ROLE is set per service.
    expect(variables.filter((v) => v !== 'APP_ROLE' && !passed.includes(v))).toEqual([]);
    for (const [name, text] of services(yaml))
      if (text.includes('<<: *app-env'))
        expect([name, /APP_ROLE: (api|worker)/.test(text)]).toEqual([name, name !== 'migrate']);
  });

  it('passes only variables the application reads (or Compose itself uses)', () => {
    expect(passed.filter((v) => !variables.includes(v))).toEqual([]);
  });

  it('names every variable in its header and the README configuration table', () => {
    const readme = read('README.md');
    const table = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(variables.filter((v) => !table.includes(v))).toEqual([]);
    const header = yaml.slice(0, yaml.indexOf('\nname:'));
    const optional = passed.filter((v) => /\$\{[A-Z_]+:-/.test(appEnv.split(`\n  ${v}:`)[1].split('\n')[0]));
    expect(optional.filter((v) => !header.includes(v))).toEqual([]);
  });

  it('gives the demo data in the same step as the rest: profile demo, after the migrations', () => {
    const seed = services(yaml).get('seed-demo')!;
    expect(seed).toMatch(/profiles: \[demo\]/);
    expect(seed).toMatch(/migrate:\n\s+condition: service_completed_successfully/);
    expect(read('README.md')).toContain('docker compose --profile demo up -d --build');
  });
});
