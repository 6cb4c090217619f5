/**
 * Production runs the API compiled (backend/dist) on plain node: `npm run start:api` with
 * NODE_ENV=production loads no TypeScript file, no tsx and no esbuild — a loader hook that refuses
 * them is installed before it starts — and serves a sign-up and the task API. A build that is
 * unfinished or older than the sources is refused, not run.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../backend/testkit/free-port.js'
import { API, buildProblem, compile } from './compiled.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'taskwell-compiled-api-'))
const started: ChildProcess[] = []

/** Loaded with --import before the launcher: any TypeScript file, tsx or esbuild fails the start. */
const GUARD = join(scratch, 'no-typescript.mjs')
writeFileSync(
  join(scratch, 'no-typescript-hooks.mjs'),
  String.raw`export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  if (/\/node_modules\/(tsx|esbuild|@esbuild)\//.test(result.url) || /\.[cm]?tsx?$/.test(new URL(result.url).pathname))
    throw new Error('loaded at run time: ' + result.url)
  return result
}
`,
)
writeFileSync(GUARD, "import { register } from 'node:module'\nregister('./no-typescript-hooks.mjs', import.meta.url)\n")

async function startApi() {
  const port = await freePort()
  const dataDir = join(scratch, `data-${port}`)
  mkdirSync(dataDir)
  const child = spawn(process.execPath, ['--import', GUARD, 'scripts/start-api.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BETTER_AUTH_SECRET: 'compiled-api-test-secret-0123456789abcdef',
      MAIL_OUTBOX_IN_PRODUCTION: 'true',
      LOG_LEVEL: 'warn',
    },
  })
  started.push(child)
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, port, exited, output: () => output }
}

after(() => {
  for (const child of started) child.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

describe('the compiled API', { timeout: 240_000 }, () => {
  before(() => {
    assert.equal(compile(API), 0, 'npm run build compiles the API')
  })

  it('runs on plain node in production: no TypeScript, tsx or esbuild loaded, and it serves', async () => {
    assert.equal(buildProblem(API), undefined)
    const api = await startApi()
    const base = `http://127.0.0.1:${api.port}`
    for (let i = 0; ; i++) {
      if (api.child.exitCode !== null) assert.fail(`the API exited (${api.child.exitCode}):\n${api.output()}`)
      const ready = await fetch(`${base}/readyz`).catch(() => undefined)
      if (ready?.status === 200) break
      assert.ok(i < 300, `not ready in 30 s:\n${api.output()}`)
      await sleep(100)
    }
    const signup = await fetch(`${base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'compiled@example.com', password: 'correct horse battery staple' }),
    })
    assert.equal(signup.status, 201, api.output())
    const { user, token } = (await signup.json()) as { user: { id: string }; token: string }
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const created = await fetch(`${base}/api/${user.id}/tasks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'compiled' }),
    })
    assert.equal(created.status, 201)
    const list = (await (await fetch(`${base}/api/${user.id}/tasks`, { headers: auth })).json()) as {
      items: { title: string }[]
    }
    assert.deepEqual(
      list.items.map((t) => t.title),
      ['compiled'],
    )
    assert.doesNotMatch(api.output(), /loaded at run time/)
    api.child.kill('SIGTERM')
    assert.equal(await api.exited, 0, 'drains and exits on SIGTERM')
  })

  it('refuses a build older than the sources, or unfinished, instead of running it', async () => {
    const marker = join(API.dir, API.out, 'build-info.json')
    const finished = readFileSync(marker, 'utf8')
    try {
      writeFileSync(marker, JSON.stringify({ sourceDigest: 'of sources since changed' }))
      const stale = await startApi()
      assert.equal(await stale.exited, 1)
      assert.match(stale.output(), /backend\/dist was built from other sources.*npm run build/)
      rmSync(marker)
      const unfinished = await startApi()
      assert.equal(await unfinished.exited, 1)
      assert.match(unfinished.output(), /backend\/dist holds no finished build.*npm run build/)
    } finally {
      writeFileSync(marker, finished)
    }
  })
})
