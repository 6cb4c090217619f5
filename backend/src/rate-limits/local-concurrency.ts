/**
 * Per-instance concurrency per key (e.g. a user id): at most `running` pieces of work at once
 * for one key, a few more waiting their turn, and anything beyond refused at once. One account
 * then holds at most `running` database connections for the guarded work, whatever it sends.
 */

export class ConcurrencyRefused extends Error {
  constructor() {
    super('too many requests of this kind at once')
  }
}

export type LocalConcurrency = {
  /**
   * Runs `work` when `key` has a free slot. Throws ConcurrencyRefused when `key` already has
   * `running` at work and `waiting` in line, or when `signal` aborts while waiting (the client left).
   */
  run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>
  /** Keys with work running or waiting (for tests: nothing is kept once a key is idle). */
  size(): number
}

type Line = { running: number; queue: (() => void)[] }

export function createLocalConcurrency({ running, waiting }: { running: number; waiting: number }) {
  const lines = new Map<string, Line>()

  const leave = (key: string, line: Line) => {
    const next = line.queue.shift()
    if (next) return next() // the slot passes straight on
    line.running -= 1
    if (line.running === 0) lines.delete(key)
  }

  const concurrency: LocalConcurrency = {
    async run(key, work, signal) {
      let line = lines.get(key)
      if (!line) {
        line = { running: 0, queue: [] }
        lines.set(key, line)
      }
      if (line.running < running) {
        line.running += 1
      } else {
        if (line.queue.length >= waiting) throw new ConcurrencyRefused()
        const current = line
        await new Promise<void>((resolve, reject) => {
          const turn = () => {
            signal?.removeEventListener('abort', gone)
            resolve()
          }
          const gone = () => {
            const at = current.queue.indexOf(turn)
            if (at >= 0) current.queue.splice(at, 1)
            reject(new ConcurrencyRefused())
          }
          if (signal?.aborted) return gone()
          signal?.addEventListener('abort', gone, { once: true })
          current.queue.push(turn)
        })
      }
      try {
        return await work()
      } finally {
        leave(key, line)
      }
    },
    size: () => lines.size,
  }
  return concurrency
}
