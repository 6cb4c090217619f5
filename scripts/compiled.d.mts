/** Types of compiled.mjs (plain JavaScript, so the production launcher needs no TypeScript). */
export type Unit = {
  name: string
  dir: string
  tsconfig: string
  out: string
  sources: () => string[]
  assets?: [string, string]
}
export declare const API: Unit
export declare const WEB_SERVER: Unit
export declare const API_SERVER_JS: string
export declare const API_START_JS: string
export declare const WEB_APP_JS: string
export declare function sourceDigest(unit: Unit): string
export declare function buildProblem(unit: Unit): string | undefined
export declare function compile(unit: Unit): number
export declare function compileIfStale(unit: Unit, hint?: string): number
