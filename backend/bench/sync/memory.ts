/**
 * Memory per idle stream: one fresh API instance, its RSS before and after `streams` idle streams
 * (spread over the users, at most SYNC_MAX_STREAMS_PER_USER each) all got `ready`, then after a
 * heartbeat went to each, then after they closed. Also checks what closing must do: the server ended
 * none of them while open, and every slot is free again (a user can open their 10 anew).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Target } from '../../testkit/databases.js'
import type { Holder } from './holder.js'
import { rssBytes, startApi, stopApi, type User } from './servers.js'

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
}

const mb = (bytes: number) => bytes / 2 ** 20

export async function measureMemory(target: Target, holder: Holder, users: User[], streams: number) {
  const who = users.map((u) => ({ userId: u.userId, token: u.sessionToken }))
  const api = await startApi(target, 'the API (memory)')
  try {
    // Warm-up: the stream route's code compiled and its pools filled before the baseline.
    await holder.open(api.base, who.slice(0, 20), 200)
    await holder.close()
    await sleep(SETTLE_MS)
    const before = rssBytes(api.pid)
    const clientBefore = (await holder.open(api.base, who.slice(0, 1), 0)).rssMb

    const opened = await holder.open(api.base, who, streams)
    console.log(
      `  ${opened.ready} streams ready in ${(opened.ms / 1000).toFixed(1)} s, refused ${JSON.stringify(opened.refused)}`,
    )
    await sleep(SETTLE_MS)
    const open = rssBytes(api.pid)
    await sleep(HEARTBEAT_WAIT_MS)
    const afterHeartbeat = rssBytes(api.pid)
    const status = await holder.status()
    await holder.close()
    await sleep(SETTLE_MS)
    const closed = rssBytes(api.pid)

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
    }
    console.log(
      `  RSS ${result.rssBeforeMb.toFixed(1)} → ${result.rssOpenMb.toFixed(1)} MiB open → ${result.rssAfterHeartbeatMb.toFixed(1)} after a heartbeat → ${result.rssClosedMb.toFixed(1)} closed; ${(result.perStreamBytes / 1024).toFixed(1)} KiB per stream; ended by the server ${result.endedByServer}; reopened ${result.reopenedAfterClose}/10`,
    )
    return result
  } finally {
    await stopApi(api)
  }
}
