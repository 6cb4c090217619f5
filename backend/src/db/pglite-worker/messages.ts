/** What the API's thread and the database's thread (thread.ts) say to each other. */
export type ThreadOptions = { dataDir: string | undefined }

export type Request = { id: number } & (
  | {
      kind: 'query'
      text: string
      params?: unknown[] | undefined
      rowMode?: 'array' | 'object' | undefined
      /** Type OIDs to hand back as their text. */
      rawTypes?: number[] | undefined
    }
  | { kind: 'exec'; text: string }
  /** Relays the channel's notifications to the API's thread (as `Notification`s), from now on. */
  | { kind: 'listen'; channel: string }
  | { kind: 'close' }
)

/** A NOTIFY the database's thread received on a channel it listens to (id-less: nobody waits for it). */
export type Notification = { kind: 'notification'; channel: string; payload: string }

/** `id` 0 answers the start-up: ready, or why not. */
export type Response = {
  id: number
  result?: unknown
  error?: {
    message: string
    code?: string | undefined
    constraint?: string | undefined
    table?: string | undefined
    column?: string | undefined
  }
}
