/**
 * The sign-up and sign-in limits of API.md, applied the same way by our seed routes and
 * by Better Auth's own `sign-up/email` and `sign-in/email` (Better Auth's limiter is off:
 * it counts every request, not failures, and cannot see the socket address), and the mail
 * limits of decision 009.
 */
import { setTimeout } from 'node:timers/promises'
import type { Config } from '../config.js'
import { HttpError, tooManyRequests } from '../http/problem.js'
import { DEVICE_COOKIE_MAX_AGE_SECONDS } from '../identity/device-cookie.js'
import { limitKey, type RateLimiter } from './counters.js'
import { rateLimitSubject } from './subject.js'

const HOUR = 3600
const FIFTEEN_MINUTES = 900
const DAY = 86_400

export type SigninAttempt = {
  /** Call when the password was right: it was not a failure after all. */
  succeeded(): Promise<void>
}

/** Who is signing in, as the sign-in limits see it. */
export type SigninClient = {
  ip: string
  /**
   * The device id of a valid device cookie the client holds for the account it signs in to
   * (identity/device-cookie.ts): the account's own browser, held to the device's failure count
   * rather than the account's.
   */
  device?: string
}

export type AuthLimits = {
  /** Counts a sign-up attempt from `ip`; throws 429 when over the limit. */
  signup(ip: string): Promise<void>
  /**
   * A password sign-in to `email`, counted as a failure up front (so parallel guesses cannot slip
   * past) with the client's sign-ins, before any password hashing (decision 018):
   * - per client IP (failures, and all sign-ins) and per account from that client IP: 429 over
   *   either, after the tarpit;
   * - from a client without the account's device cookie, per account: past the per-client limit
   *   each attempt first waits a pause that doubles with each failure (capped), and over the
   *   daily ceiling it is 429;
   * - from the account's own device: per device instead (failures in a row); a device over that
   *   count is a client like any other.
   */
  signin(client: SigninClient, email: string): Promise<void>
  /** The password of a sign-in counted by `signin` was right: it was not a failure after all. */
  signinSucceeded(client: SigninClient, email: string): Promise<void>
  /**
   * A sign-in with no password step (a passkey) from `ip`: counted with the client's sign-ins
   * before anything is checked; 429 over the limit. (A TOTP sign-in was counted at its password step.)
   */
  sessionStart(ip: string): Promise<void>
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
   * A request for a `kind` of mail to `email` from `ip`: throws 429 over the client's limit, and
   * otherwise says whether to send it: at most a few mails per address (and kind) per window,
   * counted whether or not an account uses `email`. Past that the request is answered as any
   * other and sends nothing, so strangers can neither fill an inbox nor use up the owner's own
   * requests (the last mail sent, under a window no longer than a link's life, still works).
   */
  mail(kind: 'verification' | 'reset', ip: string, email: string): Promise<boolean>
  /**
   * A TOTP or recovery code about to be checked for `userId`: counted as a failure up front,
   * per account (15 minutes and a day) and with the client's sign-in failures; 429 over any.
   * Only a right code (`succeeded`) clears the account's counts, never a right password.
   */
  secondFactor(ip: string, userId: string): Promise<SigninAttempt>
  /**
   * A sign-in step that names no account until it is checked (an `mfa_token`, a passkey):
   * counted with the client's sign-in failures up front; 429 over the limit.
   */
  clientSigninStep(ip: string): Promise<SigninAttempt>
  /** Counts a request for passkey sign-in options from `ip`; 429 over the limit. */
  passkeyOptions(ip: string): Promise<void>
}

export type SigninDelays = {
  /** How long a refused sign-in waits before its 429 (the tarpit), in ms. */
  refusalMs: number
  /** The pause of a much-failed account for clients without its device cookie, in ms. */
  account: { firstMs: number; maxMs: number }
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
/**
 * How long this instance answers a block from memory before it asks the database again: a
 * success on another instance (the owner signing in) takes the counts back there, and this
 * instance must not keep refusing the account until the window ends.
 */
const BLOCK_RECHECK_MS = 1_000

export function createAuthLimits(limiter: RateLimiter, limits: Config['rateLimits'], delays: SigninDelays): AuthLimits {
  // A key over its limit stays over it until its window ends: only a successful sign-in takes
  // counts back, and a blocked sign-in never reaches the password check. So a flood of refused
  // attempts is answered from memory instead of costing the database two writes each — for a
  // second at a time, then the database is asked again (a success on another instance clears
  // the counts there; one here clears the memory at once).
  const blockedUntil = new Map<string, { until: number; recheckAt: number }>()
  const refuseIfBlocked = (...keys: string[]) => {
    const now = Date.now()
    let until = 0
    for (const key of keys) {
      const block = blockedUntil.get(key)
      if (block && block.recheckAt > now) until = Math.max(until, block.until)
    }
    if (until > now) throw tooManyRequests((until - now) / 1000)
  }
  // Pauses (the tarpit, an account's growing delay) hold a timer, not work, but each held
  // request costs memory: at most a few per client address, and a bounded number in all.
  const pausedByIp = new Map<string, number>()
  let pausedInAll = 0
  /** Waits `ms` unless too many requests are paused already; false when it did not wait. */
  const pause = async (ip: string, ms: number): Promise<boolean> => {
    const paused = pausedByIp.get(ip) ?? 0
    if (paused >= MAX_PAUSED_PER_IP || pausedInAll >= MAX_PAUSED) return false
    pausedByIp.set(ip, paused + 1)
    pausedInAll++
    try {
      await setTimeout(ms)
    } finally {
      pausedInAll--
      const left = (pausedByIp.get(ip) ?? 1) - 1
      if (left > 0) pausedByIp.set(ip, left)
      else pausedByIp.delete(ip)
    }
    return true
  }
  // A tarpit: a refused sign-in is answered only after a pause. Guessing tools send their next
  // request when the last is answered, so each of their connections gets about one answer per
  // pause instead of thousands per second of the CPU honest users need (decision 004). A
  // client that does not wait (pipelining, many connections) finds at most a few refusals of
  // its address paused at once; the rest are answered at once and their connection closed.
  const refuseSignin = async (ip: string, refusal: () => void) => {
    try {
      refusal()
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      if (!(await pause(ip, delays.refusalMs))) closeConnection(err)
      throw err
    }
  }
  const block = (key: string, retryAfterSeconds: number) => {
    if (blockedUntil.size >= BLOCKED_CACHE_SIZE) {
      const now = Date.now()
      for (const [k, block] of blockedUntil) if (Math.min(block.until, block.recheckAt) <= now) blockedUntil.delete(k)
      if (blockedUntil.size >= BLOCKED_CACHE_SIZE) return // still full: fall back to the database
    }
    const now = Date.now()
    blockedUntil.set(key, { until: now + retryAfterSeconds * 1000, recheckAt: now + BLOCK_RECHECK_MS })
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
  /** The growing pause of an account that `failures` sign-ins failed (0 below the per-client limit). */
  const accountDelayMs = (failures: number) => {
    const over = failures - limits.signinFailuresPerAccount
    return over > 0 ? Math.min(delays.account.firstMs * 2 ** (over - 1), delays.account.maxMs) : 0
  }

  return {
    async signup(ip) {
      const key = limitKey('signup-ip', rateLimitSubject(ip))
      refuseIfBlocked(key)
      const wait = await hitEach(HOUR, [key, limits.signupPerHour])
      if (wait > 0) throw tooManyRequests(wait)
    },

    async mail(kind, ip, email) {
      const ipKey = limitKey('mail-ip', rateLimitSubject(ip))
      refuseIfBlocked(ipKey)
      const wait = await hitEach(HOUR, [ipKey, limits.emailPerIp])
      if (wait > 0) throw tooManyRequests(wait)
      const addressKey = limitKey(`mail-${kind}-address`, normalised(email))
      const sent = await limiter.hit(addressKey, limits.emailPerAddressWindowSeconds)
      return sent.count <= limits.emailPerAddress
    },

    async refuseBlockedSigninIp(ip) {
      await refuseSignin(ip, () => refuseIfBlocked(signinIpKey(ip)))
    },

    async signin({ ip, device }, email) {
      const clientChecks: [string, number][] = [
        [signinIpKey(ip), limits.signinFailuresPerIp],
        [signinsKey(ip), limits.signinsPerIp],
      ]
      await refuseSignin(ip, () => refuseIfBlocked(...clientChecks.map(([key]) => key)))
      if (device && (await deviceStillTrusted(device))) {
        const wait = await hitEach(FIFTEEN_MINUTES, ...clientChecks)
        await refuseSignin(ip, () => {
          if (wait > 0) throw tooManyRequests(wait)
        })
        return
      }
      const pairKey = signinAccountClientKey(email, ip)
      const dayKey = signinAccountDayKey(email)
      await refuseSignin(ip, () => refuseIfBlocked(pairKey, dayKey))
      const [wait, dayWait, account] = await Promise.all([
        hitEach(FIFTEEN_MINUTES, ...clientChecks, [pairKey, limits.signinFailuresPerAccount]),
        hitEach(DAY, [dayKey, limits.signinFailuresPerAccountPerDay]),
        limiter.hit(signinAccountKey(email), FIFTEEN_MINUTES),
      ])
      await refuseSignin(ip, () => {
        if (Math.max(wait, dayWait) > 0) throw tooManyRequests(Math.max(wait, dayWait))
      })
      // Many clients failed this account lately: slow each new one down rather than lock the
      // account, so its owner on a new device still gets in, only later (decision 018).
      const delayMs = accountDelayMs(account.count)
      if (delayMs > 0 && !(await pause(ip, delayMs))) {
        throw closeConnection(tooManyRequests(Math.max(1, Math.ceil(delayMs / 1000))))
      }
    },

    async signinSucceeded({ ip, device }, email) {
      const keys = [signinAccountClientKey(email, ip), signinAccountDayKey(email), signinAccountKey(email)]
      if (device) keys.push(signinDeviceKey(device))
      for (const key of [...keys, signinIpKey(ip)]) blockedUntil.delete(key)
      await Promise.all([...keys.map((key) => limiter.reset(key)), limiter.undo(signinIpKey(ip))])
    },

    async sessionStart(ip) {
      const key = signinsKey(ip)
      await refuseSignin(ip, () => refuseIfBlocked(key))
      const wait = await hitEach(FIFTEEN_MINUTES, [key, limits.signinsPerIp])
      await refuseSignin(ip, () => {
        if (wait > 0) throw tooManyRequests(wait)
      })
    },

    async reauthenticate(ip, userId) {
      const accountKey = limitKey('reauth-fail-user', userId)
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
      return {
        async succeeded() {
          blockedUntil.delete(accountKey)
          blockedUntil.delete(ipKey)
          await Promise.all([limiter.reset(accountKey), limiter.undo(ipKey)])
        },
      }
    },

    async secondFactor(ip, userId) {
      const ipKey = signinIpKey(ip)
      const shortKey = limitKey('mfa-fail-account', userId)
      const dayKey = limitKey('mfa-fail-account-day', userId)
      refuseIfBlocked(shortKey, dayKey, ipKey)
      const [short, day, client] = await Promise.all([
        hitEach(FIFTEEN_MINUTES, [shortKey, limits.mfaFailuresPerAccount]),
        hitEach(DAY, [dayKey, limits.mfaFailuresPerAccountPerDay]),
        hitEach(FIFTEEN_MINUTES, [ipKey, limits.signinFailuresPerIp]),
      ])
      const wait = Math.max(short, day, client)
      if (wait > 0) throw tooManyRequests(wait)
      return {
        async succeeded() {
          for (const key of [shortKey, dayKey, ipKey]) blockedUntil.delete(key)
          await Promise.all([limiter.reset(shortKey), limiter.reset(dayKey), limiter.undo(ipKey)])
        },
      }
    },

    async clientSigninStep(ip) {
      const ipKey = signinIpKey(ip)
      refuseIfBlocked(ipKey)
      const wait = await hitEach(FIFTEEN_MINUTES, [ipKey, limits.signinFailuresPerIp])
      if (wait > 0) throw tooManyRequests(wait)
      return {
        async succeeded() {
          blockedUntil.delete(ipKey)
          await limiter.undo(ipKey)
        },
      }
    },

    async passkeyOptions(ip) {
      const key = limitKey('passkey-options-ip', rateLimitSubject(ip))
      refuseIfBlocked(key)
      const wait = await hitEach(FIFTEEN_MINUTES, [key, limits.passkeyOptionsPerIp])
      if (wait > 0) throw tooManyRequests(wait)
    },

    async forgetSigninFailures(email) {
      const keys = [signinAccountKey(email), signinAccountDayKey(email)]
      for (const key of keys) blockedUntil.delete(key)
      await Promise.all(keys.map((key) => limiter.reset(key)))
    },
  }

  /**
   * Counts a password check against a device up front; whether the device still counts as the
   * account's own. A device cookie is worth this many wrong passwords in a row and no more, so a
   * stolen one gives a bounded number of guesses; its owner's next success starts it afresh.
   */
  async function deviceStillTrusted(device: string): Promise<boolean> {
    const hit = await limiter.hit(signinDeviceKey(device), DEVICE_COOKIE_MAX_AGE_SECONDS)
    return hit.count <= limits.signinFailuresPerAccount
  }
}

/** Asks the client to close its connection, so one that does not wait for answers loses what it queued. */
function closeConnection(err: HttpError): HttpError {
  err.extras.headers = { ...err.extras.headers, Connection: 'close' }
  return err
}

const normalised = (email: string) => email.trim().toLowerCase()
/** Failures of an account from every client without its device cookie (the growing pause). */
const signinAccountKey = (email: string) => limitKey('signin-fail-account', normalised(email))
/** The same, per 24 hours (the ceiling). */
const signinAccountDayKey = (email: string) => limitKey('signin-fail-account-day', normalised(email))
/** Failures of an account from one client address. */
const signinAccountClientKey = (email: string, ip: string) =>
  limitKey('signin-fail-account-client', `${normalised(email)}\u0000${rateLimitSubject(ip)}`)
/** Failures in a row of one device cookie (its random id). */
const signinDeviceKey = (device: string) => limitKey('signin-fail-device', device)
const signinIpKey = (ip: string) => limitKey('signin-fail-ip', rateLimitSubject(ip))
/** Every sign-in attempt and every session a second step starts, from one client address. */
const signinsKey = (ip: string) => limitKey('signin-ip', rateLimitSubject(ip))
