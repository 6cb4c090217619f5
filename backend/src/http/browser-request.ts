/**
 * Whether a request comes from a web browser (decision 017). Every current browser sends
 * `Sec-Fetch-Site` with every request (Chrome 76, Firefox 90, Safari 16.4), and `Origin` with
 * every script's POST; page scripts can neither set nor remove those headers (forbidden header
 * names), so a script cannot pass its browser off as another client. `Sec-Fetch-Mode` alone
 * proves nothing: Node's own fetch sends it.
 */
export function isBrowserRequest(headers: Headers): boolean {
  return headers.has('sec-fetch-site') || headers.has('origin')
}
