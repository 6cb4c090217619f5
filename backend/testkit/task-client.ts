/**
 * The task API of API.md ("Task API") over HTTP, for one signed-in user: the one client the
 * tests, the benchmark and the reliability tool share. It says which request to send; the
 * caller's `send` says how (fetch, or a timed node:http request) and what comes back.
 */

/** Whose tasks: the path names the user, the bearer access token proves it. */
export type TaskOwner = { userId: string; token: string }

/** A list query; an array repeats the parameter (`tag=a&tag=b`). */
export type TaskQuery = Record<string, string | number | string[]>

/** One request: a JSON `body` unless undefined; `options` pass through to the transport. */
export type Send<R, O = undefined> = (
  method: string,
  path: string,
  request: { token: string; body?: unknown; options?: O },
) => Promise<R>

export function queryString(query: TaskQuery): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
  }
  return params.toString()
}

/** `/api/{user_id}/tasks`, `/api/{user_id}/tasks/{id}`, or a route below it. */
export function taskPath(owner: Pick<TaskOwner, 'userId'>, id?: string, below = ''): string {
  return `/api/${owner.userId}/tasks${id === undefined ? '' : `/${id}`}${below}`
}

export function taskClient<R, O = undefined>(send: Send<R, O>, owner: TaskOwner) {
  const { token } = owner
  return {
    owner,
    path: (id?: string, below = '') => taskPath(owner, id, below),
    create: (input: Record<string, unknown>, options?: O) =>
      send('POST', taskPath(owner), { token, body: input, options }),
    list: (query: TaskQuery = {}, options?: O) => {
      const qs = queryString(query)
      return send('GET', `${taskPath(owner)}${qs ? `?${qs}` : ''}`, { token, options })
    },
    read: (id: string, options?: O) => send('GET', taskPath(owner, id), { token, options }),
    /** PUT: every editable field, omitted ones back to their defaults. */
    replace: (id: string, input: Record<string, unknown>, options?: O) =>
      send('PUT', taskPath(owner, id), { token, body: input, options }),
    /** PATCH: only the given fields. */
    update: (id: string, patch: Record<string, unknown>, options?: O) =>
      send('PATCH', taskPath(owner, id), { token, body: patch, options }),
    /** PATCH /complete: toggles with no body, sets with `{ completed }`. */
    complete: (id: string, body?: { completed: boolean }, options?: O) =>
      send('PATCH', taskPath(owner, id, '/complete'), { token, body, options }),
    delete: (id: string, options?: O) => send('DELETE', taskPath(owner, id), { token, options }),
  }
}

export type TaskClient<R, O = undefined> = ReturnType<typeof taskClient<R, O>>

/** A `Send` over fetch to `baseUrl`; `options` are extra request headers. */
export function fetchSend(baseUrl: string): Send<Response, Record<string, string>> {
  return (method, path, { token, body, options = {} }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    return fetch(baseUrl + path, {
      method,
      headers: { ...headers, ...options },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }
}

/** The task client over fetch to `baseUrl`. */
export function fetchTaskClient(baseUrl: string, owner: TaskOwner) {
  return taskClient(fetchSend(baseUrl), owner)
}

/** Creates a task and returns its JSON; throws unless the answer is 201. */
export async function createTaskOk<T = { id: string }>(
  client: TaskClient<Response, Record<string, string>>,
  input: Record<string, unknown>,
): Promise<T> {
  const res = await client.create(input)
  if (res.status !== 201) throw new Error(`create task: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}
