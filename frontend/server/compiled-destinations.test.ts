// @vitest-environment node
/**
 * A build that proxies /api by itself (to the address fixed when it was built) is never served:
 * the routes manifest says where such a build would send requests, and server.ts refuses to start
 * on one, whatever API_URL says. No Next build is made here: the refusal comes before Next loads.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { compiledDestinations, isServableBuild } from './compiled-destinations'
import { BUILD_COMPLETE_FILE } from './web-build'

const FRONTEND = fileURLToPath(new URL('..', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * A dist directory holding a BUILD_ID and a routes manifest with these rewrites, as `next build`
 * writes them, and the marker web-build.ts writes last (unless `finished` is false: a build that
 * failed or was killed).
 */
function fakeBuild(rewrites: unknown, finished = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-build-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'BUILD_ID'), 'test-build')
  writeFileSync(join(dir, 'routes-manifest.json'), JSON.stringify({ version: 3, rewrites }))
  if (finished) writeFileSync(join(dir, BUILD_COMPLETE_FILE), 'test-build')
  return dir
}

const BUILT_FOR_PORT_A = {
  beforeFiles: [],
  afterFiles: [{ source: '/api/:path*', destination: 'http://127.0.0.1:4000/api/:path*' }],
  fallback: [],
}

describe('compiledDestinations', () => {
  it("names where a build made with Next's /api rewrite would send requests", () => {
    expect(compiledDestinations(fakeBuild(BUILT_FOR_PORT_A))).toEqual(['http://127.0.0.1:4000/api/:path*'])
    expect(compiledDestinations(fakeBuild([{ source: '/x', destination: 'https://elsewhere.example/x' }]))).toEqual([
      'https://elsewhere.example/x',
    ])
  })

  it('finds none in a build of ours, and none where there is no build', () => {
    const ours = fakeBuild({ beforeFiles: [], afterFiles: [], fallback: [] })
    expect(compiledDestinations(ours)).toEqual([])
    expect(isServableBuild(ours)).toBe(true)
    const empty = mkdtempSync(join(tmpdir(), 'taskwell-nobuild-'))
    dirs.push(empty)
    expect(compiledDestinations(empty)).toEqual([])
    expect(isServableBuild(empty), 'nothing built: npm start builds').toBe(false)
    expect(isServableBuild(fakeBuild(BUILT_FOR_PORT_A)), 'npm start rebuilds it').toBe(false)
  })

  it('a build that never finished (a BUILD_ID but no marker, or a marker of another build) is not servable', () => {
    expect(isServableBuild(fakeBuild([], false)), 'failed or killed: npm start rebuilds it').toBe(false)
    const other = fakeBuild([])
    writeFileSync(join(other, 'BUILD_ID'), 'a later build, killed half-way')
    expect(isServableBuild(other)).toBe(false)
  })
})

describe('server.ts', { timeout: 60_000 }, () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: FRONTEND,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'production', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    })

  it('refuses to serve a build made for the API on port A when started for port B', () => {
    const result = start({ PORT: '0', API_URL: 'http://127.0.0.1:4301', NEXT_DIST_DIR: fakeBuild(BUILT_FOR_PORT_A) })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/proxies to http:\/\/127\.0\.0\.1:4000.*should go to http:\/\/127\.0\.0\.1:4301/)
    expect(result.stderr).toMatch(/npm run build/)
    expect(result.stdout).not.toMatch(/listening/i)
  })

  it('refuses a build that never finished instead of crashing on its missing files', () => {
    const result = start({ PORT: '0', API_URL: 'http://127.0.0.1:4301', NEXT_DIST_DIR: fakeBuild([], false) })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/not a finished build.*npm run build/)
    expect(result.stdout).not.toMatch(/listening/i)
  })

  it('refuses to start without API_URL rather than guess where /api/* goes', () => {
    const result = start({ PORT: '0', NEXT_DIST_DIR: fakeBuild([]) })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/API_URL is not set/)
  })
})
