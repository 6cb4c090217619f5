/** The benchmark's side of idle-streams.ts: start it, ask it to open or close streams, stop it. */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { onExit } from '../../testkit/exit-cleanup.js'
import type { Command, Reply, Who } from './idle-streams.js'

const SCRIPT = fileURLToPath(new URL('./idle-streams.ts', import.meta.url))

export type Holder = {
  pid: number
  /** Opens `count` streams over `users`; resolves once each got `ready` or was refused. */
  open(base: string, users: Who[], count: number): Promise<Extract<Reply, { type: 'opened' }>>
  status(): Promise<Extract<Reply, { type: 'status' }>>
  /** Closes every stream it holds (the client leaves). */
  close(): Promise<void>
  stop(): void
}

export function startHolder(): Holder {
  // The parent runs under `node --import tsx`, which fork passes on (execArgv).
  const child: ChildProcess = fork(SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const unregister = onExit(() => child.kill('SIGKILL'))
  child.once('exit', unregister)
  const ask = <T extends Reply['type']>(command: Command, answer: T) =>
    new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        if (reply.type !== answer) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(reply as Extract<Reply, { type: T }>)
      }
      const onExit = (code: number | null) => reject(new Error(`the stream holder exited (${code})`))
      child.on('message', onMessage)
      child.once('exit', onExit)
      child.send(command)
    })
  return {
    pid: child.pid as number,
    open: (base, users, count) => ask({ type: 'open', base, users, count, concurrency: 32 }, 'opened'),
    status: () => ask({ type: 'status' }, 'status'),
    close: async () => {
      await ask({ type: 'close' }, 'closed')
    },
    stop: () => {
      child.disconnect()
    },
  }
}
