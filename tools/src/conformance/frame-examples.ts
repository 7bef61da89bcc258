import { SCHEMAS } from '@fabstir/schema'
import * as wire from '@fabstir/wire'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Checker = (value: unknown) => { ok: true } | { ok: false; issues: { path: string; message: string }[] }

interface JsonSchemaLike {
  type?: string
  properties?: Record<string, JsonSchemaLike>
  required?: string[]
  examples?: unknown[]
  anyOf?: JsonSchemaLike[]
  const?: unknown
}

/** One example frame and the verdict of the SDK's validator. */
interface FrameExample {
  /** What was done to a valid example to get this one. */
  mutation: string
  /** The frame as JSON text. */
  frame: string
  valid: boolean
  /** When invalid: the SDK error code and the JSON Pointer of the first issue. */
  error?: { code: 'INVALID_FRAME'; path: string }
}

/** A value of a different JSON type than the property accepts (a string where a number goes, and so on). */
function wrongTypeValue(schema: JsonSchemaLike): Json {
  if (schema.const !== undefined) return typeof schema.const === 'string' ? `${schema.const}_x` : 'x'
  switch (schema.type) {
    case 'string':
      return 12345
    case 'integer':
    case 'number':
      return '12345'
    case 'boolean':
      return 'true'
    case 'object':
      return []
    case 'array':
      return {}
    default:
      return { unexpected: true }
  }
}

function verdict(check: Checker, value: Json, mutation: string): FrameExample {
  const r = check(value)
  const example: FrameExample = { mutation, frame: JSON.stringify(value), valid: r.ok }
  if (!r.ok) example.error = { code: 'INVALID_FRAME', path: r.issues[0]?.path ?? '' }
  return example
}

/** Which registry groups get examples: outer frames, and the inner (decrypted) messages of encrypted actions. */
const DIRECTIONS: Record<string, string> = {
  'client-frame': 'client→node',
  'node-frame': 'node→client',
  'action-request': 'client→node, inside encrypted_message',
  'action-reply': 'node→client, inside encrypted_response',
}

/**
 * Valid examples for schemas that carry none of their own (their docs would be unreadable: e.g. 384 numbers).
 */
const EXTRA_EXAMPLES: Record<string, Json[]> = {
  SearchVectorsFrame: [
    {
      type: 'searchVectors',
      requestId: 'search-1',
      queryVector: Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)),
      k: 3,
      threshold: 0.5,
    },
  ],
}

/**
 * Per frame type (and per inner message of the encrypted actions): the schema's valid examples, then one invalid variant per required field left out and one per
 * field given a value of the wrong JSON type, each with the verdict of the generated validator.
 */
export function frameExampleVectors(): unknown {
  const frames: Record<string, { direction: string; examples: FrameExample[] }> = {}
  for (const entry of SCHEMAS) {
    const direction = DIRECTIONS[entry.group as string]
    if (!direction) continue
    const check = (wire as unknown as Record<string, Checker | undefined>)[`check${entry.name}`]
    if (!check) throw new Error(`@fabstir/wire has no check${entry.name}`)
    const schema = entry.schema as unknown as JsonSchemaLike
    const examples: FrameExample[] = []
    // A union (e.g. the two error shapes) contributes the examples and mutations of each member.
    for (const [m, member] of (schema.anyOf ?? [schema]).entries()) {
      const label = schema.anyOf ? `shape ${m + 1}: ` : ''
      const bases = (member.examples ?? EXTRA_EXAMPLES[entry.name] ?? []) as Json[]
      for (const [i, base] of bases.entries())
        examples.push(verdict(check, base, `${label}schema example ${i + 1}`))
      const base = bases[0] as { [key: string]: Json } | undefined
      if (!base || !member.properties) continue
      for (const key of member.required ?? []) {
        const { [key]: _removed, ...rest } = base
        examples.push(verdict(check, rest, `${label}required field "${key}" left out`))
      }
      for (const [key, prop] of Object.entries(member.properties)) {
        if (!(key in base)) continue
        const mutation = `${label}field "${key}" of the wrong type`
        examples.push(verdict(check, { ...base, [key]: wrongTypeValue(prop) }, mutation))
      }
      examples.push(verdict(check, { ...base, type: 'no_such_type' }, `${label}unknown type string`))
    }
    frames[entry.name] = {
      direction: entry.group === 'client-frame' ? 'client→node' : 'node→client',
      examples,
    }
  }
  return {
    description:
      'Valid and invalid example frames per frame type, with the verdict of the SDK validator generated from ' +
      'schema/. Invalid frames from a node surface as INVALID_FRAME with the JSON Pointer of the first issue; ' +
      'an SDK refuses to send an invalid client frame. Regenerate with `pnpm vectors`.',
    frames,
  }
}
