/**
 * Cyrillic and Greek letters that look like Latin letters, mapped one-to-one to the Latin letter a
 * reader sees. Used by the fold table so that `fаlun` (Cyrillic `а`) matches the term `falun`.
 *
 * They are applied only inside a word that mixes scripts (Latin letters together with Cyrillic or
 * Greek ones, as in `fаlun`), never to a word written wholly in Cyrillic or Greek: `Сор` is the
 * Russian word for litter, not the English `cop` (see fold.ts).
 *
 * Upper- and lower-case forms are listed separately because they can look like different Latin
 * letters: Greek `Η` looks like `H`, but `η` looks like `n`. The fold table applies
 * {@link UPPER_CONFUSABLES} before lower-casing and {@link LOWER_CONFUSABLES} after it.
 *
 * Only letters that are hard to tell apart in common fonts are listed; letters that merely resemble
 * small capitals (Cyrillic `в`, `м`, `н`, `т`) are left alone so ordinary Russian text is not
 * turned into Latin lookalikes more than necessary.
 */
export const UPPER_CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic capitals
  А: "a",
  В: "b",
  Е: "e",
  К: "k",
  М: "m",
  Н: "h",
  О: "o",
  Р: "p",
  С: "c",
  Т: "t",
  Х: "x",
  У: "y",
  Ѕ: "s",
  І: "i",
  Ј: "j",
  Ү: "y",
  Ԛ: "q",
  Ԝ: "w",
  Ӏ: "l",
  // Greek capitals
  Α: "a",
  Β: "b",
  Ε: "e",
  Ζ: "z",
  Η: "h",
  Ι: "i",
  Κ: "k",
  Μ: "m",
  Ν: "n",
  Ο: "o",
  Ρ: "p",
  Τ: "t",
  Υ: "y",
  Χ: "x",
};

export const LOWER_CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic small letters
  а: "a",
  е: "e",
  к: "k",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ј: "j",
  һ: "h",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ү: "y",
  ӏ: "l",
  // Greek small letters
  α: "a",
  γ: "y",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
};

/** Latin letters that read as plain ASCII letters: always folded, whatever the word around them. */
export const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  ı: "i",
  ɩ: "i",
  ɑ: "a",
  ɡ: "g",
  ɢ: "g",
  ʏ: "y",
};
