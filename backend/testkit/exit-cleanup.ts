/** Last-resort clean-up: what a test or tool started must not outlive it. */

const exitCleanups = new Set<() => void>()
let exitHookInstalled = false

function runExitCleanups() {
  for (const cleanup of exitCleanups) {
    try {
      cleanup()
    } catch {
      // best effort: the process is going away
    }
  }
  exitCleanups.clear()
}

/**
 * Runs `fn` (synchronously) if the process exits, or is told to by SIGINT, SIGTERM or SIGHUP,
 * before `unregister` is called. A signal is raised again afterwards, so it still ends the process.
 */
export function onExit(fn: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', runExitCleanups)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        runExitCleanups()
        process.kill(process.pid, signal)
      })
    }
  }
  exitCleanups.add(fn)
  return () => exitCleanups.delete(fn)
}
