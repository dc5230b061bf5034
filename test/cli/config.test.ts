// How the CLI finds its data and configuration (--data, MAILWARD_DATA, --config, <data>/mailward.toml, MAILWARD_*),
// and that a bad setting stops every command with one line naming the key or variable.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeCLI, expectOneLineError, expectSuccess, runCLI, tempDataDir } from '../support/cli.js';

function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describeCLI('mailward configuration', {}, () => {
  it('--config FILE with a bad value: exit 1, one line naming the key', async () => {
    const file = writeFile(tempDataDir(), 'custom.toml', '[listeners.http]\nport = "eighty"\n');
    const result = await runCLI(['--config', file, 'domain', 'list'], { data: tempDataDir() });
    expectOneLineError(result, { code: 1, matches: /config: listeners\.http\.port: expected an integer from 0 to 65535, got "eighty"/ });
  });

  it('a geoip.database that cannot be read stops every command with one line, and none at all is fine', async () => {
    const missing = path.join(tempDataDir(), 'GeoLite2-City.mmdb');
    const notMMDB = writeFile(tempDataDir(), 'city.mmdb', 'not a MaxMind database\n');
    const [absent, invalid, none] = await Promise.all([
      runCLI(['domain', 'list'], { data: tempDataDir(), env: { MAILWARD_GEOIP_DATABASE: missing } }),
      runCLI(['domain', 'list'], { data: tempDataDir(), env: { MAILWARD_GEOIP_DATABASE: notMMDB } }),
      runCLI(['domain', 'list'], { data: tempDataDir(), env: { MAILWARD_GEOIP_DATABASE: '' } }),
    ]);
    expectOneLineError(absent, { code: 1, matches: /geoip/i });
    expectOneLineError(invalid, { code: 1, matches: /geoip/i });
    expectSuccess(none);
  });

  it('a MAILWARD_* variable of the wrong type, or an unknown one: exit 1, one line naming the variable', async () => {
    const [badType, unknown] = await Promise.all([
      runCLI(['domain', 'list'], { data: tempDataDir(), env: { MAILWARD_LISTENERS_HTTP_PORT: 'abc' } }),
      runCLI(['domain', 'list'], { data: tempDataDir(), env: { MAILWARD_FOO: '1' } }),
    ]);
    expectOneLineError(badType, { code: 1, matches: /MAILWARD_LISTENERS_HTTP_PORT: expected an integer from 0 to 65535, got "abc"/ });
    expectOneLineError(unknown, { code: 1, matches: /unknown environment variable MAILWARD_FOO/ });
  });

  it('reads <data>/mailward.toml without --config, and MAILWARD_CONFIG takes its place', async () => {
    // The data directory comes from MAILWARD_DATA here, so the default file is found through it too.
    const data = tempDataDir();
    writeFile(data, 'mailward.toml', 'hostname = "-not-a-host-"\n');
    const good = writeFile(tempDataDir(), 'good.toml', 'hostname = "mail.example.org"\n');
    const [implicit, explicit] = await Promise.all([
      runCLI(['domain', 'list'], { env: { MAILWARD_DATA: data } }),
      runCLI(['domain', 'add', 'example.org'], { env: { MAILWARD_DATA: data, MAILWARD_CONFIG: good } }),
    ]);
    expectOneLineError(implicit, { code: 1, matches: /config: hostname: expected a DNS host name.*got "-not-a-host-"/ });
    expect(expectSuccess(explicit)).toBe('domain example.org added\n');
    expect(fs.existsSync(path.join(data, 'mailward.db'))).toBe(true);
  });
});
