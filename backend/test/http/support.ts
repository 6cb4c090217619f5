/**
 * Helpers of the HTTP convention tests: a POST of any body, a request whose body is written
 * later, a TCP server that never answers, console capture, and the server-process environment.
 */
import http from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import type { TestApp } from '../support/harness.js'

export const APP_ORIGIN = 'https://app.example.com'
export const EVIL_ORIGIN = 'https://evil.example'
export const KIB = 1024
/** POSTs to `t` any body, with the content type given (none when left out) and any other headers. */
export function rawPost(t: TestApp) {
  return (path: string, body: BodyInit, contentType?: string, headers: Record<string, string> = {}) =>
    t.fetch(path, {
      method: 'POST',
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
      body,
    })
}
/** The environment for a spawned server: ours, minus what would confuse it. */
export function serverEnv(env: Record<string, string>): Record<string, string> {
  const { NODE_TEST_CONTEXT: _, DATABASE_URL: __, PORT: ___, ...rest } = process.env
  const ours = Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined)
  return { ...Object.fromEntries(ours), LOG_LEVEL: 'warn', ...env }
}
/** A POST whose body the caller writes when it likes; `response` settles once it is answered. */
export function startRequest(port: number, agent: http.Agent, path: string, body: string) {
  let resolveResponse: (r: { status: number; text: string }) => void = () => {}
  let rejectResponse: (err: Error) => void = () => {}
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    resolveResponse = resolve
    rejectResponse = reject
  })
  const req = http.request(
    {
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
      })
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, text }))
    },
  )
  req.on('error', rejectResponse)
  req.flushHeaders()
  return { write: (s: string) => req.write(s), end: (s: string) => req.end(s), response }
}

/** A TCP server that accepts connections and never says a word, like a hung database. */
export async function startBlackHole(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/** Collects console output (e.g. Better Auth's logger) until the returned function is called. */
export function captureConsole(into: string[]): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const saved = methods.map((m) => console[m])
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      into.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    }
  }
  return () => {
    methods.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m]
    })
  }
}

export function cookieValues(setCookie: string): string[] {
  return [...setCookie.matchAll(/session_token=([^;]+)/g)].map((m) => decodeURIComponent(m[1] as string))
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
