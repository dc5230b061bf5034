// The search index's columns on a message row (see migration 0018 and repositories/search-index.ts).
export interface MessageSearchColumns {
  /** SQLite: the message's document in message_search (copies share it); null: none, SEARCH reads the body. */
  search_doc: number | null;
  /** PostgreSQL: the signature of the message text's trigrams and pairs, bit(4096) (see search-signature.ts); null: none, SEARCH reads the body. */
  search_sig: string | null;
}
