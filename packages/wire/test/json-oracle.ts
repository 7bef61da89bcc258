import fc from 'fast-check'

/** Short strings over JSON's alphabet: mostly invalid JSON, some valid — the inputs where parsers disagree. */
export const jsonishText = fc.string({
  unit: fc.constantFrom(...'{}[],:"\\ 0123456789-+.eEtruefalsn\n\tu'),
  maxLength: 30,
})

/** What `JSON.parse` (the oracle) makes of `text`: its value, or that it threw. */
export function jsonParseOutcome(text: string): { failed: true } | { failed: false; value: unknown } {
  try {
    return { failed: false, value: JSON.parse(text) }
  } catch {
    return { failed: true }
  }
}
