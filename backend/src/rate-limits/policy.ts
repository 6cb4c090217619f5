/**
 * The sign-up and sign-in limits of API.md, applied the same way by our seed routes and
 * by Better Auth's own `sign-up/email` and `sign-in/email` (Better Auth's limiter is off:
 * it counts every request, not failures, and cannot see the socket address), and the mail
 * limits of decision 009.
 */
import { setTimeout } from 'node:timers/promises'
import type { Config } from '../config.js'
import { HttpError, tooManyRequests } from '../http/problem.js'
import { limitKey, type RateLimiter } from './counters.js'
import { rateLimitSubject } from './subject.js'

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
  signin(ip: string, email: string): Promise<void>
  /** The password of a sign-in counted by `signin` was right: it was not a failure after all. */
  signinSucceeded(ip: string, email: string): Promise<void>
  /** Throws 429, from memory, when `ip` is known to be over its sign-in failure limit. */
  refuseBlockedSigninIp(ip: string): Promise<void>
  /**
   * Like `signin`, for a signed-in user confirming their password (password change, account
   * deletion): counted per user, apart from sign-in failures, so strangers failing to sign in
   * as someone cannot lock them out of their own account page; the per-IP count is shared.
   */
  reauthenticate(ip: string, userId: string): Promise<SigninAttempt>
  /** Forgets an account's sign-in failures (its password was just reset). */
  forgetSigninFailures(email: string): Promise<void>
  /**
   * Counts a request for a `kind` of mail to `email` from `ip`; throws 429 over either limit.
   * Counted whether or not an account uses `email`, so a 429 reveals nothing; each kind has its
   * own count per address, so asking for one cannot use up the other.
   */
  mail(kind: 'verification' | 'reset', ip: string, email: string): Promise<void>
}

/**
 * Refused sign-ins that may wait in the tarpit at the same time, per client address and in
 * all: enough for a flood over many connections to be paused, few enough that paused requests
 * (tens of KB each) cannot fill memory.
 */
const MAX_PAUSED_PER_IP = 32
const MAX_PAUSED = 2_000
/** Keys this instance has seen over their limit, remembered locally at most this many. */
const BLOCKED_CACHE_SIZE = 10_000

export function createAuthLimits(
  limiter: RateLimiter,
  limits: Config['rateLimits'],
  /** How long a refused sign-in waits before its 429 (see `refuseSignin`). */
  signinRefusalDelayMs: number,
): AuthLimits {
  // A key over its limit stays over it until its window ends: only a successful sign-in takes
  // counts back, and a blocked sign-in never reaches the password check. So a flood of refused
  // attempts is answered from memory instead of costing the database two writes each. (A
  // success that raced the block clears it here; other instances keep theirs until it ends.)
  const blockedUntil = new Map<string, number>()
  const refuseIfBlocked = (...keys: string[]) => {
    const now = Date.now()
    const until = Math.max(...keys.map((key) => blockedUntil.get(key) ?? 0))
    if (until > now) throw tooManyRequests((until - now) / 1000)
  }
  // A tarpit: a refused sign-in is answered only after a pause. Guessing tools send their next
  // request when the last is answered, so each of their connections gets about one answer per
  // pause instead of thousands per second of the CPU honest users need (decision 004). A
  // client that does not wait (pipelining, many connections) finds at most a few refusals of
  // its address paused at once; the rest are answered at once and their connection closed.
  const pausedByIp = new Map<string, number>()
  let pausedInAll = 0
  const refuseSignin = async (ip: string, refusal: () => void) => {
    try {
      refusal()
    } catch (err) {
      const paused = pausedByIp.get(ip) ?? 0
      if (paused >= MAX_PAUSED_PER_IP || pausedInAll >= MAX_PAUSED || !(err instanceof HttpError)) {
        if (err instanceof HttpError) err.extras.headers = { ...err.extras.headers, Connection: 'close' }
        throw err
      }
      pausedByIp.set(ip, paused + 1)
      pausedInAll++
      try {
        await setTimeout(signinRefusalDelayMs)
      } finally {
        pausedInAll--
        const left = (pausedByIp.get(ip) ?? 1) - 1
        if (left > 0) pausedByIp.set(ip, left)
        else pausedByIp.delete(ip)
      }
      throw err
    }
  }
  const block = (key: string, retryAfterSeconds: number) => {
    if (blockedUntil.size >= BLOCKED_CACHE_SIZE) {
      const now = Date.now()
      for (const [k, until] of blockedUntil) if (until <= now) blockedUntil.delete(k)
      if (blockedUntil.size >= BLOCKED_CACHE_SIZE) return // still full: fall back to the database
    }
    blockedUntil.set(key, Date.now() + retryAfterSeconds * 1000)
  }
  /**
   * Counts a hit on each `[key, limit]` in a window; remembers the keys now over their limit
   * and returns the longest wait among them (0: none is over).
   */
  const hitEach = async (windowSeconds: number, ...checks: [key: string, limit: number][]): Promise<number> => {
    const hits = await Promise.all(checks.map(([key]) => limiter.hit(key, windowSeconds)))
    let wait = 0
    checks.forEach(([key, limit], i) => {
      const hit = hits[i]
      if (hit && hit.count > limit) {
        block(key, hit.retryAfterSeconds)
        wait = Math.max(wait, hit.retryAfterSeconds)
      }
    })
    return wait
  }

  return {
    async signup(ip) {
      const key = limitKey('signup-ip', rateLimitSubject(ip))
      refuseIfBlocked(key)
      const wait = await hitEach(HOUR, [key, limits.signupPerHour])
      if (wait > 0) throw tooManyRequests(wait)
    },

    async mail(kind, ip, email) {
      const addressKey = limitKey(`mail-${kind}-address`, email.trim().toLowerCase())
      const ipKey = limitKey('mail-ip', rateLimitSubject(ip))
      refuseIfBlocked(addressKey, ipKey)
      const wait = await hitEach(HOUR, [addressKey, limits.emailPerAddress], [ipKey, limits.emailPerIp])
      if (wait > 0) throw tooManyRequests(wait)
    },

    async refuseBlockedSigninIp(ip) {
      await refuseSignin(ip, () => refuseIfBlocked(signinIpKey(ip)))
    },

    async signin(ip, email) {
      await passwordAttempt(ip, signinAccountKey(email))
    },

    signinSucceeded: (ip, email) => forgive(ip, signinAccountKey(email)),

    reauthenticate: (ip, userId) => passwordAttempt(ip, limitKey('reauth-fail-user', userId)),

    async forgetSigninFailures(email) {
      const accountKey = signinAccountKey(email)
      blockedUntil.delete(accountKey)
      await limiter.reset(accountKey)
    },
  }

  /** A password check counted as a failure up front, against `accountKey` and the client. */
  async function passwordAttempt(ip: string, accountKey: string): Promise<SigninAttempt> {
    const ipKey = signinIpKey(ip)
    await refuseSignin(ip, () => refuseIfBlocked(accountKey, ipKey))
    const wait = await hitEach(
      FIFTEEN_MINUTES,
      [accountKey, limits.signinFailuresPerAccount],
      [ipKey, limits.signinFailuresPerIp],
    )
    await refuseSignin(ip, () => {
      if (wait > 0) throw tooManyRequests(wait)
    })
    return { succeeded: () => forgive(ip, accountKey) }
  }

  /** Takes back a password check counted up front by `passwordAttempt`: the password was right. */
  async function forgive(ip: string, accountKey: string): Promise<void> {
    const ipKey = signinIpKey(ip)
    blockedUntil.delete(accountKey)
    blockedUntil.delete(ipKey)
    await Promise.all([limiter.reset(accountKey), limiter.undo(ipKey)])
  }
}

const signinAccountKey = (email: string) => limitKey('signin-fail-account', email.trim().toLowerCase())
const signinIpKey = (ip: string) => limitKey('signin-fail-ip', rateLimitSubject(ip))
