/**
 * Numbers for the reliability report: the clock, medians, milliseconds and MiB.
 */
export const now = () => performance.now()

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const round = (ms: number) => Math.round(ms)
export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
