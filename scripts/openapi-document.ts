/**
 * The OpenAPI document the API serves at /api/openapi.json, built in-process: an app over a
 * throw-away in-memory PGlite, asked for the document. No server is started, nothing is written
 * under DATA_DIR (the secret is given, no mail is sent).
 *
 * `tsx scripts/openapi-document.ts <file>` writes it to <file> (`npm run lint:openapi` lints that);
 * `openApiDocument()` is the same document for other tools (scripts/generate-api-types.ts).
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createApp } from '../backend/src/app.js'
import { loadConfig } from '../backend/src/config.js'
import { openDb } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { createLogger } from '../backend/src/http/logger.js'
import { createServices } from '../backend/src/services.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The document, parsed; the same on every machine (fixed config, so a fixed `servers` entry). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BETTER_AUTH_SECRET: 'openapi-generator-secret-not-used-for-anything',
    PUBLIC_URL: 'http://localhost:4000',
    DATA_DIR: join(root, 'data'), // nothing is written there: the secret is given and no mail is sent
  })
  const database = await openDb({})
  try {
    await migrate(database)
    const services = await createServices(config, database, createLogger(config.logLevel))
    try {
      const res = await createApp(services).request('/api/openapi.json')
      if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`)
      return (await res.json()) as Record<string, unknown>
    } finally {
      await services.close()
    }
  } finally {
    await database.close()
  }
}

async function main(file: string | undefined) {
  if (!file) throw new Error('usage: tsx scripts/openapi-document.ts <output file>')
  writeFileSync(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv[2]).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
