/**
 * Work that must not hold up the answer to the request that caused it (where waiting would
 * tell the client something, e.g. whether an account exists). It starts once the current
 * request's answer is on its way, failures are logged, and `idle()` (for shutdown and tests)
 * resolves when all of it has finished.
 */
import type { Logger } from 'pino'

export type Background = {
  run(what: string, work: () => Promise<unknown>): void
  idle(): Promise<void>
}

export function createBackground(log: Logger): Background {
  const pending = new Set<Promise<void>>()
  return {
    run(what, work) {
      const task: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, 0))
        .then(work)
        .then(
          () => undefined,
          (err: unknown) => log.error({ err }, `${what} failed`),
        )
        .finally(() => pending.delete(task))
      pending.add(task)
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending)
    },
  }
}
