/**
 * Memory per idle stream: one fresh API instance, its RSS before and after `streams` idle streams
 * (spread over the users, at most SYNC_MAX_STREAMS_PER_USER each) all got `ready`, then after a
 * heartbeat went to each, then after they closed; and at those moments what its heap holds after a
 * full garbage collection (gc-probe.ts), which is what the streams keep alive. Also checks what closing must do: the server ended
 * none of them while open, and every slot is free again (a user can open their 10 anew).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Target } from '../../testkit/databases.js'
import type { Holder } from './holder.js'
import { cpuMs, type HeapAfterGc, heapAfterGc, rssBytes, startApi, stopApi, type User } from './servers.js'

/** The server's default SYNC_HEARTBEAT_SECONDS, plus a margin: every stream has had a `: ping`. */
const HEARTBEAT_WAIT_MS = 17_000
const SETTLE_MS = 5_000

export type MemoryResult = {
  streams: number
  users: number
  openMs: number
  refused: Record<string, number>
  rssBeforeMb: number
  rssOpenMb: number
  rssAfterHeartbeatMb: number
  rssClosedMb: number
  perStreamBytes: number
  perStreamAfterHeartbeatBytes: number
  clientPerStreamBytes: number
  endedByServer: number
  reopenedAfterClose: number
  fdLimit: number
  /** The server's CPU while nothing but heartbeats happens, as a share of one core. */
  idleCpuBefore: number
  idleCpuOpen: number
  /** After a full collection: before the streams, with them open, after they closed. */
  gcBefore: HeapAfterGc
  gcOpen: HeapAfterGc
  gcClosed: HeapAfterGc
  /** (heapUsed + external) kept per open stream, after a full collection. */
  retainedPerStreamBytes: number
}

const mb = (bytes: number) => bytes / 2 ** 20

export async function measureMemory(target: Target, holder: Holder, users: User[], streams: number) {
  const who = users.map((u) => ({ userId: u.userId, token: u.sessionToken }))
  const api = await startApi(target, 'the API (memory)', { probe: true })
  try {
    // Warm-up: the stream route's code compiled and its pools filled before the baseline.
    await holder.open(api.base, who.slice(0, 20), 200)
    await holder.close()
    const idleFrom = { at: performance.now(), cpu: cpuMs(api.pid) }
    await sleep(SETTLE_MS)
    const idleCpuBefore = (cpuMs(api.pid) - idleFrom.cpu) / (performance.now() - idleFrom.at)
    const before = rssBytes(api.pid)
    const gcBefore = await heapAfterGc(api)
    const clientBefore = (await holder.open(api.base, who.slice(0, 1), 0)).rssMb

    const opened = await holder.open(api.base, who, streams)
    console.log(
      `  ${opened.ready} streams ready in ${(opened.ms / 1000).toFixed(1)} s, refused ${JSON.stringify(opened.refused)}`,
    )
    await sleep(SETTLE_MS)
    const open = rssBytes(api.pid)
    const openFrom = { at: performance.now(), cpu: cpuMs(api.pid) }
    await sleep(HEARTBEAT_WAIT_MS)
    const idleCpuOpen = (cpuMs(api.pid) - openFrom.cpu) / (performance.now() - openFrom.at)
    const afterHeartbeat = rssBytes(api.pid)
    const gcOpen = await heapAfterGc(api)
    const status = await holder.status()
    await holder.close()
    await sleep(SETTLE_MS)
    const closed = rssBytes(api.pid)
    const gcClosed = await heapAfterGc(api)

    // Every slot free again: the first user may hold SYNC_MAX_STREAMS_PER_USER (10) anew.
    const reopened = await holder.open(api.base, who.slice(0, 1), 10)
    await holder.close()

    const result: MemoryResult = {
      streams: opened.ready,
      users: Math.min(users.length, streams),
      openMs: opened.ms,
      refused: opened.refused,
      rssBeforeMb: mb(before),
      rssOpenMb: mb(open),
      rssAfterHeartbeatMb: mb(afterHeartbeat),
      rssClosedMb: mb(closed),
      perStreamBytes: (open - before) / opened.ready,
      perStreamAfterHeartbeatBytes: (afterHeartbeat - before) / opened.ready,
      clientPerStreamBytes: ((opened.rssMb - clientBefore) * 2 ** 20) / opened.ready,
      endedByServer: status.endedByServer,
      reopenedAfterClose: reopened.ready,
      fdLimit: status.fdLimit,
      idleCpuBefore,
      idleCpuOpen,
      gcBefore,
      gcOpen,
      gcClosed,
      retainedPerStreamBytes:
        (gcOpen.heapUsed + gcOpen.external - gcBefore.heapUsed - gcBefore.external) / opened.ready,
    }
    console.log(
      `  RSS ${result.rssBeforeMb.toFixed(1)} → ${result.rssOpenMb.toFixed(1)} MiB open → ${result.rssAfterHeartbeatMb.toFixed(1)} after a heartbeat → ${result.rssClosedMb.toFixed(1)} closed; ${(result.perStreamBytes / 1024).toFixed(1)} KiB per stream; ended by the server ${result.endedByServer}; reopened ${result.reopenedAfterClose}/10; idle CPU ${(idleCpuBefore * 100).toFixed(1)}% → ${(idleCpuOpen * 100).toFixed(1)}% of a core`,
    )
    const heap = (h: HeapAfterGc) => `heap ${mb(h.heapUsed).toFixed(1)} + external ${mb(h.external).toFixed(1)} MiB`
    console.log(
      `  after a full GC: ${heap(gcBefore)} → ${heap(gcOpen)} open → ${heap(gcClosed)} closed; ${(result.retainedPerStreamBytes / 1024).toFixed(1)} KiB kept per stream`,
    )
    return result
  } finally {
    await stopApi(api)
  }
}
