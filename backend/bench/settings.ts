/** What every benchmark run shares: load, duration, data size and the app's secret. */

/** autocannon connections per measurement. */
export const CONNECTIONS = 50
/** Seconds per measurement (BENCH_DURATION_SECONDS). @default 10 */
export const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10)
/** Tasks of other users the listed user's 50 are among. */
export const OTHER_TASKS = 100_000
export const SECRET = 'bench-secret-that-is-at-least-32-characters'
