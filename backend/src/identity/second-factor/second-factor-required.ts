/**
 * What a password sign-in of an account with TOTP on ends in: the password was right, but no
 * session is made. Thrown by the identity policy before Better Auth's `sign-in/email` can make
 * one, so every door stops here: Better Auth's own route answers it as it stands (403
 * `MFA_REQUIRED`), and `POST /api/auth/signin` turns it into the contract's second step, from
 * what the error carries (the account, and which password hash was checked: its fingerprint,
 * never the hash).
 */
import { HttpError } from '../../http/problem.js'

export class SecondFactorRequired extends HttpError {
  constructor(
    readonly userId: string,
    readonly passwordFingerprint: string,
  ) {
    super(403, 'Forbidden', {
      detail: 'This account uses two-factor authentication: sign in through POST /api/auth/signin',
      code: 'MFA_REQUIRED',
    })
  }
}
