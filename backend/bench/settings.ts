/** What every benchmark run shares: load, duration, data size, ports and the API's settings. */
import type { Target } from '../testkit/databases.js'

/** Connections per measurement. */
export const CONNECTIONS = 50
/** Seconds per measurement of the abuse bench (BENCH_DURATION_SECONDS). @default 10 */
export const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10)
/** Seconds per measurement of `npm run bench` (BENCH_DURATION_SECONDS), as the issue measured. @default 8 */
export const LOAD_S = Number(process.env.BENCH_DURATION_SECONDS ?? 8)
/** Seconds of the same load before each measurement: JIT, pools, caches. */
export const WARM_UP_S = 2
/** Tasks of other users the listed user's 50 are among. */
export const OTHER_TASKS = 100_000
export const SECRET = 'bench-secret-that-is-at-least-32-characters'

export const API_PORT = 4600
export const BARE_PORT = 4601
export const WEB_PORT = 4602
/** `npm start`'s API port when the benchmark runs npm start's server (WEB_PORT is its web port). */
export const TOGETHER_API_PORT = 4603

/** Beside a load on PGlite: 2 connections polling /healthz, each every 20 ms (about 100 a second). */
export const HEALTHZ_MONITOR = { path: '/healthz', connections: 2, pauseMs: 20 }

/**
 * The environment of an API a benchmark starts: production mode on `target`, no mail server, and
 * sign-ups and task writes as fast as the load sends them (the per-user write rate of decision 020
 * would refuse nearly all of it; `npm run bench -- abuse` measures the limits). `extra` adds to it.
 */
export function benchServerEnv(target: Target, secret: string, extra: Record<string, string>): Record<string, string> {
  return {
    BETTER_AUTH_SECRET: secret,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    MAIL_OUTBOX_IN_PRODUCTION: 'true',
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_TASK_WRITES_PER_MINUTE: '1000000',
    DATA_DIR: target.dataDir,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
    ...extra,
  }
}
