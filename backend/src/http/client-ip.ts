/**
 * The real client address: the socket's peer, unless that peer is a trusted proxy,
 * in which case X-Forwarded-For is read right to left, skipping trusted hops.
 * A client-sent X-Forwarded-For through an untrusted path is ignored, so rotating
 * it cannot reset a rate limit.
 */
import { BlockList, isIP } from 'node:net'

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
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip
}
