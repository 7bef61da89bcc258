import type { Tally } from './tally.js'

/** Strings of the input that must never be echoed in an error message: long, and not a schema literal. */
export function secretLikeStrings(value: unknown, budget = 10_000): string[] {
  const out: string[] = []
  const stack: unknown[] = [value]
  let visited = 0
  while (stack.length > 0 && visited++ < budget) {
    const v = stack.pop()
    if (typeof v === 'string') {
      if (v.length >= 16 && !/^[A-Za-z_]+$/.test(v)) out.push(v)
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x)
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        stack.push(k)
        stack.push((v as Record<string, unknown>)[k])
      }
    }
  }
  return out
}

/** True when `text` quotes any of `secrets` (a 16-character window of it is enough). */
export function quotesAny(text: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => text.includes(s.length > 64 ? s.slice(0, 64) : s))
}

/**
 * Judge a validator result: `{ok: true, value}` with the input itself, or `{ok: false, issues}` with at least one
 * `{path, message}` whose message does not quote the input. Returns whether it accepted, or `undefined` after
 * recording a finding.
 */
export function judgeCheckResult(
  name: string,
  result: unknown,
  input: unknown,
  tally: Tally,
  secrets: readonly string[],
): boolean | undefined {
  const r = result as { ok?: unknown; value?: unknown; issues?: unknown }
  if (r === null || typeof r !== 'object' || typeof r.ok !== 'boolean') {
    tally.find('invariant', `${name} returned something that is not a CheckResult`, input)
    return undefined
  }
  if (r.ok) {
    if (r.value !== input) tally.find('invariant', `${name} accepted but returned a different value`, input)
    return true
  }
  if (!Array.isArray(r.issues) || r.issues.length === 0) {
    tally.find('invariant', `${name} rejected without issues`, input)
    return undefined
  }
  for (const issue of r.issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue?.path !== 'string' || typeof issue.message !== 'string' || issue.message.length === 0) {
      tally.find('invariant', `${name} produced a malformed issue`, input)
      return undefined
    }
    if (issue.path !== '' && !issue.path.startsWith('/')) {
      tally.find('invariant', `${name} issue path is not a JSON pointer: ${issue.path.slice(0, 40)}`, input)
      return undefined
    }
    if (quotesAny(issue.message, secrets)) {
      tally.find('invariant', `${name} quoted part of the input in an issue message`, input)
      return undefined
    }
  }
  return false
}
