/**
 * The task list while 16 connections flood sign-in with wrong passwords: argon2id runs on the
 * thread pool and the flood is throttled with 429s, so honest users are not starved. The flood
 * stays on autocannon whatever the generator: it only has to keep the server busy.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { measure } from '../load.js'
import { LOAD_S } from '../settings.js'
import type { Scenario } from './context.js'

export const flood: Scenario = {
  key: 'flood',
  server: 'api',
  runsOn: () => true,
  async run({ api, reader, list }) {
    const signins = autocannon({
      url: `${api.base}/api/auth/signin`,
      connections: 16,
      duration: LOAD_S + 2,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `victim-${reader.user.id}@example.com`, password: 'wrong password guess' }),
    })
    await sleep(1000)
    const result = await measure('task list during a sign-in flood', api.base, [list], { warmUp: false })
    const f = await signins
    console.log(`    flood: ${f.requests.total} sign-ins, ${f.non2xx} refused (401 or 429)`)
    return { ...result, flood: { total: f.requests.total, rejected: f.non2xx } }
  },
}
