/**
 * `npm run rotate:signing-key`: retires the JWT signing key; the API signs with a new one from the
 * next token on, and publishes the old one until its tokens have expired.
 * `npm run rotate:secret`: re-encrypts the signing keys and TOTP secrets under BETTER_AUTH_SECRET,
 * reading them with BETTER_AUTH_SECRET_PREVIOUS too. Both read the API's configuration (decision 028;
 * docs/rotation.md). On PGlite, stop the API first: its database has one process at a time.
 */
import { join } from 'node:path'
import { loadConfig } from '../config.js'
import { openDb } from '../db/client.js'
import { reencryptUnderCurrentSecret, retireSigningKeys, SIGNING_KEY_GRACE_MARGIN_SECONDS } from './signing-keys.js'

const command = process.argv[2]
if (command !== 'signing-key' && command !== 'secret') {
  console.error('usage: rotate-cli.ts signing-key|secret')
  process.exit(2)
}
const config = loadConfig()
const database = await openDb({
  url: config.databaseUrl,
  preparedStatements: config.databasePreparedStatements,
  dataDir: join(config.dataDir, 'pglite'),
})
try {
  if (command === 'signing-key') {
    const retired = await retireSigningKeys(database.db)
    console.log(
      retired.length === 0
        ? 'No signing key in use: the first access token creates one.'
        : `Retired ${retired.length} signing key(s): the next access token is signed with a new key; the JWKS publishes the old one for ${config.accessTokenTtlSeconds + SIGNING_KEY_GRACE_MARGIN_SECONDS} s more.`,
    )
  } else {
    const done = await reencryptUnderCurrentSecret(database.db, config)
    console.log(
      `Re-encrypted under BETTER_AUTH_SECRET: ${done.signingKeys} signing key(s), ${done.totpSecrets} TOTP secret(s).`,
    )
    if (done.unreadable > 0) {
      console.error(
        `${done.unreadable} row(s) open with neither BETTER_AUTH_SECRET nor BETTER_AUTH_SECRET_PREVIOUS: keep the secret that made them, or run npm run rotate:signing-key (for keys).`,
      )
      process.exitCode = 1
    }
  }
} finally {
  await database.close()
}
