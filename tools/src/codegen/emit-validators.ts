/**
 * Emits the ahead-of-time compiled validators of `@fabstir/wire`: plain functions (no `eval`/`new Function`, no
 * TypeBox at runtime) that report every issue with a JSON Pointer.
 *
 * One module per schema family (`src/generated/validators/<family>.ts`), so that an app that only chats never ships
 * the image, transcode, LTX or RAG validators, plus a barrel (`src/generated/validators.ts`) that re-exports every
 * `check<Name>`. The generated code is compact: each property is one call of a shared runtime helper (`field`/`sub`
 * in `../runtime.js`) with a leaf check built once per distinct rule; every module-level construction is annotated
 * `/*#__PURE__*\/` so that bundlers drop what an app does not use.
 */
import { SCHEMA_FAMILIES, type SchemaFamily, U64_MAX } from '@fabstir/schema'
import { tsDoc, tsHeader, tsString } from './header.js'
import { discriminate, type NamedSchema, phrase, pointerToken, resolve, type SchemaNode } from './model.js'

const PURE = '/*#__PURE__*/ '

/** Runtime helpers the generated code may import from `../../runtime.js`. */
const RUNTIME_HELPERS = [
  'arrayOf',
  'arrayOfLeaves',
  'badTag',
  'bool',
  'either',
  'eq',
  'field',
  'hex',
  'hexOf',
  'int',
  'integerOf',
  'isAny',
  'isBoolean',
  'isNull',
  'isRecord',
  'isString',
  'isU64',
  'jsonBytesAtMost',
  'leafValidator',
  'literal',
  'notObject',
  'numberOf',
  'oneOf',
  'str',
  'stringOf',
  'sub',
  'tagged',
  'union',
] as const
type Helper = (typeof RUNTIME_HELPERS)[number]

type ObjectNode = Extract<SchemaNode, { kind: 'object' }>

function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return 'Infinity'
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (n === Number.MAX_SAFE_INTEGER) return 'Number.MAX_SAFE_INTEGER'
  return String(n)
}

function literalText(value: string | number | boolean): string {
  return typeof value === 'string' ? tsString(value) : String(value)
}

/** Emits one family module. */
class ModuleEmitter {
  private readonly constants = new Map<string, string>()
  private readonly arrays = new Map<string, string>()
  private readonly hoisted: string[] = []
  private readonly objectFns = new Map<string, string>()
  readonly used = new Set<Helper>()
  /** Validators imported from other family modules: family → names. */
  readonly imports = new Map<SchemaFamily, Set<string>>()

  constructor(
    private readonly model: Map<string, NamedSchema>,
    private readonly family: SchemaFamily,
  ) {}

  helper(name: Helper): string {
    this.used.add(name)
    return name
  }

  /** A module-level constant, shared by identical initialisers; `init` is a call, annotated pure. */
  private constant(init: string): string {
    const existing = this.constants.get(init)
    if (existing !== undefined) return existing
    const name = `C${this.constants.size}`
    this.constants.set(init, name)
    return name
  }

  /** The validator function of a named schema, importing it from its family module when needed. */
  private validatorOf(name: string): string {
    const target = this.model.get(name)!
    const fn = `validate${name}`
    if (target.entry.family !== this.family) {
      const set = this.imports.get(target.entry.family) ?? new Set<string>()
      set.add(fn)
      this.imports.set(target.entry.family, set)
    }
    return fn
  }

  /** An expression naming a leaf check for a scalar node, or undefined for structured nodes. */
  leaf(node: SchemaNode): string | undefined {
    switch (node.kind) {
      case 'ref':
      case 'object':
      case 'array':
        return undefined
      case 'const':
        return this.constant(
          `${this.helper('literal')}(${literalText(node.value)}, ${tsString(`must be ${phrase(this.model, node)}`)})`,
        )
      case 'string': {
        if (node.hex !== undefined) {
          const sizes = node.hex.sizes === undefined ? 'undefined' : `[${node.hex.sizes.join(', ')}]`
          return this.constant(`${this.helper('hexOf')}(${sizes}, ${node.hex.minBytes ?? 0})`)
        }
        if (node.minLength === undefined && node.maxLength === undefined && node.pattern === undefined) {
          return this.helper('isString')
        }
        const re =
          node.pattern === undefined ? 'undefined' : `${PURE}new RegExp(${tsString(node.pattern)}, 'u')`
        const what =
          node.pattern === undefined ? '' : (node.patternMessage ?? `a string matching ${node.pattern}`)
        return this.constant(
          `${this.helper('stringOf')}(${num(node.minLength ?? 0)}, ${num(node.maxLength ?? Number.POSITIVE_INFINITY)}, ${re}, ${tsString(what)})`,
        )
      }
      case 'integer':
        return this.constant(`${this.helper('integerOf')}(${num(node.minimum)}, ${num(node.maximum)})`)
      case 'number':
        return this.constant(`${this.helper('numberOf')}(${num(node.minimum)}, ${num(node.maximum)})`)
      case 'u64':
        if (node.maximum !== U64_MAX) throw new Error('u64 with a maximum other than 2^64 − 1')
        return this.helper('isU64')
      case 'boolean':
        return this.helper('isBoolean')
      case 'null':
        return this.helper('isNull')
      case 'any':
        return node.maxJsonBytes === undefined
          ? this.helper('isAny')
          : this.constant(`${this.helper('jsonBytesAtMost')}(${node.maxJsonBytes})`)
      case 'union':
        return this.leafUnion(node)
    }
  }

  private leafUnion(node: Extract<SchemaNode, { kind: 'union' }>): string | undefined {
    const branches = node.branches.map((b) => resolve(this.model, b))
    if (branches.every((b) => b.kind === 'const')) {
      const list = branches.map((b) => (b.kind === 'const' ? literalText(b.value) : ''))
      const message =
        list.length <= 8
          ? `must be one of ${list.join(', ')}`
          : `must be one of the ${list.length} allowed values`
      return this.constant(`${this.helper('oneOf')}([${list.join(', ')}], ${tsString(message)})`)
    }
    if (branches.some((b) => b.kind === 'object' || b.kind === 'array' || b.kind === 'union'))
      return undefined
    const leaves = branches.map((b) => this.leaf(b)!)
    return this.constant(
      `${this.helper('either')}([${leaves.join(', ')}], ${tsString(`must be ${phrase(this.model, node)}`)})`,
    )
  }

  /** An expression naming a validator `(value, path, out)` for any node. */
  structural(node: SchemaNode): string {
    if (node.kind === 'ref') return this.validatorOf(node.name)
    const leaf = this.leaf(node)
    if (leaf !== undefined) return this.constant(`${this.helper('leafValidator')}(${leaf})`)
    switch (node.kind) {
      case 'object':
        return this.objectFunction(node)
      case 'array': {
        const min = num(node.minItems ?? 0)
        const max = num(node.maxItems ?? Number.POSITIVE_INFINITY)
        const items = this.leaf(node.items)
        return items !== undefined
          ? this.constant(`${this.helper('arrayOfLeaves')}(${items}, ${min}, ${max})`)
          : this.constant(`${this.helper('arrayOf')}(${this.structural(node.items)}, ${min}, ${max})`)
      }
      case 'union': {
        const tagged = discriminate(this.model, node)
        if (tagged !== undefined) {
          const entries = node.branches.flatMap((branch, i) => {
            const fn = this.structural(branch)
            return tagged.tags[i]!.map((tag) => `${tsString(tag)}: ${fn}`)
          })
          const known = tagged.tags.flat().map(tsString).join(', ')
          return this.constant(
            `${this.helper('tagged')}(${tsString(tagged.key)}, { ${entries.join(', ')} }, ${tsString(known)})`,
          )
        }
        const fns = node.branches.map((b) => this.structural(b))
        return this.constant(`${this.helper('union')}([${fns.join(', ')}], undefined)`)
      }
      default:
        throw new Error(`no validator for ${node.kind}`)
    }
  }

  /** Statements validating the object in `v` at path `p` (the body of an object validator). */
  objectBody(node: ObjectNode): string {
    let out = `  if (!${this.helper('isRecord')}(v)) return ${this.helper('notObject')}(v, p, out)\n`
    for (const prop of node.properties) {
      const x = `v[${tsString(prop.key)}]`
      const key = tsString(pointerToken(prop.key))
      const req = prop.required ? 1 : 0
      const direct = this.directCall(prop.node, x, key, req)
      if (direct !== undefined) {
        out += `  ${direct}\n`
        continue
      }
      const leaf = this.leaf(prop.node)
      out +=
        leaf !== undefined
          ? `  ${this.helper('field')}(${x}, p, ${key}, out, ${req}, ${leaf})\n`
          : `  ${this.helper('sub')}(${x}, p, ${key}, out, ${req}, ${this.structural(prop.node)})\n`
    }
    return out
  }

  /**
   * A specialised helper call for the commonest leaves on the hot path (plain string, hex, integer): a direct call
   * the engine can inline, instead of `field` calling a shared leaf closure.
   */
  private directCall(node: SchemaNode, x: string, key: string, req: number): string | undefined {
    if (node.kind === 'string' && node.hex !== undefined) {
      const sizes = node.hex.sizes === undefined ? 'undefined' : this.array(node.hex.sizes)
      return `${this.helper('hex')}(${x}, p, ${key}, out, ${req}, ${sizes}, ${node.hex.minBytes ?? 0})`
    }
    if (
      node.kind === 'string' &&
      node.minLength === undefined &&
      node.maxLength === undefined &&
      node.pattern === undefined
    ) {
      return `${this.helper('str')}(${x}, p, ${key}, out, ${req})`
    }
    if (node.kind === 'boolean') return `${this.helper('bool')}(${x}, p, ${key}, out, ${req})`
    if (node.kind === 'const') {
      const message = tsString(`must be ${phrase(this.model, node)}`)
      return `${this.helper('eq')}(${x}, p, ${key}, out, ${req}, ${literalText(node.value)}, ${message})`
    }
    if (node.kind === 'integer') {
      return `${this.helper('int')}(${x}, p, ${key}, out, ${req}, ${num(node.minimum)}, ${num(node.maximum)})`
    }
    return undefined
  }

  /** A module-level array literal of numbers (no call, so nothing to annotate). */
  private array(values: readonly number[]): string {
    const init = `[${values.join(', ')}]`
    const existing = this.arrays.get(init)
    if (existing !== undefined) return existing
    const name = `N${this.arrays.size}`
    this.arrays.set(init, name)
    return name
  }

  /** A `switch` on the discriminator (the hot path of every receive: monomorphic direct calls per branch). */
  switchBody(
    node: Extract<SchemaNode, { kind: 'union' }>,
    tagged: { key: string; tags: string[][] },
  ): string {
    let out = `  if (!${this.helper('isRecord')}(v)) return ${this.helper('notObject')}(v, p, out)\n`
    out += `  const tag = v[${tsString(tagged.key)}]\n  switch (tag) {\n`
    node.branches.forEach((branch, i) => {
      for (const tag of tagged.tags[i]!) out += `    case ${tsString(tag)}:\n`
      out += `      return ${this.structural(branch)}(v, p, out)\n`
    })
    const known = tsString(tagged.tags.flat().map(tsString).join(', '))
    out += `    default:\n      return ${this.helper('badTag')}(tag, p, ${tsString(tagged.key)}, out, ${known})\n  }\n`
    return out
  }

  /** A hoisted function for an unnamed object schema (identical objects share one). */
  private objectFunction(node: ObjectNode): string {
    const key = JSON.stringify(node, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
    const existing = this.objectFns.get(key)
    if (existing !== undefined) return existing
    const name = `object${this.objectFns.size}`
    this.objectFns.set(key, name)
    this.hoisted.push(
      `function ${name}(v: unknown, p: string, out: WireIssue[]): void {\n${this.objectBody(node)}}\n`,
    )
    return name
  }

  /** Module-level constants (each a pure call), then hoisted functions. */
  prelude(): string {
    const constants =
      [...this.arrays].map(([init, name]) => `const ${name} = ${init}\n`).join('') +
      [...this.constants].map(([init, name]) => `const ${name} = ${PURE}${init}\n`).join('')
    return [constants, ...this.hoisted].filter((s) => s !== '').join('\n')
  }
}

function modulePath(family: SchemaFamily): string {
  return `./validators/${family}.js`
}

/** Source of one family module, or undefined when the family has no schema. */
function emitFamily(model: Map<string, NamedSchema>, family: SchemaFamily): string | undefined {
  const members = [...model.values()].filter((n) => n.entry.family === family)
  if (members.length === 0) return undefined
  const emitter = new ModuleEmitter(model, family)
  const validators: string[] = []
  const checkers: string[] = []
  for (const named of members) {
    const internal = tsDoc(`@internal Validator of {@link ${named.name}}; use \`check${named.name}\`.`)
    const head = `export function validate${named.name}(v: unknown, p: string, out: WireIssue[]): void {\n`
    const rootTags = discriminate(model, named.node)
    if (named.node.kind === 'object') {
      validators.push(`${internal}${head}${emitter.objectBody(named.node)}}\n`)
    } else if (rootTags !== undefined && named.node.kind === 'union') {
      validators.push(`${internal}${head}${emitter.switchBody(named.node, rootTags)}}\n`)
    } else {
      const fn = emitter.structural(named.node)
      validators.push(`${internal}${head}  ${fn}(v, p, out)\n}\n`)
    }
    const tagged = discriminate(model, named.node)
    const what = tagged !== undefined ? ` (dispatching on \`${tagged.key}\`)` : ''
    checkers.push(
      tsDoc(
        `Validates a {@link ${named.name}}${what}. On failure every issue is reported with its JSON Pointer. ` +
          'Never throws.',
      ) +
        `export function check${named.name}(value: unknown): CheckResult<${named.name}> {\n` +
        // Inline (not a shared helper): each checker's call to its validator stays monomorphic.
        '  const out: WireIssue[] = []\n' +
        `  validate${named.name}(value, '', out)\n` +
        `  return out.length === 0 ? { ok: true, value: value as ${named.name} } : { ok: false, issues: out }\n` +
        '}\n',
    )
  }
  const helpers = RUNTIME_HELPERS.filter((h) => emitter.used.has(h))
  const crossImports = SCHEMA_FAMILIES.filter((f) => emitter.imports.has(f)).map(
    (f) => `import { ${[...emitter.imports.get(f)!].sort().join(', ')} } from './${f}.js'\n`,
  )
  const imports =
    "import type { CheckResult, WireIssue } from '../../issues.js'\n" +
    `import { ${helpers.join(', ')} } from '../../runtime.js'\n` +
    `import type { ${members.map((m) => m.name).join(', ')} } from '../types.js'\n` +
    crossImports.join('')
  return [
    tsHeader(`Validators of the ${family} family: plain functions, no eval, no runtime schema library.`),
    imports,
    emitter.prelude(),
    validators.join('\n'),
    checkers.join('\n'),
  ]
    .filter((s) => s !== '')
    .join('\n')
}

/** Every validator file: repository-relative path under `packages/wire/src/generated/` → content. */
export function emitValidators(model: Map<string, NamedSchema>): Map<string, string> {
  const files = new Map<string, string>()
  const barrel: string[] = []
  for (const family of SCHEMA_FAMILIES) {
    const source = emitFamily(model, family)
    if (source === undefined) continue
    files.set(`validators/${family}.ts`, source)
    const names = [...model.values()].filter((n) => n.entry.family === family).map((n) => `check${n.name}`)
    barrel.push(`export {\n${names.map((n) => `  ${n},\n`).join('')}} from '${modulePath(family)}'\n`)
  }
  files.set(
    'validators.ts',
    `${tsHeader('Every check<Name>, re-exported from the family modules (each tree-shakes on its own).')}\n${barrel.join('')}`,
  )
  return files
}

/** SCREAMING_SNAKE_CASE of a PascalCase name. */
export function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/** Source of `frame-types.ts`: the `type` values of every union discriminated by `type`, in schema order. */
export function emitFrameTypes(model: Map<string, NamedSchema>): string {
  const parts: string[] = []
  const names: string[] = []
  for (const named of model.values()) {
    const tagged = discriminate(model, named.node)
    if (tagged === undefined || tagged.key !== 'type') continue
    names.push(named.name)
    const list = tagged.tags.flat().map(tsString).join(', ')
    parts.push(
      tsDoc(`Every \`type\` of a {@link ${named.name}}, in schema order.`) +
        `export const ${screamingSnake(named.name)}_TYPES: readonly ${named.name}['type'][] = ${PURE}Object.freeze([${list}])\n`,
    )
  }
  const imports = `import type { ${names.join(', ')} } from './types.js'\n`
  return [tsHeader('The discriminator values of the frame unions.'), imports, parts.join('\n')].join('\n')
}
