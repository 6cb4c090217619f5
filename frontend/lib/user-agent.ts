/**
 * A session's device in plain words ("Firefox on Windows") from its User-Agent header.
 * Only for recognising your own devices: a User-Agent is whatever the client chose to send.
 */

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: [RegExp, string][] = [
  [/Edg(A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/^curl\//i, 'curl'],
]

const SYSTEMS: [RegExp, string][] = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

const find = (table: [RegExp, string][], ua: string) => table.find(([pattern]) => pattern.test(ua))?.[1]

export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua?.trim()) return 'Unknown device'
  const browser = find(BROWSERS, ua)
  const system = find(SYSTEMS, ua)
  if (browser && system) return `${browser} on ${system}`
  return browser ?? (system ? `A browser on ${system}` : 'An app or script')
}
