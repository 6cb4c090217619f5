// @vitest-environment node
/**
 * The web server's /api proxy against real HTTP servers standing in for the API (and for a
 * stranger listening where an API used to be): where requests go, what they carry, what the
 * browser gets back.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiProxy, isApiPath, PROXY_SECRET_HEADER } from './api-proxy'
import { createWebServer } from './web-server'

type Seen = { method: string; url: string; headers: IncomingHttpHeaders; body: string }

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

async function listen(server: Server): Promise<string> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** An API that records what reached it and answers with two cookies and a JSON body. */
async function fakeApi(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      res.writeHead(201, [
        ['Content-Type', 'application/json'],
        ['Set-Cookie', 'a=1; HttpOnly'],
        ['Set-Cookie', 'b=2; HttpOnly'],
        ['Connection', 'close'],
      ])
      res.end(JSON.stringify({ ok: true }))
    })
  })
  return { url: await listen(server), seen }
}

/** The web server in front of `apiUrl`, with a page handler that says which it answered. */
async function webServer(apiUrl: string, secret?: string, publicUrl = 'http://localhost:3000'): Promise<string> {
  return listen(
    createWebServer({
      pages: (_req, res) => res.end('a page'),
      api: createApiProxy({ target: apiUrl, secret }),
      publicUrl,
    }),
  )
}

describe('isApiPath', () => {
  it('is /api, below it, or with a query; nothing that merely starts with the letters', () => {
    for (const url of ['/api', '/api/', '/api/me', '/api?x=1', '/api/auth/signin?next=%2F'])
      expect(isApiPath(url)).toBe(true)
    for (const url of ['/', '/apis', '/api-docs', '/signin', '/_next/image?url=/api/me', undefined])
      expect(isApiPath(url)).toBe(false)
  })
})

describe('the /api proxy', () => {
  it('sends each request to the API it was started with, never to one that listened there before', async () => {
    const before = await fakeApi() // say, port A: where a stale build would send requests
    const now = await fakeApi() // port B: the API_URL given at start
    const web = await webServer(now.url)
    const res = await fetch(`${web}/api/auth/signin?next=%2Ftasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'session=s3cret' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse' }),
    })
    expect(res.status).toBe(201)
    expect(before.seen).toEqual([])
    expect(now.seen).toHaveLength(1)
    const [seen] = now.seen
    expect(seen?.method).toBe('POST')
    expect(seen?.url).toBe('/api/auth/signin?next=%2Ftasks')
    expect(seen?.body).toBe('{"email":"ada@example.com","password":"correct horse"}')
    expect(seen?.headers.cookie).toBe('session=s3cret')
    expect(seen?.headers.host).toBe(new URL(now.url).host)
  })

  it('answers with the status, every cookie and the body, without the hop-by-hop headers', async () => {
    const api = await fakeApi()
    const res = await fetch(`${await webServer(api.url)}/api/me`)
    expect(res.status).toBe(201)
    expect(res.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; HttpOnly'])
    expect(await res.json()).toEqual({ ok: true })
  })

  it("sets X-Forwarded-For to the peer and adds the secret, dropping the client's own of both", async () => {
    const api = await fakeApi()
    const web = await webServer(api.url, 'the-proxy-secret-0123456789abcdefghijklmnop')
    await fetch(`${web}/api/me`, {
      headers: { 'x-forwarded-for': '203.0.113.9', [PROXY_SECRET_HEADER]: 'guessed' },
    })
    const headers = api.seen[0]?.headers ?? {}
    expect(headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(headers[PROXY_SECRET_HEADER]).toBe('the-proxy-secret-0123456789abcdefghijklmnop')
  })

  it('without a secret, sends none, whatever the client sent', async () => {
    const api = await fakeApi()
    await fetch(`${await webServer(api.url)}/api/me`, { headers: { [PROXY_SECRET_HEADER]: 'guessed' } })
    expect(api.seen[0]?.headers[PROXY_SECRET_HEADER]).toBeUndefined()
  })

  it('answers 502 with a problem document when the API is not listening', async () => {
    const gone = await listen(createServer())
    await new Promise((resolve) => servers.pop()?.close(resolve))
    const res = await fetch(`${await webServer(gone)}/api/me`)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ status: 502, title: 'Bad Gateway' })
  })

  it('streams a large body through and keeps the connection usable', async () => {
    const api = await fakeApi()
    const web = await webServer(api.url)
    const body = 'x'.repeat(300_000)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${web}/api/tasks`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      for (let i = 0; i < body.length; i += 65_536) req.write(body.slice(i, i + 65_536)) // chunked
      req.end()
    })
    expect(status).toBe(201)
    expect(api.seen[0]?.body.length).toBe(body.length)
    expect(api.seen[0]?.headers['transfer-encoding']).toBe('chunked')
  })
})

/**
 * An API with one live-sync stream: headers and `ready` at once, then each event written when the
 * test says (`send`), and the end when it says (`end`); always with the API's SSE headers.
 */
async function fakeStreamApi() {
  let stream: ServerResponse | null = null
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    })
    res.write('retry: 2000\n\nevent: ready\nid: 1\ndata: {"heartbeat_seconds":15}\n\n')
    stream = res
  })
  const url = await listen(server)
  return {
    url,
    send: (text: string) => stream?.write(text),
    end: () => stream?.end(),
  }
}

/** Reads a proxied response chunk by chunk: `next()` resolves with what has arrived since the last call, as soon as anything has. */
function readChunks(url: string, headers: Record<string, string>) {
  const received: string[] = []
  let wake: (() => void) | null = null
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        received.push(chunk)
        wake?.()
      })
      res.on('close', () => wake?.())
      resolve(res)
    })
    req.on('error', reject)
    req.end()
  })
  return {
    answer,
    async next(): Promise<string> {
      if (received.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      wake = null
      return received.splice(0).join('')
    },
  }
}

describe('the /api proxy and a live-sync stream', () => {
  it('passes each event on as it is written, not at the end, and never compressed', async () => {
    const api = await fakeStreamApi()
    const web = await webServer(api.url)
    const reader = readChunks(`${web}/api/u1/events/stream`, {
      accept: 'text/event-stream',
      'accept-encoding': 'gzip, deflate, br',
    })
    const res = await reader.answer
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers['content-length']).toBeUndefined()
    // The API has written only `ready` and keeps the stream open: it must be here already.
    expect(await reader.next()).toContain('event: ready\nid: 1\n')
    api.send('event: task.deleted\nid: 2\ndata: {"id":"t1"}\n\n')
    expect(await reader.next()).toBe('event: task.deleted\nid: 2\ndata: {"id":"t1"}\n\n')
    api.send(': ping\n\n')
    expect(await reader.next()).toBe(': ping\n\n')
    api.end()
  })

  it('does not time a stream out once it has answered, however long between events', async () => {
    const api = await fakeStreamApi()
    // A proxy that gives the API 100 ms to answer: a normal request quiet for longer is cut (504).
    const web = await listen(
      createWebServer({
        pages: (_req, res) => res.end('a page'),
        api: createApiProxy({ target: api.url, timeoutMs: 100 }),
        publicUrl: 'http://localhost:3000',
      }),
    )
    const reader = readChunks(`${web}/api/u1/events/stream`, { accept: 'text/event-stream' })
    expect(await reader.next()).toContain('event: ready')
    await new Promise((resolve) => setTimeout(resolve, 400)) // four timeouts of silence
    api.send('event: tasks.changed\nid: 3\ndata: {}\n\n')
    expect(await reader.next()).toBe('event: tasks.changed\nid: 3\ndata: {}\n\n')
    api.end()
  })
})

describe('the web server', () => {
  it('sends Strict-Transport-Security with pages when PUBLIC_URL is https, leaving /api to the API', async () => {
    const api = await fakeApi()
    const web = await webServer(api.url, undefined, 'https://tasks.example.com')
    const page = await fetch(`${web}/signin`)
    expect(await page.text()).toBe('a page')
    expect(page.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/)
    const proxied = await fetch(`${web}/api/me`)
    expect(proxied.headers.get('strict-transport-security')).toBeNull() // the API's own headers only
  })

  it('never sends Strict-Transport-Security over http (development on localhost)', async () => {
    const api = await fakeApi()
    const page = await fetch(`${await webServer(api.url)}/signin`)
    expect(page.headers.get('strict-transport-security')).toBeNull()
  })
})
