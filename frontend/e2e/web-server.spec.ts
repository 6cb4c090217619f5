/**
 * The web app's own server (server.ts) on the real build: /api/* goes to the API it is given
 * when it starts, never to an address fixed when the build was made; pages get HSTS only over
 * https; Next's image optimizer, which could be made to fetch /api/* for a stranger, is off.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import { compiledDestinations } from '../server/compiled-destinations'
import { E2E_API_PORT, E2E_DIST_DIR } from './ports'

const FRONTEND = fileURLToPath(new URL('..', import.meta.url))

test('the build holds no API address: where /api/* goes is decided when the server starts', () => {
  expect(compiledDestinations(join(FRONTEND, E2E_DIST_DIR))).toEqual([])
})

test("Next's image optimizer is off, so it fetches nothing of ours for anyone", async ({ request }) => {
  const res = await request.get('/_next/image?url=%2Fapi%2Fme&w=64&q=75')
  expect(res.status()).toBe(404)
})

test('pages served over http carry no Strict-Transport-Security', async ({ request }) => {
  const res = await request.get('/signin')
  expect(res.status()).toBe(200)
  expect(res.headers()['strict-transport-security']).toBeUndefined()
})

test.describe('a second server from the same build, started for another API', () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = []
  const secret = randomBytes(32).toString('base64url')
  let api: Server
  let web: ChildProcess
  let base = ''

  test.beforeAll(async () => {
    api = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"from":"the API given at start"}')
    })
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    web = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: FRONTEND,
      detached: true, // its own process group, stopped whole below
      stdio: 'ignore',
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        NEXT_DIST_DIR: E2E_DIST_DIR, // the build made for the browser tests' API on E2E_API_PORT
        API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
        PUBLIC_URL: 'https://tasks.example.com',
        TRUSTED_PROXY_SECRET: secret,
      },
    })
    await expect.poll(() => statusOf(`${base}/signin`), { timeout: 20_000 }).toBe(200)
  })

  test.afterAll(async () => {
    if (web?.pid) process.kill(-web.pid, 'SIGTERM')
    await new Promise((resolve) => api?.close(resolve))
  })

  test(`sends /api/* to the API it was started for, not the one on ${E2E_API_PORT} it was built beside`, async () => {
    const res = await fetch(`${base}/api/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery' }),
    })
    expect(await res.json()).toEqual({ from: 'the API given at start' })
    expect(seen.map((s) => s.url)).toEqual(['/api/auth/signin'])
    expect(seen[0]?.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/) // the peer, not the header
    expect(seen[0]?.headers['x-taskwell-proxy-secret']).toBe(secret)
  })

  test('sends Strict-Transport-Security with its pages, being served over https', async () => {
    const res = await fetch(`${base}/signin`)
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/)
  })
})

/** The status of a GET, 0 while nothing answers. */
const statusOf = (url: string) =>
  fetch(url).then(
    (r) => r.status,
    () => 0,
  )

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
