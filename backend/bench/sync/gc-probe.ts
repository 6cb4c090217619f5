/**
 * Loaded into the API process by the memory measurement (`--expose-gc --import`): on SIGUSR2 it
 * collects garbage fully and prints one line with process.memoryUsage(), so what the streams
 * keep alive (the heap after a full collection) is told apart from garbage not yet collected and
 * heap the process has grown and not handed back (both in RSS). Nothing in src/ is changed.
 */
export const PROBE_LINE = 'sync-bench-memory '

const collect = (globalThis as { gc?: () => void }).gc
process.on('SIGUSR2', () => {
  collect?.()
  collect?.() // a second pass takes what the first one's finalizers let go
  process.stdout.write(`${PROBE_LINE}${JSON.stringify({ collected: Boolean(collect), ...process.memoryUsage() })}\n`)
})
