import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  randomUUID,
} from "node:crypto";
import { MIN_SECRET_LENGTH, type RandomSource, type Sealer } from "../../core/ports/crypto.js";

/** Data sealed under one secret cannot be opened with another; the message says what to check. */
export class SecretMismatchError extends Error {
  override readonly name = "SecretMismatchError";
}

const FORMAT = "v1";

/**
 * AES-256-GCM for names and phones (random 96-bit IV, 128-bit tag) and HMAC-SHA-256 for keyed hashes.
 * Both keys come from CHATWARDEN_SECRET through HKDF-SHA-256 with distinct labels.
 */
export class NodeSealer implements Sealer {
  private readonly sealKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new Error(`key material must be at least ${MIN_SECRET_LENGTH} characters, got ${secret.length}`);
    const ikm = Buffer.from(secret, "utf8");
    this.sealKey = Buffer.from(hkdfSync("sha256", ikm, "chatwarden", "seal v1", 32));
    this.hashKey = Buffer.from(hkdfSync("sha256", ikm, "chatwarden", "keyed-hash v1", 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [
      FORMAT,
      iv.toString("base64url"),
      body.toString("base64url"),
      cipher.getAuthTag().toString("base64url"),
    ].join(".");
  }

  open(sealed: string): string {
    const [format, iv, body, tag] = sealed.split(".");
    if (format !== FORMAT || iv === undefined || body === undefined || tag === undefined) {
      throw new SecretMismatchError("sealed value has an unknown format");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.sealKey, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    } catch (error) {
      throw new SecretMismatchError("sealed value does not open with this CHATWARDEN_SECRET", {
        cause: error,
      });
    }
  }

  keyedHash(purpose: string, value: string): string {
    return createHmac("sha256", this.hashKey).update(purpose).update("\0").update(value).digest("base64url");
  }

  fingerprint(): string {
    return this.keyedHash("fingerprint", "chatwarden key check").slice(0, 22);
  }
}

const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

export const nodeRandom: RandomSource = {
  id(prefix = "") {
    return prefix + randomUUID().replace(/-/g, "").slice(0, 16);
  },
  code(length) {
    let out = "";
    for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    return out;
  },
};
