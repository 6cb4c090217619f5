/**
 * Helpers of the rate-limit tests (API.md "Rate limits"): the lowered limits, requests from
 * a client IP of their own (through the trusted proxy, or from a socket address), fresh accounts.
 */

import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import http from 'node:http'
import { freshIp } from '../support/clients.js'
import { STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/harness.js'

export const LIMITS = {
  RATE_LIMIT_SIGNUP_PER_HOUR: '3',
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3',
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '5',
}
export const BEHIND_PROXY = { ...LIMITS, TRUSTED_PROXIES: '127.0.0.1,::1' }

/** A loopback address other than 127.0.0.1 (all of 127/8 reaches a server on 127.0.0.1 on Linux). */
export const freshLoopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`

export type Route = 'seed' | 'better-auth'

/**
 * Requests from one client, seen by the app as `ip` through the trusted proxy 127.0.0.1.
 * Better Auth requests carry the app's Origin, as a browser page would: Node's fetch sends
 * `Sec-Fetch-Mode: cors`, for which Better Auth's CSRF check requires a trusted Origin.
 */
export function client(t: TestApp, ip: string) {
  const headers = { 'x-forwarded-for': ip }
  const baHeaders = { ...headers, origin: t.config.publicUrl }
  return {
    signup(email: string, via: Route = 'seed', password = STRONG_PASSWORD) {
      return via === 'seed'
        ? t.post('/api/auth/signup', { email, password }, { headers })
        : t.post('/api/auth/sign-up/email', { email, password, name: 'Rate Test' }, { headers: baHeaders })
    },
    signin(email: string, password: string, via: Route = 'seed') {
      return via === 'seed'
        ? t.post('/api/auth/signin', { email, password }, { headers })
        : t.post('/api/auth/sign-in/email', { email, password }, { headers: baHeaders })
    },
  }
}

/** A new account, created from an address of its own so it costs no test its sign-up budget. */
export async function newAccount(t: TestApp): Promise<string> {
  const email = uniqueEmail('rl')
  const res = await client(t, freshIp()).signup(email)
  assert.equal(res.status, 201, await res.text())
  return email
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string }

/** POSTs JSON from the socket address `localAddress`, with a different X-Forwarded-For each time. */
export function fromPeer(t: TestApp, localAddress: string, path: string, body: unknown): Promise<RawResponse> {
  const url = new URL(path, t.url)
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-forwarded-for': freshIp(),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Whether a client socket can use `address` as its source address here. */
export function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = http.createServer((_, res) => res.end())
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      const req = http.get({ host: '127.0.0.1', port, localAddress: address, agent: false }, (res) => {
        res.resume()
        res.on('end', () => server.close(() => resolve(true)))
      })
      req.on('error', () => server.close(() => resolve(false)))
    })
  })
}
