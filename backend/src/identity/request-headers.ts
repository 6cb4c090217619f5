/** What our routes hand to `auth.api.*` about the request, and the cookies they clear. */
import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { USER_AGENT_MAX_LENGTH } from '../audit/request-origin.js'
import type { AppEnv } from '../http/env.js'
import type { Auth } from './better-auth.js'
import { deviceCookiesOnly } from './device-cookie.js'

/** Set by our server from the socket (and trusted proxies); any client-sent value is overwritten. */
export const CLIENT_IP_HEADER = 'x-taskwell-client-ip'

/**
 * Headers for `auth.api.*`: the resolved client IP and user agent (for the session record)
 * and, when given, the session to act as; otherwise the client's device cookies, which choose
 * the failure counts a sign-in is held to (device-cookie.ts). Never the session cookie.
 */
export function forwarded(c: Context<AppEnv>, sessionToken?: string): Headers {
  const headers = new Headers()
  headers.set(CLIENT_IP_HEADER, c.var.clientIp)
  const userAgent = c.req.header('user-agent')
  if (userAgent) headers.set('user-agent', userAgent.slice(0, USER_AGENT_MAX_LENGTH))
  if (sessionToken) headers.set('authorization', `Bearer ${sessionToken}`)
  else {
    const devices = deviceCookiesOnly(c.req.header('cookie'))
    if (devices) headers.set('cookie', devices)
  }
  return headers
}

/** Expires every Better Auth cookie in the browser (sign-out, account deletion). */
export async function clearAuthCookies(c: Context<AppEnv>, auth: Auth) {
  const { authCookies } = await auth.$context
  for (const cookie of Object.values(authCookies)) {
    const { name, attributes } = cookie as {
      name: string
      attributes: { secure?: boolean; path?: string }
    }
    setCookie(c, name, '', {
      path: attributes.path ?? '/',
      secure: attributes.secure ?? false,
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: 0,
      expires: new Date(0),
    })
  }
}
