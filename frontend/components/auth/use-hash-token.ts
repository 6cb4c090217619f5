'use client'

/**
 * The token of an emailed link (`/reset-password#token=…`, decision 009). It travels in the
 * fragment so no server log or Referer sees it; once read, it is taken out of the address bar
 * (and so out of history and anything copied from it). A link opened in a tab already on the
 * page only changes the fragment, so later fragments are read too.
 * `undefined` until read after mount, then the token or `null` when the link has none.
 */
import { useEffect, useState } from 'react'

export function useHashToken(): string | null | undefined {
  const [token, setToken] = useState<string | null>()
  useEffect(() => {
    function read() {
      const found = new URLSearchParams(window.location.hash.slice(1)).get('token')
      if (found) window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`)
      // No token now keeps the one read before (Strict Mode runs this effect twice).
      setToken((current) => found || (current ?? null))
    }
    read()
    window.addEventListener('hashchange', read)
    return () => window.removeEventListener('hashchange', read)
  }, [])
  return token
}
