/**
 * A live-sync stream through the database outage (API.md "Live sync": database down): an open
 * stream survives it with heartbeats, a stream asked for meanwhile gets 503 with Retry-After, and
 * within 5 s of the database answering again the open stream gets `resync` (`interrupted`),
 * since events may have committed while its instance could not hear them.
 */
import { openSse, type SseStream, streamUrl } from '../../test/sync/sse-reader.js'
import type { Session } from '../http-client.js'
import { round } from '../numbers.js'
import type { Violations } from './measure.js'

/** API.md: "Within 5 s of the database answering again, each stream ... gets resync". */
export const RESYNC_DEADLINE_MS = 5_000
/** The scenario's servers send `: ping` after this much silence, so the outage sees some. */
export const OUTAGE_HEARTBEAT_SECONDS = '1'

const headersOf = (who: Session) => ({ authorization: `Bearer ${who.token}` })

/** A stream of `who` at `base`, past its `ready`. */
export async function watchStream(base: string, who: Session): Promise<SseStream> {
  const stream = await openSse(streamUrl(base, who.userId), { headers: headersOf(who) })
  await stream.next()
  return stream
}

/** Asks for a stream while the database is down: the answer's status and Retry-After. */
export async function streamWhileDown(base: string, who: Session): Promise<{ status: number; retryAfter: string }> {
  const attempt = await openSse(streamUrl(base, who.userId), { headers: headersOf(who), expectOk: false })
  attempt.close()
  return { status: attempt.response.status, retryAfter: attempt.response.headers.get('retry-after') ?? '' }
}

/**
 * Judges the watched stream once the database is back (`times` by performance.now()): returns
 * how long after `tUp` its `resync` (interrupted) came, or NaN.
 */
export async function judgeStreamOutage(
  stream: SseStream,
  whileDown: { status: number; retryAfter: string } | undefined,
  times: { tStop: number; tUp: number },
  violations: Violations,
): Promise<number> {
  let resyncMs = Number.NaN
  try {
    const resync = await stream.waitFor(
      (item) => item.kind === 'event' && item.event.event === 'resync' && item.at >= times.tStop,
      Math.max(0, times.tUp + RESYNC_DEADLINE_MS + 1_000 - performance.now()),
      'resync after the outage',
    )
    if (resync.kind === 'event' && !resync.event.data.includes('"interrupted"')) {
      violations.add(`the stream's resync said ${resync.event.data}, not interrupted`)
    }
    resyncMs = Math.max(0, resync.at - times.tUp)
    if (resyncMs > RESYNC_DEADLINE_MS)
      violations.add(`the stream got resync only ${round(resyncMs)} ms after the database`)
  } catch (err) {
    violations.add(`live sync: ${(err as Error).message}`)
  }
  const pings = stream.items.filter(
    (item) => item.kind === 'comment' && item.at >= times.tStop && item.at <= times.tUp,
  ).length
  if (pings === 0) violations.add('the open stream sent no heartbeat while the database was down')
  if (stream.isEnded()) violations.add(`the open stream ended (${stream.endedHow()}) instead of surviving the outage`)
  if (!whileDown) violations.add('no stream was asked for while the database was down')
  else if (whileDown.status !== 503 || !(Number(whileDown.retryAfter) > 0)) {
    violations.add(
      `a stream asked for while the database was down got ${whileDown.status} (Retry-After "${whileDown.retryAfter}"), not 503 with Retry-After`,
    )
  }
  stream.close()
  return resyncMs
}
