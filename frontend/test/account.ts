/** Fixtures for the account page's sections: sessions and security events shaped like decision 009. */
import type { SecurityEvent, Session } from '@/lib/types'
import { json } from './auth'

export const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
export const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0'

export function session(patch: Partial<Session> & Pick<Session, 'id'>): Session {
  return {
    current: false,
    user_agent: CHROME_LINUX,
    ip_address: '203.0.113.5',
    created_at: '2026-01-02T09:00:00.000Z',
    last_used_at: '2026-01-03T10:00:00.000Z',
    expires_at: '2026-01-10T10:00:00.000Z',
    ...patch,
  }
}

export const SESSIONS: Session[] = [
  session({ id: 's_here', current: true, ip_address: '127.0.0.1' }),
  session({ id: 's_phone', user_agent: SAFARI_IPHONE, ip_address: '198.51.100.7' }),
  session({ id: 's_office', user_agent: FIREFOX_WINDOWS, ip_address: '192.0.2.44' }),
]

export const EVENTS: SecurityEvent[] = [
  {
    id: 'e3',
    action: 'password_changed',
    ip_address: '127.0.0.1',
    user_agent: CHROME_LINUX,
    created_at: '2026-01-03T10:00:00.000Z',
  },
  {
    id: 'e2',
    action: 'signed_in',
    ip_address: '198.51.100.7',
    user_agent: SAFARI_IPHONE,
    created_at: '2026-01-02T09:00:00.000Z',
  },
  { id: 'e1', action: 'signed_up', ip_address: null, user_agent: null, created_at: '2026-01-01T08:00:00.000Z' },
]

/** Routes for stubApi: the account page's lists, answered from the fixtures. */
export const accountRoutes = (sessions: Session[] = SESSIONS, events: SecurityEvent[] = EVENTS) => ({
  'GET /api/me/sessions': () => json(200, { items: sessions }),
  'GET /api/me/events?limit=20': () => json(200, { items: events }),
})
