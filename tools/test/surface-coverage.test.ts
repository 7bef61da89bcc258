/**
 * Every `type` string (and inner discriminator) of PROTOCOL-SURFACE.md §1.1 and every error code of its §2 is in the
 * schema, the generated JSON Schema and docs/protocol.md. The fact sheet is read from `../shared` by relative path
 * (never copied into the repository); without it the test skips with a message, except in CI where it fails.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERROR_CODE_TABLE, SCHEMAS, SHAPE_B_ERRORS } from '@fabstir/schema'
import { describe, expect, it } from 'vitest'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const FACT_SHEET = join(repoRoot, '..', 'shared', 'PROTOCOL-SURFACE.md')
const present = existsSync(FACT_SHEET)
if (!present && process.env.CI === 'true') {
  throw new Error(
    `PROTOCOL-SURFACE.md not found at ${FACT_SHEET}: the surface coverage test cannot run in CI`,
  )
}
if (!present)
  console.warn(`[skip] surface coverage: ${FACT_SHEET} is absent (it lives outside the repository)`)

/** The text of section `number` (e.g. "1.1" or "2") of the fact sheet, up to the next heading of its level. */
function section(text: string, number: string): string {
  const level = number.includes('.') ? '###' : '##'
  const start = text.indexOf(`\n${level} ${number}${number.includes('.') ? '' : '.'} `)
  if (start < 0) throw new Error(`section ${number} not found`)
  const rest = text.slice(start + 1)
  const next = rest.slice(level.length).search(new RegExp(`\\n${level} `))
  return next < 0 ? rest : rest.slice(0, next + level.length)
}

/** First-column identifiers of the §1.1 table: outer types, inner `type`s, `action` values and the bare finals. */
function surfaceTypes(text: string): string[] {
  const out = new Set<string>()
  for (const line of section(text, '1.1').split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| `type`') || line.startsWith('|---')) continue
    const first = line.split('|')[1] ?? ''
    if (first.includes('chat payload')) continue // the chat payload row names no new string: it is PromptRequest
    const action = /`action: "([a-z_]+)"`/.exec(first)
    if (action) {
      out.add(action[1]!)
      continue
    }
    for (const m of first.matchAll(/`([A-Za-z_]+)`/g)) out.add(m[1]!)
  }
  return [...out]
}

/** Every SCREAMING_CASE code in backticks in §2. */
function surfaceCodes(text: string): string[] {
  return [...new Set([...section(text, '2').matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]!))]
}

/** Every string `const`/`enum` value anywhere in a JSON value. */
function constants(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) constants(v, out)
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>
    if (typeof o.const === 'string') out.add(o.const)
    if (Array.isArray(o.enum)) for (const v of o.enum) if (typeof v === 'string') out.add(v)
    for (const [k, v] of Object.entries(o)) if (k !== 'examples') constants(v, out)
  }
  return out
}

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

describe.skipIf(!present)('PROTOCOL-SURFACE.md coverage', () => {
  const text = present ? readFileSync(FACT_SHEET, 'utf8') : ''

  it('finds the 33 distinct strings of §1.1 in the schema, the JSON Schema bundle and docs/protocol.md', () => {
    const types = surfaceTypes(text)
    // 18 outer types + 11 inner reply types + 3 action values + the bare chat final `stop` (`error` is both).
    expect(types).toHaveLength(33)
    const inSchema = constants(SCHEMAS.map((e) => e.schema))
    const inJsonSchema = constants(JSON.parse(read('packages/wire/json-schema/bundle.schema.json')))
    const doc = read('docs/protocol.md')
    const missing = types.flatMap((t) => [
      ...(inSchema.has(t) ? [] : [`${t}: not in schema/`]),
      ...(inJsonSchema.has(t) ? [] : [`${t}: not in bundle.schema.json`]),
      ...(doc.includes(`\`${t}\``) || doc.includes(`\`"${t}"\``) ? [] : [`${t}: not in docs/protocol.md`]),
    ])
    expect(missing).toEqual([])
  })

  it('finds every error code of §2 in the error table, the JSON Schema and docs/protocol.md', () => {
    const codes = surfaceCodes(text)
    expect(codes.length).toBeGreaterThanOrEqual(27 + 9 + 12)
    const table = new Set(ERROR_CODE_TABLE.map((r) => r.code))
    const enumCodes = constants(JSON.parse(read('packages/wire/json-schema/ErrorCode.schema.json')))
    const listed = new Set(
      (
        JSON.parse(read('packages/wire/json-schema/error-codes.json')) as { codes: { code: string }[] }
      ).codes.map((c) => c.code),
    )
    const doc = read('docs/protocol.md')
    const missing = codes.flatMap((c) => [
      ...(table.has(c) ? [] : [`${c}: not in ERROR_CODE_TABLE`]),
      ...(enumCodes.has(c) ? [] : [`${c}: not in ErrorCode.schema.json`]),
      ...(listed.has(c) ? [] : [`${c}: not in error-codes.json`]),
      ...(doc.includes(`| \`${c}\``) ? [] : [`${c}: not in the docs/protocol.md error table`]),
    ])
    expect(missing).toEqual([])
  })

  it('marks the 27 codes the node sends (12 outer, 15 only in action replies)', () => {
    // TIMEOUT is an SDK code (origin client) that the node also sends inside transcode/LTX errors.
    expect(ERROR_CODE_TABLE.filter((r) => r.sentByNode && r.families === undefined)).toHaveLength(12)
    expect(ERROR_CODE_TABLE.filter((r) => r.families !== undefined)).toHaveLength(15)
    for (const m of section(text, '2.2').matchAll(/^\| `([A-Z_]+)` \| (image|transcode|ltx) \|/gm)) {
      const row = ERROR_CODE_TABLE.find((r) => r.code === m[1])
      expect(row?.families, `${m[1]} in ${m[2]}`).toContain(m[2])
    }
  })

  it('maps every shape B text of §2.3 to a stable client code', () => {
    const texts = [...section(text, '2.3').matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!)
    expect(texts.length).toBe(11)
    for (const t of texts) {
      // The fact sheet abbreviates variable parts as <…> or …; use a concrete sample.
      const sample = t.replace(/<[^>]+>/g, 'x').replace(/…/g, 'detail')
      const match = SHAPE_B_ERRORS.find((b) => new RegExp(b.pattern).test(sample))
      expect(match, t).toBeDefined()
      const row = ERROR_CODE_TABLE.find((r) => r.code === match!.code)
      expect(row?.origin, t).toBe('client')
    }
  })
})
