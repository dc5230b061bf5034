// GeoIP: real lookups through the maxmind reader in an MMDB file written here by the MaxMind DB spec, local addresses, no database, and login records placed by it.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CityResponse } from 'maxmind';
import { Reader } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMailwardError } from '../../errors/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture, securityWith } from '../../../test/support/security-fixture.js';
import { tempDir } from '../../../test/support/dialects.js';
import { LOCATION_LOCAL, LOCATION_UNKNOWN, MaxMindGeoIP, NoGeoIP, isLocalAddress, openGeoIP } from './geoip.js';
import type { Security } from '../security.js';

// ---- A minimal MaxMind DB writer (https://maxmind.github.io/MaxMind-DB/), enough for City-shaped records. ----

type MMDBValue = string | MMDBValue[] | { [key: string]: MMDBValue } | { u16: number } | { u32: number } | { u64: number } | { double: number };

const TYPE = { string: 2, double: 3, u16: 5, u32: 6, map: 7, u64: 9, array: 11 } as const;

/** The control byte(s): 3 type bits (extended types ≥ 8 in a second byte) and a 5-bit size with 0–3 size bytes after. */
function control(type: number, size: number): Buffer {
  let sizeBits: number;
  let extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) [sizeBits, extra] = [29, [size - 29]];
  else if (size < 285 + 65536) [sizeBits, extra] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  else throw new Error('value too large for this writer');
  const head = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return Buffer.from([...head, ...extra]);
}

function unsigned(type: number, value: number | bigint, maxBytes: number): Buffer {
  const bytes: number[] = [];
  for (let v = BigInt(value); v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length > maxBytes) throw new Error('integer too large');
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

function encode(value: MMDBValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPE.string, bytes.length), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(TYPE.array, value.length), ...value.map(encode)]);
  if ('u16' in value && typeof value.u16 === 'number') return unsigned(TYPE.u16, value.u16, 2);
  if ('u32' in value && typeof value.u32 === 'number') return unsigned(TYPE.u32, value.u32, 4);
  if ('u64' in value && typeof value.u64 === 'number') return unsigned(TYPE.u64, value.u64, 8);
  if ('double' in value && typeof value.double === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value.double);
    return Buffer.concat([control(TYPE.double, 8), bytes]);
  }
  const entries = Object.entries(value as Record<string, MMDBValue>);
  return Buffer.concat([control(TYPE.map, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/** The bits of a network in an IPv6 tree: IPv4 networks live under ::/96, as the reader expects. */
function networkBits(cidr: string): number[] {
  const [address = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText);
  let bytes: number[];
  if (net.isIPv4(address)) {
    bytes = [...Array<number>(12).fill(0), ...address.split('.').map(Number)];
  } else {
    const [head = '', tail = ''] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g, 16));
    bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  }
  const bits = bytes.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (byte >> i) & 1));
  return bits.slice(0, net.isIPv4(address) ? 96 + prefix : prefix);
}

type MMDBRecord = { kind: 'node'; node: number } | { kind: 'data'; offset: number } | { kind: 'empty' };

/** An IPv6 MMDB with 24-bit records mapping each network to its record. */
function writeMMDB(networks: Array<[cidr: string, record: MMDBValue]>): Buffer {
  const nodes: Array<[MMDBRecord, MMDBRecord]> = [[{ kind: 'empty' }, { kind: 'empty' }]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const [cidr, record] of networks) {
    const encoded = encode(record);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    const bits = networkBits(cidr);
    let node = 0;
    bits.forEach((bit, depth) => {
      const slot = nodes[node]!;
      if (depth === bits.length - 1) {
        slot[bit] = { kind: 'data', offset };
        return;
      }
      const next = slot[bit]!;
      if (next.kind === 'node') {
        node = next.node;
      } else {
        if (next.kind === 'data') throw new Error('nested networks are not supported by this writer');
        nodes.push([{ kind: 'empty' }, { kind: 'empty' }]);
        slot[bit] = { kind: 'node', node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    });
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const value = (record: MMDBRecord): number =>
    record.kind === 'node' ? record.node : record.kind === 'empty' ? nodeCount : nodeCount + 16 + record.offset;
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(value(left), i * 6, 3);
    tree.writeUIntBE(value(right), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: { u32: nodeCount },
    record_size: { u16: 24 },
    ip_version: { u16: 6 },
    database_type: 'Mailward-Test-City',
    languages: ['en', 'de'],
    binary_format_major_version: { u16: 2 },
    binary_format_minor_version: { u16: 0 },
    build_epoch: { u64: 1_700_000_000 },
    description: { en: 'Test fixture for Mailward' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

function place(city: string | undefined, region: string | undefined, country: { iso: string; en: string }): MMDBValue {
  return {
    ...(city !== undefined ? { city: { geoname_id: { u32: 2950159 }, names: { en: city, de: city } } } : {}),
    continent: { code: 'EU', names: { en: 'Europe' } },
    country: { geoname_id: { u32: 2921044 }, iso_code: country.iso, names: { en: country.en } },
    location: { latitude: { double: 52.52 }, longitude: { double: 13.405 }, time_zone: 'Europe/Berlin' },
    ...(region !== undefined ? { subdivisions: [{ iso_code: 'BE', names: { en: region } }] } : {}),
  };
}

/** 203.0.113.0/24 in Berlin, 198.51.100.0/25 with a country only, 2001:db8::/32 in Paris, and a record for 10/8 that must never be used. */
function fixtureDatabase(): Buffer {
  return writeMMDB([
    ['203.0.113.0/24', place('Berlin', 'Land Berlin', { iso: 'DE', en: 'Germany' })],
    ['198.51.100.0/25', place(undefined, undefined, { iso: 'JP', en: 'Japan' })],
    ['2001:db8::/32', place('Paris', 'Île-de-France', { iso: 'FR', en: 'France' })],
    ['10.0.0.0/8', place('Nowhere', undefined, { iso: 'ZZ', en: 'Wrongland' })],
  ]);
}

// ---- Tests ----

describe('GeoIP lookups in an MMDB file', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir('mailward-geoip-');
    file = path.join(dir, 'GeoLite2-City.mmdb');
    fs.writeFileSync(file, fixtureDatabase());
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('places a public address by city, region and country', () => {
    const geoip = openGeoIP({ database: file });
    expect(geoip).toBeInstanceOf(MaxMindGeoIP);
    expect(geoip.locate('203.0.113.7')).toBe('Berlin, Land Berlin, Germany');
    expect(geoip.locate('::ffff:203.0.113.200')).toBe('Berlin, Land Berlin, Germany');
    expect(geoip.locate('2001:db8:1::42')).toBe('Paris, Île-de-France, France');
    expect(geoip.locate('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('Paris, Île-de-France, France');
  });

  it('says as much as the database knows, and "Unknown" for addresses it does not hold', () => {
    const geoip = openGeoIP({ database: file });
    expect(geoip.locate('198.51.100.1')).toBe('Japan');
    expect(geoip.locate('198.51.100.200')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('192.0.2.1')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('2001:db9::1')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('not an address')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('')).toBe(LOCATION_UNKNOWN);
  });

  it('answers "Local network" for private and loopback addresses, whatever the database holds for them', () => {
    // The reader itself does find the (wrong) record for 10/8: the answer below is a decision, not a miss.
    expect(new Reader<CityResponse>(fs.readFileSync(file)).get('10.1.2.3')?.country?.names.en).toBe('Wrongland');
    const geoip = openGeoIP({ database: file });
    for (const ip of ['10.1.2.3', '192.168.1.20', '172.16.5.4', '127.0.0.1', '::1', '::ffff:10.0.0.1', 'fd00::1', 'fe80::1', '100.64.0.1']) {
      expect(geoip.locate(ip)).toBe(LOCATION_LOCAL);
    }
  });

  it('tells local addresses from public ones at the edges of the ranges', () => {
    expect(isLocalAddress('172.15.255.255')).toBe(false);
    expect(isLocalAddress('172.32.0.0')).toBe(false);
    expect(isLocalAddress('11.0.0.0')).toBe(false);
    expect(isLocalAddress('2001:db8::1')).toBe(false);
    expect(isLocalAddress('0000:0000:0000:0000:0000:0000:0000:0001')).toBe(true);
  });

  it('refuses at start a database file that is missing or not an MMDB', () => {
    const missing = (() => {
      try {
        openGeoIP({ database: path.join(dir, 'missing.mmdb') });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isMailwardError(missing, 'CONFIG_INVALID')).toBe(true);
    const junk = path.join(dir, 'junk.mmdb');
    fs.writeFileSync(junk, 'not a database');
    expect(() => openGeoIP({ database: junk })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('GeoIP without a database', () => {
  it('answers "Unknown" for public addresses and still "Local network" for local ones, with no lookup at all', () => {
    const geoip = openGeoIP({ database: '' });
    expect(geoip).toBeInstanceOf(NoGeoIP);
    expect(geoip.locate('203.0.113.7')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('2001:db8::1')).toBe(LOCATION_UNKNOWN);
    expect(geoip.locate('192.168.0.1')).toBe(LOCATION_LOCAL);
    expect(geoip.locate('127.0.0.1')).toBe(LOCATION_LOCAL);
  });
});

describeOnEveryDialect('login record locations', securityFixture(), (f) => {
  let security: Security;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('mailward-geoip-');
    const file = path.join(dir, 'city.mmdb');
    fs.writeFileSync(file, fixtureDatabase());
    security = securityWith(f, { geoip: openGeoIP({ database: file }) });
  });
  afterAll(async () => {
    await security?.flush();
    security?.sessions.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records where each sign-in came from, as it was when it happened', async () => {
    const alice = await f.addUser('alice');
    const username = `alice@${FIXTURE_DOMAIN}`;
    await security.authenticate({ protocol: 'imap', username, secret: FIXTURE_PASSWORD, remoteIp: '203.0.113.7', tls: true });
    f.advance(1000);
    await security.authenticate({ protocol: 'web', username, secret: 'wrong', remoteIp: '2001:db8::5', tls: true });
    f.advance(1000);
    await security.authenticate({ protocol: 'pop3', username, secret: FIXTURE_PASSWORD, remoteIp: '192.168.7.7', tls: true });
    f.advance(1000);
    await security.authenticate({ protocol: 'smtp', username, secret: FIXTURE_PASSWORD, remoteIp: '192.0.2.44', tls: true });
    await security.flush();
    const page = await security.loginRecords.page({ accountId: alice.id, limit: 10 });
    expect(page.records.map((r) => [r.protocol, r.result, r.location])).toEqual([
      ['smtp', 'success', 'Unknown'],
      ['pop3', 'success', 'Local network'],
      ['web', 'failure', 'Paris, Île-de-France, France'],
      ['imap', 'success', 'Berlin, Land Berlin, Germany'],
    ]);
    const stored = await f.query<{ location: string }>('select location from login_records order by id');
    expect(stored.map((r) => r.location)).toEqual(['Berlin, Land Berlin, Germany', 'Paris, Île-de-France, France', 'Local network', 'Unknown']);
  });
});
