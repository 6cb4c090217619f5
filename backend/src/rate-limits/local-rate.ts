/**
 * Per-instance rate limits held in memory: a token bucket per key (e.g. a user id) that holds
 * `perMinute` tokens and gains them back at `perMinute` a minute. A person gets their whole
 * minute's allowance at once; a script flooding for longer gets `perMinute / 60` a second.
 *
 * Why memory and not the database counters of `counters.ts`: these limits guard the task API's
 * hot path, where one more write per request would cost every honest request what the limit is
 * meant to save (docs/benchmarks.md, "Abuse"). The price: each instance counts on its own, so
 * behind a load balancer spreading one client over N instances the allowance is up to N times
 * larger. That is a bound on abuse, not an exact quota; the exact one is the task quota.
 */

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number }

export type LocalRateLimit = {
  /** Uses one token of `key`'s bucket, or says how long until one is back. */
  take(key: string): Take
}

export type LocalRateLimitOptions = {
  perMinute: number
  /** Buckets kept at most; the least recently used are dropped first (they refill anyway). @default 100000 */
  maxKeys?: number
  /** The clock, in ms (tests move it). @default Date.now */
  now?: () => number
}

type Bucket = { tokens: number; at: number }

export function createLocalRateLimit({ perMinute, maxKeys = 100_000, now = Date.now }: LocalRateLimitOptions) {
  const perMs = perMinute / 60_000
  // Insertion order is recency order: a key used again moves to the end, the oldest go first.
  const buckets = new Map<string, Bucket>()

  const limit: LocalRateLimit = {
    take(key) {
      const time = now()
      const bucket = buckets.get(key)
      let tokens = perMinute
      if (bucket) {
        buckets.delete(key)
        tokens = Math.min(perMinute, bucket.tokens + Math.max(0, time - bucket.at) * perMs)
      }
      const ok = tokens >= 1
      if (ok) tokens -= 1
      buckets.set(key, { tokens, at: time })
      while (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value as string
        buckets.delete(oldest)
      }
      return ok ? { ok } : { ok, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) }
    },
  }
  return limit
}
