import { isIP } from 'node:net'
import { canonicalIp } from '../http/client-ip.js'

/**
 * Who a rate limit counts: an IPv4 address, or the /64 network of an IPv6 address (what one
 * customer is usually given, so rotating addresses within it gains nothing).
 */
export function rateLimitSubject(ip: string): string {
  if (isIP(ip) !== 6) return ip
  const [head = '', tail] = canonicalIp(ip).split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return `${groups.slice(0, 4).join(':')}::/64`
}
