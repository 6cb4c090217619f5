/**
 * Client IP resolution (README "TRUSTED_PROXIES") and who a rate limit counts: pure functions,
 * no app or database.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rateLimitSubject } from '../rate-limits/subject.js'
import { canonicalIp, createClientIpResolver } from './client-ip.js'

describe('createClientIpResolver', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    assert.equal(createClientIpResolver([])('127.0.0.1', '203.0.113.5'), '127.0.0.1')
    const resolve = createClientIpResolver(['10.0.0.1'])
    assert.equal(resolve('192.0.2.9', '203.0.113.5'), '192.0.2.9')
    assert.equal(resolve('192.0.2.9', '10.0.0.1, 203.0.113.5'), '192.0.2.9')
  })

  it('uses the socket address when there is no X-Forwarded-For', () => {
    const resolve = createClientIpResolver(['10.0.0.1'])
    assert.equal(resolve('10.0.0.1', undefined), '10.0.0.1')
    assert.equal(resolve('203.0.113.5', ''), '203.0.113.5')
  })

  it('behind trusted proxies, takes the rightmost hop that is not trusted', () => {
    const resolve = createClientIpResolver(['10.0.0.1', '10.0.0.2'])
    assert.equal(resolve('10.0.0.1', '203.0.113.5'), '203.0.113.5')
    // The client may prepend anything; only hops our proxies appended count.
    assert.equal(resolve('10.0.0.1', '198.51.100.1, 203.0.113.5, 10.0.0.2'), '203.0.113.5')
    assert.equal(resolve('10.0.0.1', '198.51.100.1,203.0.113.5'), '203.0.113.5')
    // Every hop trusted: the leftmost is the best we know.
    assert.equal(resolve('10.0.0.1', '10.0.0.2, 10.0.0.1'), '10.0.0.2')
  })

  it('trusts CIDR blocks, IPv4 and IPv6', () => {
    const resolve = createClientIpResolver(['10.0.0.0/8', 'fd00::/8'])
    assert.equal(resolve('10.20.30.40', '203.0.113.5, 10.1.1.1'), '203.0.113.5')
    assert.equal(resolve('fd12::1', '2001:db8::7'), '2001:db8::7')
    assert.equal(resolve('11.0.0.1', '203.0.113.5'), '11.0.0.1', 'outside the block')
    assert.equal(resolve('fe80::1', '2001:db8::7'), 'fe80::1', 'outside the IPv6 block')
  })

  it('does not let garbage hops pick the address', () => {
    const resolve = createClientIpResolver(['10.0.0.1'])
    // Garbage the client put in front of its real address is never reached.
    assert.equal(resolve('10.0.0.1', 'garbage, 203.0.113.5'), '203.0.113.5')
    // Garbage where an address must be: fall back to the peer, never to a client-chosen value.
    assert.equal(resolve('10.0.0.1', 'not-an-ip'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', '203.0.113.5, <script>'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', '203.0.113.5:4711'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', ' , ,203.0.113.5, '), '203.0.113.5')
  })

  it('treats ::ffff:-mapped IPv4 as the plain IPv4 address', () => {
    const resolve = createClientIpResolver(['127.0.0.1'])
    assert.equal(resolve('::ffff:203.0.113.9', undefined), '203.0.113.9')
    assert.equal(resolve('::ffff:127.0.0.1', '203.0.113.5'), '203.0.113.5', 'a mapped trusted peer is trusted')
    assert.equal(resolve('127.0.0.1', '::ffff:198.51.100.4'), '198.51.100.4', 'a mapped hop')
    assert.equal(createClientIpResolver(['::ffff:10.0.0.1'])('10.0.0.1', '203.0.113.5'), '203.0.113.5')
  })
})

describe('canonicalIp', () => {
  it('writes an IPv6 address in its one short form', () => {
    assert.equal(canonicalIp('0000:0000:0000:0000:0000:0000:0000:0001'), '::1')
    assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:7'), '2001:db8::7')
    assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1', 'a zone names an interface, not the client')
    assert.equal(canonicalIp('FE80:0:0:0:0:0:0:1%25'), 'fe80::1')
  })

  it('leaves IPv4 addresses and non-addresses as they are', () => {
    assert.equal(canonicalIp('203.0.113.5'), '203.0.113.5')
    assert.equal(canonicalIp('unknown'), 'unknown')
  })
})

describe('rateLimitSubject', () => {
  it('counts an IPv4 address on its own', () => {
    assert.equal(rateLimitSubject('203.0.113.5'), '203.0.113.5')
    assert.notEqual(rateLimitSubject('203.0.113.5'), rateLimitSubject('203.0.113.6'))
  })

  it('counts an IPv6 address by its /64 network, so rotating within it gains nothing', () => {
    assert.equal(rateLimitSubject('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(rateLimitSubject('2001:db8:1:2::9'), rateLimitSubject('2001:db8:1:2:ffff:ffff:ffff:ffff'))
    assert.notEqual(rateLimitSubject('2001:db8:1:2::1'), rateLimitSubject('2001:db8:1:3::1'))
  })

  it('expands :: and ignores how the address was written', () => {
    assert.equal(rateLimitSubject('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(rateLimitSubject('::1'), '0:0:0:0::/64')
    assert.equal(rateLimitSubject('2001:0DB8:0000:0001::1'), '2001:db8:0:1::/64')
  })
})
