/**
 * The sign-up and sign-in limits of API.md, applied the same way by our seed routes and
 * by Better Auth's own `sign-up/email` and `sign-in/email` (Better Auth's limiter is off:
 * it counts every request, not failures, and cannot see the socket address).
 */
import type { Config } from '../config.js'
import { tooManyRequests } from '../http/problem.js'
import { limitKey, type RateLimiter } from './rate-limit.js'

const HOUR = 3600
const FIFTEEN_MINUTES = 900

export type SigninAttempt = {
  /** Call when the password was right: it was not a failure after all. */
  succeeded(): Promise<void>
}

export type AuthLimits = {
  /** Counts a sign-up attempt from `ip`; throws 429 when over the limit. */
  signup(ip: string): Promise<void>
  /**
   * Counts a sign-in as a failure up front (so parallel guesses cannot slip past the
   * limit) and throws 429, before any password hashing, when either limit is exceeded.
   */
  signin(ip: string, email: string): Promise<SigninAttempt>
}

export function createAuthLimits(limiter: RateLimiter, limits: Config['rateLimits']): AuthLimits {
  return {
    async signup(ip) {
      const hit = await limiter.hit(limitKey('signup-ip', ip), HOUR)
      if (hit.count > limits.signupPerHour) throw tooManyRequests(hit.retryAfterSeconds)
    },

    async signin(ip, email) {
      const accountKey = limitKey('signin-fail-account', email.trim().toLowerCase())
      const ipKey = limitKey('signin-fail-ip', ip)
      const [account, client] = await Promise.all([
        limiter.hit(accountKey, FIFTEEN_MINUTES),
        limiter.hit(ipKey, FIFTEEN_MINUTES),
      ])
      const blocked = [
        account.count > limits.signinFailuresPerAccount ? account.retryAfterSeconds : 0,
        client.count > limits.signinFailuresPerIp ? client.retryAfterSeconds : 0,
      ]
      if (Math.max(...blocked) > 0) throw tooManyRequests(Math.max(...blocked))
      return {
        async succeeded() {
          await Promise.all([limiter.reset(accountKey), limiter.undo(ipKey)])
        },
      }
    },
  }
}
