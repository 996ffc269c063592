/** The one rule for key material (CHATWARDEN_SECRET, data/secret.key): at least this many characters. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Key material derived from CHATWARDEN_SECRET. Real names and phones are sealed with an authenticated
 * cipher; ID numbers and phones are also matched through keyed hashes, so equal inputs can be found
 * without ever storing them in the clear.
 */
export interface Sealer {
  /** Authenticated encryption; the output is safe to store. */
  seal(plaintext: string): string;
  /** Throws SecretMismatchError when the data was sealed under another key. */
  open(sealed: string): string;
  /** Keyed hash (HMAC) for equality look-ups; `purpose` separates domains ("id", "phone", ...). */
  keyedHash(purpose: string, value: string): string;
  /** A value derived from the key that the store keeps, to detect a changed secret at start. */
  fingerprint(): string;
}

/** Random identifiers and one-time codes. */
export interface RandomSource {
  id(prefix?: string): string;
  /** An unguessable code of `length` characters from an unambiguous alphabet. */
  code(length: number): string;
}
