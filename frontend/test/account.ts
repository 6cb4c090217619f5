/** Fixtures for the account page's sections: sessions and security events shaped like decision 009, second factors and passkeys like API.md. */
import type { Passkey, RecoveryCodes, SecurityEvent, Session, TotpEnrolment, TwoFactorStatus } from '@/lib/types'
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

export const TOTP_OFF: TwoFactorStatus = {
  totp_enabled: false,
  totp_enabled_at: null,
  recovery_codes_remaining: 0,
  passkey_count: 0,
}

export const TOTP_ON: TwoFactorStatus = {
  totp_enabled: true,
  totp_enabled_at: '2026-01-04T08:00:00.000Z',
  recovery_codes_remaining: 10,
  passkey_count: 0,
}

export const ENROLMENT: TotpEnrolment = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  otpauth_uri:
    'otpauth://totp/Taskwell:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Taskwell&algorithm=SHA1&digits=6&period=30',
  expires_at: '2099-01-01T00:10:00.000Z',
}

export const RECOVERY_CODES: RecoveryCodes = Array.from({ length: 10 }, (_, i) => `code${i}-${String(i).repeat(5)}`)

export function passkey(patch: Partial<Passkey> & Pick<Passkey, 'id'>): Passkey {
  return {
    name: 'Passkey',
    created_at: '2026-01-05T09:00:00.000Z',
    last_used_at: null,
    backup_eligible: true,
    backed_up: true,
    ...patch,
  }
}

export const PASSKEYS: Passkey[] = [
  passkey({ id: 'pk_laptop', name: 'Work laptop', backup_eligible: false, backed_up: false }),
  passkey({ id: 'pk_phone', name: 'Phone', last_used_at: '2026-01-06T07:30:00.000Z' }),
]

/** Routes for stubApi: the account page's lists, answered from the fixtures. */
export const accountRoutes = (sessions: Session[] = SESSIONS, events: SecurityEvent[] = EVENTS) => ({
  'GET /api/me/sessions': () => json(200, { items: sessions, next_cursor: null }),
  'GET /api/me/events?limit=20': () => json(200, { items: events }),
  'GET /api/me/2fa': () => json(200, TOTP_OFF),
  'GET /api/me/passkeys': () => json(200, { items: [] }),
})
