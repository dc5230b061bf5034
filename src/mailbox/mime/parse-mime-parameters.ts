// Parses the "; name=value" parameters of Content-Type and Content-Disposition through libmime, joining and decoding RFC 2231 continuations and charsets.
import { MailwardMime } from './decode-header-value.js';

/**
 * libmime runs RFC 2047 decoding over an RFC 2231 continuation that names no charset, and over no
 * other parameter. RFC 2047 §5 says an encoded-word is not one inside a parameter, so such a value
 * stays as written, like every other parameter (BODYSTRUCTURE sends them so).
 */
class ParameterMime extends MailwardMime {
  override decodeWords(text: unknown): string {
    return typeof text === 'string' ? text : '';
  }
}

const PARAMETERS = new ParameterMime();

/** RFC 2045 §5.1: an attribute is a token (printable ASCII but space and tspecials). */
const ATTRIBUTE = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * libmime keeps a bare word between semicolons ("attachment; inline; filename=a") as a parameter
 * with an empty value, and whatever stands before an "=" as its name. RFC 2045 §5.1 has parameter
 * := attribute "=" value, so neither is a parameter here (a BODYSTRUCTURE would show it as one).
 */
function isParameter(name: string, value: string, header: string): boolean {
  if (!ATTRIBUTE.test(name)) return false;
  return value !== '' || new RegExp(`(?:^|;)\\s*${escapeRegExp(name)}\\s*=`, 'i').test(header);
}

/**
 * Parses the parameters of a structured header value (what precedes the first ';' is not read
 * here). Names are lower-cased; the first occurrence of a name wins; a parameter in RFC 2231 form
 * wins over a plain one of the same name (RFC 2231 §4.1, RFC 6266 §4.3), its sections joined and
 * decoded with the charset of the first. Values may be bare where real mail is lenient
 * (boundary=----=_Part_1, name=my file.pdf); comments are dropped. The result has own properties
 * only, so a parameter named __proto__ is just a parameter.
 */
export function parseMIMEParameters(header: string): Record<string, string> {
  const { params } = PARAMETERS.parseHeaderValue(header, { stripComments: true });
  return Object.fromEntries(Object.entries(params).filter(([name, value]) => isParameter(name, value, header))) as Record<string, string>;
}
