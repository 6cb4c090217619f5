/**
 * What the scenarios give their servers: the environment, and how much memory one uses.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export const SECRET = 'reliability-secret-that-is-at-least-32-characters'
/** Resident set size of a process in bytes (Linux /proc, else `ps`). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
    if (kb) return Number(kb) * 1024
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024
}

/** The environment every scenario gives its servers. */
export function serverEnv(extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // No mail server in the scenarios: mail goes to the outbox, as in development.
    MAIL_OUTBOX_IN_PRODUCTION: 'true',
    BETTER_AUTH_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '1000000',
    // The scenarios write and read as fast as they can to find lost work, not to be limited.
    RATE_LIMIT_TASK_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_TASK_SEARCHES_PER_MINUTE: '1000000',
    ...extra,
  }
}
