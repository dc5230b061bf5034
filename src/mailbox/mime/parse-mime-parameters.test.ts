// Tests parseMIMEParameters: RFC 2231 continuations and charsets through libmime, and what is and is not a parameter.
import { describe, expect, it } from 'vitest';
import { parseMIMEParameters } from './parse-mime-parameters.js';

describe('parseMIMEParameters', () => {
  it('joins and decodes the RFC 2231 example (§4.1): encoded and plain sections, charset and language', () => {
    const header = `application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2="isn't it!"`;
    expect(parseMIMEParameters(header)).toEqual({ title: "This is even more ***fun*** isn't it!" });
  });

  it('prefers the RFC 2231 form over the plain one, in either order, and the first of a repeated name', () => {
    expect(parseMIMEParameters(`attachment; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC.txt`)).toEqual({ filename: '€.txt' });
    expect(parseMIMEParameters('text/plain; Charset=UTF-8; CHARSET=latin1')).toEqual({ charset: 'UTF-8' });
  });

  it('decodes an RFC 2231 charset libmime does not know as UTF-8, else Latin-1, like every other text', () => {
    expect(parseMIMEParameters(`attachment; filename*=x-unknown''caf%C3%A9`)).toEqual({ filename: 'café' });
    expect(parseMIMEParameters(`attachment; filename*=x-unknown''caf%E9`)).toEqual({ filename: 'caf\u00e9' });
  });

  it('keeps an encoded-word inside a parameter as written (RFC 2047 §5), split or not', () => {
    expect(parseMIMEParameters('attachment; filename="=?utf-8?Q?caf=C3=A9?="')).toEqual({ filename: '=?utf-8?Q?caf=C3=A9?=' });
    expect(parseMIMEParameters('attachment; filename*0="=?utf-8?Q?caf=C3=A9?="; filename*1=".txt"')).toEqual({ filename: '=?utf-8?Q?caf=C3=A9?=.txt' });
  });

  it('takes only attribute "=" value as a parameter (RFC 2045 §5.1): a bare word or a name that is no token is none', () => {
    expect(parseMIMEParameters('attachment; inline; x=""; filename=a.txt; (comment)')).toEqual({ x: '', filename: 'a.txt' });
    expect(parseMIMEParameters('text/plain; a b=1; =2; "q"=3; c=4')).toEqual({ c: '4' });
  });

  it('gives own properties only: a parameter named __proto__ is just a parameter', () => {
    const params = parseMIMEParameters('text/plain; __proto__=x; constructor=y');
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.entries(params)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });
});
