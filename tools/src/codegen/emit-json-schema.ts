/**
 * Emits the JSON Schema files (draft 2020-12) for integrators in other languages: one self-contained file per
 * registered schema (named sub-schemas under `$defs`), a bundle with every schema, and the error code table.
 */
import { type ErrorCodeRow, ID_PREFIX } from '@fabstir/schema'
import { GENERATED_NOTICE } from './header.js'
import { printJson } from './json-print.js'
import { type NamedSchema, type RawSchema, schemaName } from './model.js'

/** The JSON Schema dialect of every file. */
export const DIALECT = 'https://json-schema.org/draft/2020-12/schema'

const KEY_ORDER = [
  '$comment',
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'anyOf',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'examples',
  '$defs',
]

function ordered(schema: RawSchema): RawSchema {
  const out: RawSchema = {}
  for (const key of KEY_ORDER) if (schema[key] !== undefined) out[key] = schema[key]
  for (const key of Object.keys(schema)) {
    if (!KEY_ORDER.includes(key)) throw new Error(`unexpected JSON Schema keyword ${key}`)
  }
  return out
}

/** Converts a TypeBox schema to plain JSON Schema; nested named schemas become `$ref`s, collected in `refs`. */
function convert(raw: RawSchema, refs: Set<string>, isRoot: boolean): RawSchema {
  const name = schemaName(raw)
  if (!isRoot && name !== undefined) {
    refs.add(name)
    return { $ref: `#/$defs/${name}` }
  }
  const out: RawSchema = {}
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('x-fabstir-')) continue
    if (key === '$id') continue
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, RawSchema>).map(([k, v]) => [k, convert(v, refs, false)]),
      )
    } else if (key === 'anyOf') {
      const branches = value as RawSchema[]
      // A union of undocumented string constants reads better as an enum.
      if (
        branches.every(
          (b) => typeof b.const === 'string' && schemaName(b) === undefined && b.description === undefined,
        )
      ) {
        out.type = 'string'
        out.enum = branches.map((b) => b.const)
      } else {
        out.anyOf = branches.map((b) => convert(b, refs, false))
      }
    } else if (key === 'items') {
      out.items = convert(value as RawSchema, refs, false)
    } else {
      out[key] = value
    }
  }
  return ordered(out)
}

function definitionsFor(model: Map<string, NamedSchema>, root: string): [string, RawSchema][] {
  const needed = new Set<string>()
  const queue = [root]
  const converted = new Map<string, RawSchema>()
  while (queue.length > 0) {
    const name = queue.shift()!
    const refs = new Set<string>()
    converted.set(name, convert(model.get(name)!.raw, refs, true))
    for (const r of refs) {
      if (!needed.has(r) && r !== root) {
        needed.add(r)
        queue.push(r)
      }
    }
  }
  // Stable order: the registry order.
  return [...model.keys()].filter((n) => needed.has(n)).map((n) => [n, converted.get(n)!])
}

function document(name: string, body: RawSchema, defs: [string, RawSchema][]): RawSchema {
  return ordered({
    ...body,
    $comment: GENERATED_NOTICE,
    $schema: DIALECT,
    $id: `${ID_PREFIX}${name}`,
    title: name,
    $defs: defs.length === 0 ? undefined : Object.fromEntries(defs),
  })
}

/** File name of a schema's JSON Schema file. */
export function schemaFileName(name: string): string {
  return `${name}.schema.json`
}

/** Every JSON Schema file: name → content. */
export function emitJsonSchemas(
  model: Map<string, NamedSchema>,
  table: readonly ErrorCodeRow[],
): Map<string, string> {
  const files = new Map<string, string>()
  for (const name of model.keys()) {
    const body = convert(model.get(name)!.raw, new Set(), true)
    files.set(schemaFileName(name), printJson(document(name, body, definitionsFor(model, name))))
  }
  const all = [...model.keys()].map((n): [string, RawSchema] => [
    n,
    convert(model.get(n)!.raw, new Set(), true),
  ])
  const bundle = ordered({
    $comment: GENERATED_NOTICE,
    $schema: DIALECT,
    $id: `${ID_PREFIX}bundle`,
    title: 'Fabstir wire protocol',
    description:
      'Every schema of the Fabstir E2E encrypted WebSocket protocol under $defs. Validate a node frame against ' +
      '#/$defs/NodeFrame and a client frame against #/$defs/ClientFrame. Unknown extra properties are allowed.',
    anyOf: [{ $ref: '#/$defs/ClientFrame' }, { $ref: '#/$defs/NodeFrame' }],
    $defs: Object.fromEntries(all),
  })
  files.set('bundle.schema.json', printJson(bundle))
  files.set(
    'error-codes.json',
    printJson({
      $comment: GENERATED_NOTICE,
      description:
        'Every error code: origin node (in error.code; sentByNode false = documented but never sent) or client ' +
        '(raised by the SDK itself).',
      codes: table,
    }),
  )
  return files
}
