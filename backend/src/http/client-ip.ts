/**
 * The real client address: the socket's peer, unless that peer is a trusted proxy,
 * in which case X-Forwarded-For is read right to left, skipping trusted hops.
 * A client-sent X-Forwarded-For through an untrusted path is ignored, so rotating
 * it cannot reset a rate limit. Where a trusted address is shared with others (127.0.0.1 when
 * the web app runs on the same machine), the proxy must also prove itself with a secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './env.js'

/** The header by which the web app's proxy proves itself (TRUSTED_PROXY_SECRET); frontend/server.ts sends it. */
export const PROXY_SECRET_HEADER = 'x-taskwell-proxy-secret'

/**
 * Sets `clientIp`. With `proxySecret`, X-Forwarded-For counts only on requests that carry it in
 * PROXY_SECRET_HEADER: any local process can connect from 127.0.0.1, only the web app knows it.
 */
export function resolveClientIp(
  trustedProxies: readonly string[],
  proxySecret: string | undefined,
): MiddlewareHandler<AppEnv> {
  const clientIp = createClientIpResolver(trustedProxies)
  const fromOurProxy = proxySecret === undefined ? () => true : matchesSecret(proxySecret)
  return async function resolveClientIp(c, next) {
    const forwardedFor = fromOurProxy(c.req.header(PROXY_SECRET_HEADER)) ? c.req.header('x-forwarded-for') : undefined
    c.set('clientIp', clientIp(c.env?.incoming?.socket.remoteAddress, forwardedFor))
    await next()
  }
}

/** Compares digests in constant time, so the answer's timing says nothing about the secret. */
function matchesSecret(secret: string): (sent: string | undefined) => boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  const expected = digest(secret)
  return (sent) => sent !== undefined && timingSafeEqual(digest(sent), expected)
}

export type ClientIpResolver = (socketAddress: string | undefined, forwardedFor: string | undefined) => string

export function createClientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  const trusted = new BlockList()
  for (const entry of trustedProxies) {
    const [ip = '', bits] = entry.split('/')
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) trusted.addAddress(ip, type)
    else trusted.addSubnet(ip, Number(bits), type)
  }
  const isTrusted = (ip: string) => {
    const kind = isIP(ip)
    return kind !== 0 && trusted.check(ip, kind === 6 ? 'ipv6' : 'ipv4')
  }

  return function clientIp(socketAddress, forwardedFor) {
    const peer = normalize(socketAddress ?? 'unknown')
    if (!forwardedFor || !isTrusted(peer)) return peer
    const hops = forwardedFor
      .split(',')
      .map((h) => normalize(h.trim()))
      .filter(Boolean)
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string
      if (!isIP(hop)) return peer // garbage in the chain: fall back to what we know
      if (!isTrusted(hop)) return hop
    }
    return hops[0] ?? peer
  }
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so one client has one key on dual-stack sockets. */
function normalize(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
}

/** An IPv6 address in its one short form (`0000:…:0001` → `::1`, per the URL standard); others as they are. */
export function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip
  // A link-local address may carry its zone (`fe80::1%eth0`), which names a local interface, not
  // the client, and which the URL parser refuses: the address is what stays.
  const address = ip.split('%')[0] as string
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}
