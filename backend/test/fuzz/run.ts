/**
 * How the fuzz tests run: FUZZ_RUNS runs per property, FUZZ_SEED to replay a failure,
 * and the marker of every email a fuzz file makes.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'

export const RUNS = Number(process.env.FUZZ_RUNS ?? 100)
export const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
/** Part of every email this file makes, so its users can be found (and told from others'). */
export const RUN = randomUUID().slice(0, 8)
/** Stands for a number unique to each request in generated emails. */
export const FRESH = '~fresh~'

/** Runs a property `numRuns` times, after the hand-picked `examples` (which always run). */
export function fuzz<T>(property: fc.IAsyncProperty<T>, numRuns = RUNS, examples: T[] = []): Promise<void> {
  return fc.assert(property, {
    numRuns,
    examples,
    includeErrorInReport: true,
    ...(SEED === undefined ? {} : { seed: SEED }),
  })
}
