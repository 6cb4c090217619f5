/**
 * BETTER_AUTH_SECRET and, during a rotation, BETTER_AUTH_SECRET_PREVIOUS (decision 028).
 *
 * What the secret encrypts (the JWT private keys, TOTP secrets) goes through Better Auth's own
 * versioned secrets: new ciphertext is an envelope `$ba$<version>$…` under the current secret,
 * and either secret decrypts. A secret's version is a number derived from the secret itself, so
 * every instance gives one secret the same version without any setting. Ciphertext from before
 * versioned secrets (bare hex) was made under the secret in use then: the previous one when set,
 * else the current one.
 */
import { createHmac } from 'node:crypto'

export type SecretSettings = { secret: string; secretPrevious: string | undefined }

/** Better Auth's secret configuration (the shape of `ctx.context.secretConfig`). */
export type SecretConfig = { keys: Map<number, string>; currentVersion: number; legacySecret: string }

/** A secret's version: 31 bits of an HMAC keyed by it, so the number says nothing about the secret. */
export function secretVersion(secret: string): number {
  return createHmac('sha256', secret).update('taskwell secret version v1').digest().readUInt32BE(0) >>> 1
}

/** Better Auth's `secrets` option: the current secret first, then the previous one. */
export function versionedSecrets({ secret, secretPrevious }: SecretSettings): { version: number; value: string }[] {
  const current = { version: secretVersion(secret), value: secret }
  return secretPrevious ? [current, { version: secretVersion(secretPrevious), value: secretPrevious }] : [current]
}

/** The same configuration Better Auth builds from `versionedSecrets`, for our own encryption. */
export function secretConfig(settings: SecretSettings): SecretConfig {
  return {
    keys: new Map(versionedSecrets(settings).map((s) => [s.version, s.value])),
    currentVersion: secretVersion(settings.secret),
    legacySecret: settings.secretPrevious ?? settings.secret,
  }
}

/** The secrets that may have keyed a stored HMAC (recovery codes): the current one first. */
export function acceptedSecrets({ secret, secretPrevious }: SecretSettings): string[] {
  return secretPrevious ? [secret, secretPrevious] : [secret]
}
