// SEARCH and UID SEARCH [RETURN (…)] [CHARSET name] key… (RFC 3501 §6.4.4, RFC 9051 §6.4.4, ESEARCH of RFC 4731).
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';
import type { SearchQuery } from './search-query.js';
import { BadCharsetError, parseSearch } from './search-query.js';

/**
 * The query, or, for a CHARSET we cannot search in, only that: RFC 3501 §6.4.4 wants a NO
 * [BADCHARSET] then, and keys in an unknown charset cannot be read anyway.
 */
export type SearchRequest = IMAPRequestBase<'SEARCH' | 'UID SEARCH'> & { uid: boolean } & ({ query: SearchQuery } | { unsupportedCharset: true });

function searchGrammar<N extends SearchRequest['name']>(name: N): IMAPCommandSpec<SearchRequest & { name: N }> {
  const uid = name === 'UID SEARCH';
  return {
    name,
    parse(command) {
      try {
        return { tag: command.tag, name, uid, query: parseSearch(command.args) };
      } catch (error) {
        if (error instanceof BadCharsetError) return { tag: command.tag, name, uid, unsupportedCharset: true };
        throw error;
      }
    },
  };
}

export const SEARCH = searchGrammar('SEARCH');
export const UID_SEARCH = searchGrammar('UID SEARCH');
