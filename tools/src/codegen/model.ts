/**
 * The schema subset the generator understands, as a small tree. Every TypeBox schema of the registry is converted
 * once; unknown keywords abort generation so that nothing in the schema is silently ignored.
 */
import {
  HEX_KEYWORD,
  type HexRule,
  ID_PREFIX,
  MAX_JSON_BYTES_KEYWORD,
  PATTERN_MESSAGE_KEYWORD,
  type SchemaEntry,
  U64_KEYWORD,
} from '@fabstir/schema'

/** A JSON Schema object as TypeBox builds it (symbol keys are ignored). */
export type RawSchema = Record<string, unknown>

interface Base {
  description: string | undefined
  /** The JSON Schema `default` annotation (what the node assumes when the field is absent). */
  default?: unknown
}

/** A property of an object node. */
export interface Property {
  key: string
  node: SchemaNode
  required: boolean
}

/** One node of the schema tree. */
export type SchemaNode = Base &
  (
    | { kind: 'ref'; name: string }
    | { kind: 'object'; properties: Property[] }
    | { kind: 'union'; branches: SchemaNode[] }
    | { kind: 'const'; value: string | number | boolean }
    | {
        kind: 'string'
        minLength: number | undefined
        maxLength: number | undefined
        pattern: string | undefined
        hex: HexRule | undefined
        patternMessage: string | undefined
      }
    | { kind: 'integer'; minimum: number; maximum: number }
    | { kind: 'u64'; maximum: bigint }
    | { kind: 'number'; minimum: number; maximum: number }
    | { kind: 'boolean' }
    | { kind: 'null' }
    | { kind: 'array'; items: SchemaNode; minItems: number | undefined; maxItems: number | undefined }
    | { kind: 'any'; maxJsonBytes: number | undefined }
  )

/** A registry entry with its converted tree. */
export interface NamedSchema {
  entry: SchemaEntry
  name: string
  node: SchemaNode
  raw: RawSchema
}

const ANNOTATIONS = new Set(['$id', 'title', 'description', 'examples', 'default'])
const ALLOWED: Record<string, readonly string[]> = {
  object: ['type', 'properties', 'required'],
  union: ['anyOf'],
  const: ['const', 'type'],
  string: ['type', 'minLength', 'maxLength', 'pattern', HEX_KEYWORD, PATTERN_MESSAGE_KEYWORD],
  integer: ['type', 'minimum', 'maximum'],
  u64: ['type', 'minimum', 'maximum', U64_KEYWORD],
  number: ['type', 'minimum', 'maximum'],
  boolean: ['type'],
  null: ['type'],
  array: ['type', 'items', 'minItems', 'maxItems'],
  any: [MAX_JSON_BYTES_KEYWORD],
}

/** The registry name of a schema with a `$id`, or undefined. */
export function schemaName(raw: RawSchema): string | undefined {
  const id = raw.$id
  if (typeof id !== 'string') return undefined
  if (!id.startsWith(ID_PREFIX)) throw new Error(`$id ${id} does not start with ${ID_PREFIX}`)
  return id.slice(ID_PREFIX.length)
}

function kindOf(raw: RawSchema): string {
  if (raw.anyOf !== undefined) return 'union'
  if (raw.const !== undefined) return 'const'
  if (raw[U64_KEYWORD] === true) return 'u64'
  const type = raw.type
  if (type === undefined) return 'any'
  if (typeof type !== 'string')
    throw new Error(`unsupported schema without a single type: ${Object.keys(raw)}`)
  return type
}

function optionalNumber(raw: RawSchema, key: string): number | undefined {
  const v = raw[key]
  if (v === undefined) return undefined
  if (typeof v !== 'number') throw new Error(`${key} must be a number`)
  return v
}

function optionalString(raw: RawSchema, key: string): string | undefined {
  const v = raw[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new Error(`${key} must be a string`)
  return v
}

/** Converts a TypeBox schema; nested schemas with a `$id` become references unless `asRoot`. */
export function toNode(raw: RawSchema, where: string, asRoot = false): SchemaNode {
  const name = schemaName(raw)
  const description = optionalString(raw, 'description')
  if (!asRoot && name !== undefined) return { kind: 'ref', name, description }
  const kind = kindOf(raw)
  const allowed = ALLOWED[kind]
  if (allowed === undefined) throw new Error(`${where}: unsupported schema type ${kind}`)
  for (const key of Object.keys(raw)) {
    if (!ANNOTATIONS.has(key) && !allowed.includes(key))
      throw new Error(`${where}: unsupported keyword ${key}`)
  }
  // Constants may go undocumented (they read as enum values); everything else needs a description.
  if (description === undefined && kind !== 'const')
    throw new Error(`${where}: every schema needs a description`)
  const node = convertKind(raw, kind, description, where)
  return raw.default === undefined ? node : { ...node, default: raw.default }
}

function convertKind(
  raw: RawSchema,
  kind: string,
  description: string | undefined,
  where: string,
): SchemaNode {
  switch (kind) {
    case 'object': {
      const props = (raw.properties ?? {}) as Record<string, RawSchema>
      const required = new Set((raw.required ?? []) as string[])
      const properties = Object.entries(props).map(([key, child]) => ({
        key,
        node: toNode(child, `${where}/${key}`),
        required: required.has(key),
      }))
      return { kind, description, properties }
    }
    case 'union': {
      const branches = (raw.anyOf as RawSchema[]).map((b, i) => {
        const child = toNode(b, `${where}/anyOf/${i}`)
        return child
      })
      return { kind, description, branches }
    }
    case 'const': {
      const value = raw.const
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new Error(`${where}: unsupported const`)
      }
      return { kind, description, value }
    }
    case 'string':
      return {
        kind,
        description,
        minLength: optionalNumber(raw, 'minLength'),
        maxLength: optionalNumber(raw, 'maxLength'),
        pattern: optionalString(raw, 'pattern'),
        hex: raw[HEX_KEYWORD] as HexRule | undefined,
        patternMessage: optionalString(raw, PATTERN_MESSAGE_KEYWORD),
      }
    case 'integer':
    case 'number':
      return {
        kind,
        description,
        minimum: optionalNumber(raw, 'minimum') ?? Number.NEGATIVE_INFINITY,
        maximum: optionalNumber(raw, 'maximum') ?? Number.POSITIVE_INFINITY,
      }
    case 'u64': {
      const maximum = raw.maximum
      if (typeof maximum !== 'bigint' || raw.minimum !== 0) throw new Error(`${where}: malformed u64`)
      return { kind, description, maximum }
    }
    case 'boolean':
    case 'null':
      return { kind, description }
    case 'array':
      return {
        kind,
        description,
        items: toNode(raw.items as RawSchema, `${where}/items`),
        minItems: optionalNumber(raw, 'minItems'),
        maxItems: optionalNumber(raw, 'maxItems'),
      }
    case 'any':
      return { kind, description, maxJsonBytes: optionalNumber(raw, MAX_JSON_BYTES_KEYWORD) }
    default:
      throw new Error(`${where}: unsupported schema type ${kind}`)
  }
}

/** Converts every registry entry and checks names and references. */
export function buildModel(entries: readonly SchemaEntry[]): Map<string, NamedSchema> {
  const model = new Map<string, NamedSchema>()
  for (const entry of entries) {
    const raw = entry.schema as unknown as RawSchema
    const name = schemaName(raw)
    if (name !== entry.name || raw.title !== name)
      throw new Error(`${entry.name}: $id, title and name must agree`)
    if (model.has(name)) throw new Error(`duplicate schema name ${name}`)
    model.set(name, { entry, name, node: toNode(raw, name, true), raw })
  }
  const check = (node: SchemaNode, where: string): void => {
    if (node.kind === 'ref' && !model.has(node.name))
      throw new Error(`${where}: ${node.name} is not registered`)
    if (node.kind === 'object') for (const p of node.properties) check(p.node, `${where}/${p.key}`)
    if (node.kind === 'union') for (const b of node.branches) check(b, where)
    if (node.kind === 'array') check(node.items, where)
  }
  for (const named of model.values()) check(named.node, named.name)
  return model
}

/** Follows references to the named node. */
export function resolve(model: Map<string, NamedSchema>, node: SchemaNode): SchemaNode {
  return node.kind === 'ref' ? resolve(model, model.get(node.name)!.node) : node
}

/**
 * The values of the `type` discriminator of a union, one list per branch, or undefined when the union is not
 * discriminated by `type` (a branch without a `type` const, or a value shared by two branches).
 */
export function discriminators(model: Map<string, NamedSchema>, node: SchemaNode): string[][] | undefined {
  return discriminate(model, node)?.tags
}

/** Property keys that may discriminate a union, in order of preference. */
export const DISCRIMINATOR_KEYS = ['type', 'action'] as const

/**
 * The discriminating key (`type`, else `action`) of a union and the values of each branch, or undefined when no key
 * discriminates it (a branch without that key as a required string const, or a value shared by two branches).
 */
export function discriminate(
  model: Map<string, NamedSchema>,
  node: SchemaNode,
): { key: string; tags: string[][] } | undefined {
  if (node.kind !== 'union') return undefined
  for (const key of DISCRIMINATOR_KEYS) {
    const tags = tagsFor(model, node, key)
    if (tags !== undefined) return { key, tags }
  }
  return undefined
}

function tagsFor(
  model: Map<string, NamedSchema>,
  node: Extract<SchemaNode, { kind: 'union' }>,
  key: string,
): string[][] | undefined {
  const seen = new Set<string>()
  const result: string[][] = []
  for (const branch of node.branches) {
    const values = typeValues(model, branch, key)
    if (values === undefined || values.some((v) => seen.has(v))) return undefined
    for (const v of values) seen.add(v)
    result.push(values)
  }
  return result
}

function typeValues(model: Map<string, NamedSchema>, node: SchemaNode, key: string): string[] | undefined {
  const target = resolve(model, node)
  if (target.kind === 'object') {
    const type = target.properties.find((p) => p.key === key)
    if (
      type === undefined ||
      !type.required ||
      type.node.kind !== 'const' ||
      typeof type.node.value !== 'string'
    ) {
      return undefined
    }
    return [type.node.value]
  }
  if (target.kind === 'union') {
    const all = target.branches.map((b) => typeValues(model, b, key))
    if (all.some((v) => v === undefined)) return undefined
    return [...new Set(all.flatMap((v) => v!))]
  }
  return undefined
}

/** Escapes a property name for a JSON Pointer (RFC 6901). */
export function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Short English phrase for a node, completing "must be …" and used in documentation. */
export function phrase(model: Map<string, NamedSchema>, node: SchemaNode): string {
  switch (node.kind) {
    case 'ref': {
      const target = resolve(model, node)
      return target.kind === 'object' ? `an object (${node.name})` : phrase(model, target)
    }
    case 'object':
      return 'an object'
    case 'union':
      return node.branches.map((b) => phrase(model, b)).join(' or ')
    case 'const':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value)
    case 'string':
      if (node.hex !== undefined) return hexPhrase(node.hex)
      if (node.patternMessage !== undefined) return node.patternMessage
      return 'a string'
    case 'integer':
      return rangePhrase('an integer', node.minimum, node.maximum)
    case 'u64':
      return 'a non-negative integer (u64: number or bigint)'
    case 'number':
      return rangePhrase('a number', node.minimum, node.maximum)
    case 'boolean':
      return 'a boolean'
    case 'null':
      return 'null'
    case 'array':
      return `an array whose items are ${phrase(model, node.items)}`
    case 'any':
      return 'any JSON value'
  }
}

/** "hex string of 24 bytes" etc. */
export function hexPhrase(rule: HexRule): string {
  if (rule.sizes !== undefined) return `a hex string of ${rule.sizes.join(' or ')} bytes`
  if (rule.minBytes !== undefined && rule.minBytes > 0)
    return `a hex string of at least ${rule.minBytes} bytes`
  return 'a hex string'
}

function rangePhrase(base: string, min: number, max: number): string {
  const lo = Number.isFinite(min) ? min : undefined
  const hi = Number.isFinite(max) && max !== Number.MAX_SAFE_INTEGER ? max : undefined
  if (lo !== undefined && hi !== undefined) return `${base} from ${lo} to ${hi}`
  if (lo !== undefined) return `${base} ≥ ${lo}`
  if (hi !== undefined) return `${base} ≤ ${hi}`
  return base
}
