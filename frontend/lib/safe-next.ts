/**
 * Where to go after signing in. A `?next=` value is followed only when it is a path on this
 * site; anything a browser could read as another origin (`//evil.example`, `/\evil.example`,
 * `https://…`, a tab or newline smuggled in) falls back to the default.
 */
export const DEFAULT_AFTER_AUTH = '/tasks'

const BASE = 'https://taskwell.invalid'

/** The same-site path in `raw`, normalised, or null when it is missing or not safe. */
export function safeNext(raw: string | null | undefined): string | null {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null
  let url: URL
  try {
    url = new URL(raw, BASE)
  } catch {
    return null
  }
  // The URL parser drops tabs and newlines and reads backslashes as slashes, so check what it
  // made of the value, and navigate to exactly that.
  if (url.origin !== BASE) return null
  // Dot segments can collapse into a leading `//` (`/.//evil.example` → `//evil.example`),
  // which a browser would read as another origin.
  if (url.pathname.startsWith('//')) return null
  return `${url.pathname}${url.search}${url.hash}`
}
