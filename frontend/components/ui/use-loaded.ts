'use client'

/**
 * The one way a component loads something from the API: on mount, again whenever one of `deps`
 * changes, and on `reload()` ("Try again"). The last value stays while a new load runs; a load
 * overtaken by another is aborted and never lands. `load` null waits (e.g. no user yet).
 */
import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react'
import { type ApiError, asApiError } from '@/lib/api'

export type Loaded<T> = {
  /** The last value loaded, or null before the first. */
  data: T | null
  /** The latest load's failure (anything but an ApiError reads as a generic one); cleared by a success. */
  error: ApiError | undefined
  loading: boolean
  setData: Dispatch<SetStateAction<T | null>>
  reload(): void
}

export function useLoaded<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<ApiError>()
  const [loading, setLoading] = useState(load !== null)
  // Whether any load has ended, so the render between `load` arriving and its effect starting
  // it (a user signed in a moment ago) reads as loading, not as "loaded, and empty".
  const [settled, setSettled] = useState(false)
  const [attempt, setAttempt] = useState(0)
  const latest = useRef(load)
  latest.current = load
  const waiting = load === null

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's `deps` and `attempt` are the triggers; `load` is read fresh.
  useEffect(() => {
    const run = latest.current
    if (!run) return
    const controller = new AbortController()
    setLoading(true)
    run(controller.signal)
      .then((loaded) => {
        if (controller.signal.aborted) return
        setData(() => loaded)
        setError(undefined)
        setLoading(false)
        setSettled(true)
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return
        setError(asApiError(err))
        setLoading(false)
        setSettled(true)
      })
    return () => controller.abort()
  }, [waiting, attempt, ...deps])

  return { data, error, loading: loading || (!waiting && !settled), setData, reload: () => setAttempt((n) => n + 1) }
}
