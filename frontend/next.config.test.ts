// @vitest-environment node
/**
 * What a build carries (next.config.ts): no API address in a production build, whose /api proxy
 * is our server's, decided at start (server/api-proxy.ts); `next dev` proxies by itself; no image
 * optimizer that could be made to fetch /api/* for a stranger.
 */
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD, PHASE_PRODUCTION_SERVER } from 'next/constants'
import { describe, expect, it } from 'vitest'
import nextConfig, { DEV_PROXY_TIMEOUT_MS } from './next.config'

describe('next.config', () => {
  it('compiles no /api rewrite into a production build, so a build never decides where passwords go', async () => {
    for (const phase of [PHASE_PRODUCTION_BUILD, PHASE_PRODUCTION_SERVER]) {
      expect(await nextConfig(phase).rewrites?.(), phase).toEqual([])
    }
  })

  it('lets `next dev` proxy /api/* to API_URL, read as it starts', async () => {
    const rewrites = (await nextConfig(PHASE_DEVELOPMENT_SERVER).rewrites?.()) as { destination: string }[]
    expect(rewrites.map((r) => r.destination)).toEqual([`${process.env.API_URL ?? 'http://127.0.0.1:4000'}/api/:path*`])
  })

  it("gives `next dev`'s /api proxy an idle timeout longer than a live-sync stream's longest quiet spell (a 60 s heartbeat)", () => {
    expect(nextConfig(PHASE_DEVELOPMENT_SERVER).experimental?.proxyTimeout).toBe(DEV_PROXY_TIMEOUT_MS)
    expect(DEV_PROXY_TIMEOUT_MS).toBeGreaterThan(60_000)
  })

  it('turns the image optimizer off (no page uses next/image)', () => {
    expect(nextConfig(PHASE_PRODUCTION_BUILD).images?.unoptimized).toBe(true)
  })
})
