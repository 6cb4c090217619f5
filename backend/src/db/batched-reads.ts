/**
 * Many small reads of the same kind as one query: requests that ask while a read is in flight
 * wait for the next one, which asks for all their keys at once (`where key = any($1)`).
 *
 * Under load every request to a cached task list starts with a one-row lookup; fifty of them
 * in flight cost fifty round trips and fifty turns of the driver. Batched, they cost one.
 *
 * Never stale: a caller joins only a read that has not been sent yet, so every read it gets
 * was sent after it asked, and sees every write committed before that. (Joining the read
 * already in flight would be faster and wrong: it may have been sent before a write that was
 * acknowledged before this caller arrived.)
 */
export type BatchedRead<K, V> = (key: K) => Promise<V>

export function batchedReads<K, V>(
  readMany: (keys: K[]) => Promise<Map<K, V>>,
  /** The value of a key the read did not return. */
  absent: V,
): BatchedRead<K, V> {
  type Batch = { keys: Set<K>; result: Promise<Map<K, V>>; send: () => void }
  let waiting: Batch | undefined
  let inFlight = false

  const newBatch = (): Batch => {
    const keys = new Set<K>()
    let send!: () => void
    const result = new Promise<Map<K, V>>((resolve, reject) => {
      send = () => {
        inFlight = true
        readMany([...keys])
          .then(resolve, reject)
          .finally(() => {
            inFlight = false
            sendWaiting()
          })
      }
    })
    return { keys, result, send }
  }

  function sendWaiting() {
    const batch = waiting
    if (!batch || inFlight) return
    waiting = undefined
    batch.send()
  }

  return (key) => {
    if (!waiting) {
      waiting = newBatch()
      // Callers of this same turn join before it is sent; later ones wait for the read in flight.
      if (!inFlight) queueMicrotask(sendWaiting)
    }
    waiting.keys.add(key)
    return waiting.result.then((values) => (values.has(key) ? (values.get(key) as V) : absent))
  }
}
