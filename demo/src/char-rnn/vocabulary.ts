/**
 * The characters of a text as token ids: id i is the i-th distinct character in code-point order,
 * so the same text always gives the same ids (the downloaded model's metadata lists them).
 */
export interface Vocabulary {
  /** Every distinct character, by id. */
  readonly characters: readonly string[];
  encode(text: string): Int32Array;
  decode(ids: Iterable<number>): string;
  /** The distinct characters of `text` that the vocabulary lacks. */
  missing(text: string): string[];
}

export function buildVocabulary(text: string): Vocabulary {
  // By code point, not UTF-16 unit: a character outside the BMP is one token.
  const characters = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const ids = new Map(characters.map((c, i) => [c, i]));
  return {
    characters,
    encode: (part) => Int32Array.from(part, (c) => ids.get(c) ?? -1),
    decode: (tokens) => Array.from(tokens, (id) => characters[id] ?? '\uFFFD').join(''),
    missing: (part) => [...new Set(part)].filter((c) => !ids.has(c)),
  };
}
