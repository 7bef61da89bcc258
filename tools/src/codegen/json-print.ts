/**
 * Deterministic JSON pretty-printer for generated files: 2-space indentation, `bigint` as exact integer literals,
 * non-empty objects always expanded, arrays of scalars kept on one line when they fit in {@link LINE_WIDTH} (the
 * layout biome's JSON formatter produces, so generated JSON passes `biome check`).
 */

/** Line width of the repository formatter. */
export const LINE_WIDTH = 110

function isScalar(value: unknown): boolean {
  if (value === null) return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.keys(value).length === 0
  return true
}

function scalar(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return '[]'
  if (typeof value === 'object' && value !== null) return '{}'
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError('non-finite number in JSON output')
  const text = JSON.stringify(value)
  if (text === undefined) throw new TypeError(`value of type ${typeof value} has no JSON representation`)
  // Exponents without '+', as the repository formatter (biome) prints them.
  return typeof value === 'number' ? text.replace('e+', 'e') : text
}

function print(value: unknown, indent: string, prefixWidth: number, suffixWidth: number): string {
  if (isScalar(value)) return scalar(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.every(isScalar)) {
      const flat = `[${value.map(scalar).join(', ')}]`
      if (prefixWidth + [...flat].length + suffixWidth <= LINE_WIDTH) return flat
    }
    const items = value.map(
      (v, i) => `${inner}${print(v, inner, inner.length, i < value.length - 1 ? 1 : 0)}`,
    )
    return `[\n${items.join(',\n')}\n${indent}]`
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  const lines = entries.map(([k, v], i) => {
    const key = `${JSON.stringify(k)}: `
    const width = inner.length + [...key].length
    return `${inner}${key}${print(v, inner, width, i < entries.length - 1 ? 1 : 0)}`
  })
  return `{\n${lines.join(',\n')}\n${indent}}`
}

/** Pretty-prints `value` as JSON text ending with a newline. */
export function printJson(value: unknown): string {
  return `${print(value, '', 0, 0)}\n`
}
