import { stringifyJson } from '@fabstir/wire'
import fc from 'fast-check'

/**
 * One mutation of a real frame. Value-level mutations edit the parsed frame; text-level mutations edit its JSON text
 * afterwards. Positions (`at`, `path`, `from`) are taken modulo what exists, so any number is valid.
 */
export type Mutation =
  | { op: 'flipBit'; at: number; bit: number }
  | { op: 'replaceChar'; at: number; char: string }
  | { op: 'truncate'; at: number }
  | { op: 'insertText'; at: number; text: string }
  | { op: 'deleteField'; path: number }
  | { op: 'swapType'; path: number; kind: number; text: string }
  | { op: 'hugeNumber'; path: number; literal: number }
  | { op: 'deepNest'; path: number; depth: number; object: boolean }
  | { op: 'longString'; path: number; length: number; fill: number }
  | { op: 'duplicateKey'; path: number; kind: number }
  | { op: 'graft'; path: number; from: number; fromPath: number }
  | { op: 'retype'; type: number }

/** Number literals that break naive parsers: beyond u64/i64/2^53, overflowing f64, negative zero, fractions. */
export const HUGE_NUMBERS = [
  '18446744073709551615',
  '18446744073709551616',
  '9007199254740993',
  '-9223372036854775809',
  '123456789012345678901234567890123456789012345678901234567890',
  '1e999',
  '-1e999',
  '1e-999',
  '4294967296',
  '-0',
  '0.5',
  '1.0',
  '1e2',
  '-1',
  '2.5e-3',
] as const

/** Frame type names a mutation may switch to (both directions, legacy names and unknown ones). */
export const TYPE_NAMES = [
  'connected',
  'session_init_ack',
  'encrypted_chunk',
  'encrypted_response',
  'stream_end',
  'stream_chunk',
  'error',
  'encrypted_session_init',
  'encrypted_message',
  'stream_cancel',
  'session_init',
  'prompt',
  'inference',
  'unknown_type',
  '',
  'ENCRYPTED_CHUNK',
] as const

const LONG_LENGTHS = [64, 1024, 65_536, 1_048_576] as const

/** Size limits of generated mutations (CI keeps inputs smaller than the long run). */
export interface MutationLimits {
  /** Longest string a `longString` mutation writes (characters). Default 1,048,576. */
  maxLongString: number
}

/** The long run's limits: strings up to 1 MiB characters. */
export const LONG_RUN_LIMITS: MutationLimits = { maxLongString: 1_048_576 }
const DEPTHS = [2, 64, 128, 129, 1_000, 100_000] as const
const FILLS = ['a', '0f', '\u00e9', '\ud83d\ude00', '\\', '"', '\u0000', '\ud800'] as const

/** The fast-check arbitrary of one mutation. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flipBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({
    op: fc.constant('replaceChar' as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insertText' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 8, unit: 'binary' }),
  }),
  fc.record({ op: fc.constant('deleteField' as const), path: fc.nat() }),
  fc.record({
    op: fc.constant('swapType' as const),
    path: fc.nat(),
    kind: fc.nat(),
    text: fc.string({ maxLength: 16, unit: 'binary' }),
  }),
  fc.record({ op: fc.constant('hugeNumber' as const), path: fc.nat(), literal: fc.nat() }),
  fc.record({ op: fc.constant('deepNest' as const), path: fc.nat(), depth: fc.nat(), object: fc.boolean() }),
  fc.record({ op: fc.constant('longString' as const), path: fc.nat(), length: fc.nat(), fill: fc.nat() }),
  fc.record({ op: fc.constant('duplicateKey' as const), path: fc.nat(), kind: fc.nat() }),
  fc.record({ op: fc.constant('graft' as const), path: fc.nat(), from: fc.nat(), fromPath: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), type: fc.nat() }),
)

type Json = unknown
type Path = (string | number)[]

/** Every path in a (shallow, real) frame, root first. */
function pathsOf(value: Json): Path[] {
  const out: Path[] = []
  const walk = (v: Json, p: Path): void => {
    out.push(p)
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...p, i])
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) walk((v as Record<string, Json>)[k], [...p, k])
    }
  }
  walk(value, [])
  return out
}

function getAt(root: Json, path: Path): Json {
  let v = root
  for (const k of path) v = (v as Record<string | number, Json>)[k]
  return v
}

function setAt(root: { v: Json }, path: Path, value: Json): void {
  if (path.length === 0) {
    root.v = value
    return
  }
  const parent = getAt(root.v, path.slice(0, -1)) as Record<string | number, Json>
  parent[path[path.length - 1]!] = value
}

function deleteAt(root: { v: Json }, path: Path): void {
  if (path.length === 0) return
  const parent = getAt(root.v, path.slice(0, -1))
  const key = path[path.length - 1]!
  if (Array.isArray(parent)) parent.splice(key as number, 1)
  else delete (parent as Record<string, Json>)[key as string]
}

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!
}

/** A raw JSON text that replaces a placeholder string after serialization. */
interface Slot {
  token: string
  raw: string
}

function swapValue(kind: number, text: string): Json {
  const kinds: Json[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    text,
    '',
    [],
    {},
    [1, text],
    { a: 1 },
    2 ** 53 + 2,
    'x'.repeat(3),
  ]
  return pick(kinds, kind)
}

/**
 * Apply mutations to a real frame (`base` is its parsed value) and return the resulting text, which may or may not
 * still be JSON. `donors` are other real frames whose values can be grafted in (e.g. a payload of another chunk).
 */
export function mutateFrame(
  base: Json,
  mutations: readonly Mutation[],
  donors: readonly Json[],
  limits: MutationLimits = LONG_RUN_LIMITS,
): string {
  const root = { v: structuredClone(base) }
  const slots: Slot[] = []
  const slot = (raw: string): string => {
    const token = `\u0000slot${slots.length}\u0000`
    slots.push({ token, raw })
    return token
  }
  const textOps: Mutation[] = []
  for (const m of mutations) {
    const paths = pathsOf(root.v)
    const path = 'path' in m ? pick(paths, m.path) : []
    switch (m.op) {
      case 'deleteField':
        deleteAt(root, path)
        break
      case 'swapType':
        setAt(root, path, swapValue(m.kind, m.text))
        break
      case 'hugeNumber':
        setAt(root, path, slot(pick(HUGE_NUMBERS, m.literal)))
        break
      case 'deepNest': {
        const depth = pick(DEPTHS, m.depth)
        const raw = m.object
          ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
          : `${'['.repeat(depth)}${']'.repeat(depth)}`
        setAt(root, path, slot(raw))
        break
      }
      case 'longString': {
        const length = Math.min(pick(LONG_LENGTHS, m.length), limits.maxLongString)
        const fill = pick(FILLS, m.fill)
        setAt(root, path, fill.repeat(Math.ceil(length / fill.length)).slice(0, length))
        break
      }
      case 'duplicateKey': {
        const target = getAt(root.v, path)
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
          const keys = Object.keys(target)
          if (keys.length > 0) {
            const key = pick(keys, m.kind)
            const dupToken = `\u0000dup${slots.length}\u0000`
            slots.push({ token: dupToken, raw: JSON.stringify(key) })
            ;(target as Record<string, Json>)[dupToken] = swapValue(m.kind, 'dup')
          }
        }
        break
      }
      case 'graft': {
        if (donors.length === 0) break
        const donor = pick(donors, m.from)
        setAt(root, path, structuredClone(getAt(donor, pick(pathsOf(donor), m.fromPath))))
        break
      }
      case 'retype':
        if (root.v !== null && typeof root.v === 'object' && !Array.isArray(root.v)) {
          ;(root.v as Record<string, Json>).type = pick(TYPE_NAMES, m.type)
        }
        break
      default:
        textOps.push(m)
    }
  }
  let text = stringifyJson(root.v)
  for (const s of slots) text = text.split(JSON.stringify(s.token)).join(s.raw)
  for (const m of textOps) text = mutateText(text, m)
  return text
}

/** Apply one text-level mutation. */
export function mutateText(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : ('at' in m ? m.at : 0) % text.length
  switch (m.op) {
    case 'flipBit':
      if (text.length === 0) return text
      return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << m.bit)) + text.slice(at + 1)
    case 'replaceChar':
      return text.slice(0, at) + m.char + text.slice(at + 1)
    case 'truncate':
      return text.slice(0, at)
    case 'insertText':
      return text.slice(0, at) + m.text + text.slice(at)
    default:
      return text
  }
}

/** Arbitrary: a real frame from `pool` with 1–4 mutations, as text. */
export function mutatedTextArb(
  pool: readonly Json[],
  donors: readonly Json[] = pool,
  limits: MutationLimits = LONG_RUN_LIMITS,
): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: pool.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => mutateFrame(pool[i], ms, donors, limits))
}
