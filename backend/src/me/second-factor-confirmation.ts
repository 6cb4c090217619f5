/**
 * What regenerating recovery codes and turning TOTP off ask of a signed-in caller (API.md
 * "Re-authentication"): the password first (a wrong one is 422 on `password` and leaves the code
 * unchecked and unused), then TOTP must be on (409), then a right TOTP or recovery code (a wrong
 * one is 422 on the field sent, counted as a second-factor failure).
 */
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { conflict, unprocessable } from '../http/problem.js'
import type { Auth } from '../identity/better-auth.js'
import {
  checkSecondFactor,
  proofField,
  type SecondFactorCheckDeps,
} from '../identity/second-factor/check-second-factor.js'
import type { SecondFactorProof } from '../identity/second-factor/second-factors.js'
import { type PasswordConfirmationDeps, passwordConfirmation } from './shared.js'

export type SecondFactorConfirmationDeps = PasswordConfirmationDeps & SecondFactorCheckDeps & { auth: Auth }

export const totpIsOff = () => conflict('Two-factor authentication is off')

export function secondFactorConfirmation(deps: SecondFactorConfirmationDeps) {
  const confirmPassword = passwordConfirmation(deps)
  return async (c: Context<AppEnv>, password: string, proof: SecondFactorProof): Promise<void> => {
    const { userId } = c.var.caller
    await confirmPassword(c, 'password', (headers) => deps.auth.api.verifyPassword({ body: { password }, headers }))
    if (!(await deps.secondFactors.isEnabled(userId))) throw totpIsOff()
    if (!(await checkSecondFactor(deps, c.var.clientIp, userId, proof))) {
      throw unprocessable([{ field: proofField(proof), message: 'That code is not right, or was used already' }])
    }
  }
}
