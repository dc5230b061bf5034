// Address and domain normalisation: RFC examples, refusals, and an idempotence property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MailwardError } from '../errors/index.js';
import { isValidAddress, normalizeAddress, normalizeDomain } from './address.js';

function invalidError(run: () => unknown): MailwardError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MailwardError);
    expect((error as MailwardError).code).toBe('INVALID_ADDRESS');
    return error as MailwardError;
  }
  throw new Error('expected INVALID_ADDRESS');
}

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['  example.com  ', 'example.com'],
    ['example.com.', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['例子.测试', 'xn--fsqu00a.xn--0zwm56d'],
    ['xn--fsqu00a.xn--0zwm56d', 'xn--fsqu00a.xn--0zwm56d'],
    ['mail.sub-domain.example.org', 'mail.sub-domain.example.org'],
    ['1.example', '1.example'],
    ['a.b2', 'a.b2'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it('accepts a 63-octet label and a 253-octet name', () => {
    const label = 'a'.repeat(63);
    expect(normalizeDomain(`${label}.com`)).toBe(`${label}.com`);
    const name = [label, label, label, 'a'.repeat(61)].join('.');
    expect(name).toHaveLength(253);
    expect(normalizeDomain(name)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['only a dot', '.'],
    ['single label', 'localhost'],
    ['64-octet label', `${'a'.repeat(64)}.com`],
    ['254-octet name', [...Array<string>(3).fill('a'.repeat(63)), 'a'.repeat(62)].join('.')],
    ['leading hyphen', '-x.com'],
    ['trailing hyphen', 'x-.com'],
    ['leading dot', '.example.com'],
    ['double dot', 'example..com'],
    ['two trailing dots', 'example.com..'],
    ['IPv4', '1.2.3.4'],
    ['IPv4 shorthand', '127.1'],
    ['hex IPv4', '0x7f.0.0.1'],
    ['IP literal', '[1.2.3.4]'],
    ['IPv6 literal', '[IPv6:::1]'],
    ['numeric TLD', 'example.123'],
    ['underscore', 'ex_ample.com'],
    ['space', 'exa mple.com'],
    ['percent escape', 'example%2ecom'],
    ['bad punycode', 'xn--zz.com'],
    ['punycode cut short', 'mail.xn--a.com'],
    ['punycode of plain ASCII', 'xn--abc-.com'],
    ['reserved hyphens', 'ab--cd.com'],
    ['NUL', 'example\u0000.com'],
    ['control', 'exam\u0007ple.com'],
  ])('refuses %s', (_name, input) => {
    invalidError(() => normalizeDomain(input));
  });

  it('explains the reason on one line, echoing a short printable copy of the input', () => {
    const error = invalidError(() => normalizeDomain('localhost'));
    expect(error.message).toBe('invalid domain "localhost": needs at least two labels');

    const hostile = `\u001b[31mevil\r\ninjected: ${'x'.repeat(500)}`;
    const long = invalidError(() => normalizeDomain(hostile));
    expect(long.message).not.toMatch(/[\p{Cc}]/u);
    expect(long.message.length).toBeLessThan(200);
    expect(long.message.startsWith('invalid domain "[31mevilinjected: xxx')).toBe(true);
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['Alice@Example.COM', 'alice', 'example.com'],
    ['  bob@example.com\n', 'bob', 'example.com'],
    ['first.last+tag@example.com', 'first.last+tag', 'example.com'],
    ["!#$%&'*+/=?^_`{|}~-@example.com", "!#$%&'*+/=?^_`{|}~-", 'example.com'],
    ['user@example.com.', 'user', 'example.com'],
    ['user@bücher.example', 'user', 'xn--bcher-kva.example'],
    ['用户@例子.测试', '用户', 'xn--fsqu00a.xn--0zwm56d'],
    ['ÜBER@example.com', 'über', 'example.com'],
    // NFC composes "u" + COMBINING DIAERESIS so both spellings are one account.
    ['U\u0308ber@example.com', 'über', 'example.com'],
    ['ΑΛΦΑ@example.com', 'αλφα', 'example.com'],
  ])('%j → local %j, domain %j', (input, localPart, domain) => {
    expect(normalizeAddress(input)).toEqual({ address: `${localPart}@${domain}`, localPart, domain });
    expect(isValidAddress(input)).toBe(true);
  });

  it('keeps a Unicode local part Unicode and lower case', () => {
    expect(normalizeAddress('Ünïcode用户@例子.测试').localPart).toBe('ünïcode用户');
  });

  it('accepts a 64-octet local part and a 254-octet address', () => {
    const local = 'a'.repeat(64);
    expect(normalizeAddress(`${local}@example.com`).localPart).toBe(local);
    const domain = ['b'.repeat(63), 'b'.repeat(63), 'b'.repeat(61)].join('.');
    const address = `${local}@${domain}`;
    expect(address).toHaveLength(254);
    expect(normalizeAddress(address).address).toBe(address);
  });

  it.each([
    ['empty', ''],
    ['blank', ' \t '],
    ['no @', 'alice.example.com'],
    ['two @', 'alice@bob@example.com'],
    ['empty local part', '@example.com'],
    ['empty domain', 'alice@'],
    ['leading dot', '.alice@example.com'],
    ['trailing dot', 'alice.@example.com'],
    ['double dot', 'al..ice@example.com'],
    ['65-octet local part', `${'a'.repeat(65)}@example.com`],
    ['65-octet Unicode local part', `${'ü'.repeat(32)}a@example.com`],
    ['64-octet label', `a@${'b'.repeat(64)}.com`],
    ['255-octet address', `${'a'.repeat(64)}@${['b'.repeat(63), 'b'.repeat(63), 'b'.repeat(62)].join('.')}`],
    ['space', 'al ice@example.com'],
    ['no-break space', 'al\u00a0ice@example.com'],
    ['quoted local part', '"alice"@example.com'],
    ['quoted local part with @', '"a@b"@example.com'],
    ['quote inside', 'al"ice@example.com'],
    ['localhost', 'a@localhost'],
    ['IPv4 domain', 'a@1.2.3.4'],
    ['IP literal', 'a@[1.2.3.4]'],
    ['leading-hyphen label', 'a@-x.com'],
    ['control character', 'al\u0007ice@example.com'],
    ['C1 control', 'al\u0085ice@example.com'],
    ['NUL', 'alice\u0000@example.com'],
    ['NUL in domain', 'alice@exam\u0000ple.com'],
    ['escape sequence', 'alice\u001b[0m@example.com'],
    ['lone surrogate', 'al\ud800ice@example.com'],
    ['bidi override', 'alice\u202e@example.com'],
    ['zero-width space', 'al\u200bice@example.com'],
    ['comma', 'a,b@example.com'],
    ['angle brackets', '<alice@example.com>'],
    ['backslash', 'a\\b@example.com'],
    ['brackets', 'a[b]@example.com'],
    ['colon', 'a:b@example.com'],
    ['composes to ≮ after NFC', 'a<\u0338b@example.com'],
    ['huge input', `${'a'.repeat(100_000)}@example.com`],
  ])('refuses %s', (_name, input) => {
    invalidError(() => normalizeAddress(input));
    expect(isValidAddress(input)).toBe(false);
  });

  it('says quoted local parts are not supported', () => {
    expect(invalidError(() => normalizeAddress('"alice smith"@example.com')).message).toMatch(/quoted local parts are not supported/);
    expect(invalidError(() => normalizeAddress('"alice"@example.com')).message).toMatch(/quoted local parts are not supported/);
  });

  it('names the domain problem in the address message', () => {
    expect(invalidError(() => normalizeAddress('a@localhost')).message).toBe(
      'invalid address "a@localhost": domain needs at least two labels',
    );
  });

  it('either refuses with INVALID_ADDRESS or returns a fixed point, for any string', () => {
    const atext = fc.constantFrom(...'abcXYZ09!#$%&\'*+/=?^_`{|}~-.ÄäßΣσςİı用户\u0308\u0301 "(),:;<>@[\\]\u0000\u200b');
    const label = fc.oneof(
      fc.constantFrom('example', 'EXAMPLE', 'bücher', '例子', '测试', 'xn--bcher-kva', 'com', 'localhost', '123', '-x', 'a_b', ''),
      fc.string({ unit: fc.constantFrom(...'aZ09-ü例.'), maxLength: 70 }),
    );
    const addressLike = fc
      .tuple(fc.string({ unit: atext, maxLength: 70 }), fc.array(label, { minLength: 0, maxLength: 5 }), fc.constantFrom('', '.', ' '))
      .map(([local, labels, end]) => `${local}@${labels.join('.')}${end}`);
    const anything = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.emailAddress(),
      addressLike,
    );

    let accepted = 0;
    fc.assert(
      fc.property(anything, (input) => {
        let result: ReturnType<typeof normalizeAddress>;
        try {
          result = normalizeAddress(input);
        } catch (error) {
          return error instanceof MailwardError && error.code === 'INVALID_ADDRESS';
        }
        accepted += 1;
        expect(result.address).toBe(`${result.localPart}@${result.domain}`);
        expect(normalizeAddress(result.address)).toEqual(result);
        expect(normalizeDomain(result.domain)).toBe(result.domain);
        return true;
      }),
      { numRuns: 2000 },
    );
    // Guards the generators: a property that only ever sees refusals proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });
});
