// The form every language's messages must take: exactly the keys of the English ones, each a string.

/** Same keys as `T` (no more, no fewer), every leaf a string: a missing or extra key fails the typecheck. */
export type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
