/**
 * Emits `packages/wire/src/generated/validators.ts`: ahead-of-time compiled validators (plain functions, no
 * `eval`/`new Function`, no TypeBox at runtime) that report every issue with a JSON Pointer, and one exported
 * `check<Name>` per registered schema.
 */
import { tsDoc, tsHeader, tsString } from './header.js'
import { discriminators, type NamedSchema, phrase, pointerToken, resolve, type SchemaNode } from './model.js'

type PathPart = { lit: string } | { code: string }

function renderPath(parts: readonly PathPart[]): string {
  const merged: PathPart[] = []
  for (const part of parts) {
    const last = merged[merged.length - 1]
    if ('lit' in part && last !== undefined && 'lit' in last)
      merged[merged.length - 1] = { lit: last.lit + part.lit }
    else merged.push(part)
  }
  return merged.map((p) => ('lit' in p ? tsString(p.lit) : p.code)).join(' + ')
}

/** Runtime helpers the generated code may import from `../runtime.js`. */
const RUNTIME_HELPERS = [
  'anyOf',
  'codePointLength',
  'hexIssue',
  'integerIssue',
  'isRecord',
  'issue',
  'mustBe',
  'numberIssue',
  'u64Issue',
] as const
type Helper = (typeof RUNTIME_HELPERS)[number]

class ValidatorEmitter {
  private counter = 0
  private readonly hoisted: string[] = []
  private readonly constants = new Map<string, string>()
  private readonly branches = new Map<string, string>()
  readonly used = new Set<Helper>()

  constructor(private readonly model: Map<string, NamedSchema>) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`
  }

  private helper(name: Helper): string {
    this.used.add(name)
    return name
  }

  /** A module-level constant, shared by identical initialisers. */
  private constant(prefix: string, init: string): string {
    const existing = this.constants.get(init)
    if (existing !== undefined) return existing
    const name = `${prefix}_${this.constants.size}`
    this.constants.set(init, name)
    return name
  }

  private report(path: readonly PathPart[], message: string): string {
    return `${this.helper('issue')}(out, ${renderPath(path)}, ${message})`
  }

  /** A validator function name for a union branch: the named validator, or a hoisted function. */
  private branchFunction(node: SchemaNode): string {
    if (node.kind === 'ref') return `validate${node.name}`
    // Identical branches (e.g. the same inline union used twice) share one function.
    const key = JSON.stringify(node, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
    const existing = this.branches.get(key)
    if (existing !== undefined) return existing
    const name = this.fresh('branch')
    this.branches.set(key, name)
    this.hoisted.push(
      `function ${name}(v: unknown, p: string, out: WireIssue[]): void {\n${this.node(node, 'v', [{ code: 'p' }], '  ')}}\n`,
    )
    return name
  }

  /** Statements validating the value in variable `x`, located at `path`. */
  node(node: SchemaNode, x: string, path: readonly PathPart[], indent: string): string {
    const P = renderPath(path)
    switch (node.kind) {
      case 'ref':
        return `${indent}validate${node.name}(${x}, ${P}, out)\n`
      case 'object':
        return this.object(node, x, path, indent)
      case 'union':
        return this.union(node, x, path, indent)
      case 'const': {
        const literal = typeof node.value === 'string' ? tsString(node.value) : String(node.value)
        return `${indent}if (${x} !== ${literal}) ${this.report(path, tsString(`must be ${phrase(this.model, node)}`))}\n`
      }
      case 'string':
        return this.string(node, x, path, indent)
      case 'integer': {
        const m = this.fresh('m')
        const call = `${this.helper('integerIssue')}(${x}, ${num(node.minimum)}, ${num(node.maximum)})`
        return `${indent}{\n${indent}  const ${m} = ${call}\n${indent}  if (${m} !== undefined) ${this.report(path, m)}\n${indent}}\n`
      }
      case 'number': {
        const m = this.fresh('m')
        const call = `${this.helper('numberIssue')}(${x}, ${num(node.minimum)}, ${num(node.maximum)})`
        return `${indent}{\n${indent}  const ${m} = ${call}\n${indent}  if (${m} !== undefined) ${this.report(path, m)}\n${indent}}\n`
      }
      case 'u64': {
        const m = this.fresh('m')
        const max = this.constant('BIG', `${node.maximum}n`)
        const call = `${this.helper('u64Issue')}(${x}, ${max})`
        return `${indent}{\n${indent}  const ${m} = ${call}\n${indent}  if (${m} !== undefined) ${this.report(path, m)}\n${indent}}\n`
      }
      case 'boolean':
        return `${indent}if (typeof ${x} !== 'boolean') ${this.report(path, `${this.helper('mustBe')}('a boolean', ${x})`)}\n`
      case 'null':
        return `${indent}if (${x} !== null) ${this.report(path, `${this.helper('mustBe')}('null', ${x})`)}\n`
      case 'array':
        return this.array(node, x, path, indent)
    }
  }

  private object(
    node: Extract<SchemaNode, { kind: 'object' }>,
    x: string,
    path: readonly PathPart[],
    indent: string,
  ) {
    let out = `${indent}if (!${this.helper('isRecord')}(${x})) ${this.report(path, `${this.helper('mustBe')}('an object', ${x})`)}\n`
    out += `${indent}else {\n`
    const inner = `${indent}  `
    for (const prop of node.properties) {
      const v = this.fresh('x')
      const propPath = [...path, { lit: `/${pointerToken(prop.key)}` }]
      out += `${inner}const ${v} = ${x}[${tsString(prop.key)}]\n`
      const body = this.node(prop.node, v, propPath, `${inner}  `)
      if (prop.required) {
        out += `${inner}if (${v} === undefined) ${this.report(propPath, tsString('is required'))}\n`
        out += `${inner}else {\n${body}${inner}}\n`
      } else {
        out += `${inner}if (${v} !== undefined) {\n${body}${inner}}\n`
      }
    }
    return `${out}${indent}}\n`
  }

  private union(
    node: Extract<SchemaNode, { kind: 'union' }>,
    x: string,
    path: readonly PathPart[],
    indent: string,
  ) {
    const branches = node.branches.map((b) => resolve(this.model, b))
    if (branches.every((b) => b.kind === 'const')) {
      const values = branches.map((b) => (b.kind === 'const' ? b.value : undefined))
      const list = values.map((v) => (typeof v === 'string' ? tsString(v) : String(v)))
      const set = this.constant('SET', `new Set<unknown>([${list.join(', ')}])`)
      const message =
        list.length <= 8
          ? `must be one of ${list.join(', ')}`
          : `must be one of the ${list.length} allowed values`
      return `${indent}if (!${set}.has(${x})) ${this.report(path, tsString(message))}\n`
    }
    const tags = discriminators(this.model, node)
    if (tags !== undefined) return this.dispatch(node, tags, x, path, indent)
    const simple = branches.every((b) => b.kind !== 'object' && b.kind !== 'array' && b.kind !== 'union')
    const fns = node.branches.map((b) => this.branchFunction(b))
    const message = simple ? tsString(`must be ${phrase(this.model, node)}`) : 'undefined'
    return `${indent}${this.helper('anyOf')}(${x}, ${renderPath(path)}, out, [${fns.join(', ')}], ${message})\n`
  }

  private dispatch(
    node: Extract<SchemaNode, { kind: 'union' }>,
    tags: string[][],
    x: string,
    path: readonly PathPart[],
    indent: string,
  ): string {
    const t = this.fresh('t')
    const typePath = [...path, { lit: '/type' }]
    const all = tags.flat().map(tsString).join(', ')
    let out = `${indent}if (!${this.helper('isRecord')}(${x})) ${this.report(path, `${this.helper('mustBe')}('an object', ${x})`)}\n`
    out += `${indent}else {\n${indent}  const ${t} = ${x}['type']\n${indent}  switch (${t}) {\n`
    node.branches.forEach((branch, i) => {
      const fn = this.branchFunction(branch)
      for (const tag of tags[i]!) out += `${indent}    case ${tsString(tag)}:\n`
      out += `${indent}      ${fn}(${x}, ${renderPath(path)}, out)\n${indent}      break\n`
    })
    const unknown = tsString(`must be a known frame type: one of ${all}`)
    const mustBe = this.helper('mustBe')
    out += `${indent}    default:\n`
    out += `${indent}      ${this.report(typePath, `${t} === undefined ? 'is required' : typeof ${t} === 'string' ? ${unknown} : ${mustBe}('a string', ${t})`)}\n`
    return `${out}${indent}  }\n${indent}}\n`
  }

  private string(
    node: Extract<SchemaNode, { kind: 'string' }>,
    x: string,
    path: readonly PathPart[],
    indent: string,
  ) {
    let out = `${indent}if (typeof ${x} !== 'string') ${this.report(path, `${this.helper('mustBe')}('a string', ${x})`)}\n`
    if (node.minLength !== undefined) {
      const plural = node.minLength === 1 ? '' : 's'
      const msg = tsString(`must have at least ${node.minLength} character${plural}`)
      out += `${indent}else if (${this.helper('codePointLength')}(${x}) < ${node.minLength}) ${this.report(path, msg)}\n`
    }
    if (node.maxLength !== undefined) {
      const plural = node.maxLength === 1 ? '' : 's'
      const msg = tsString(`must have at most ${node.maxLength} character${plural}`)
      out += `${indent}else if (${this.helper('codePointLength')}(${x}) > ${node.maxLength}) ${this.report(path, msg)}\n`
    }
    if (node.hex !== undefined) {
      const sizes =
        node.hex.sizes === undefined ? 'undefined' : this.constant('SIZES', `[${node.hex.sizes.join(', ')}]`)
      const m = this.fresh('m')
      const call = `${this.helper('hexIssue')}(${x}, ${sizes}, ${node.hex.minBytes ?? 0})`
      out += `${indent}else {\n${indent}  const ${m} = ${call}\n${indent}  if (${m} !== undefined) ${this.report(path, m)}\n${indent}}\n`
    } else if (node.pattern !== undefined) {
      const re = this.constant('RE', `new RegExp(${tsString(node.pattern)}, 'u')`)
      const msg = tsString(`must be ${node.patternMessage ?? `a string matching ${node.pattern}`}`)
      out += `${indent}else if (!${re}.test(${x})) ${this.report(path, msg)}\n`
    }
    return out
  }

  private array(
    node: Extract<SchemaNode, { kind: 'array' }>,
    x: string,
    path: readonly PathPart[],
    indent: string,
  ) {
    let out = `${indent}if (!Array.isArray(${x})) ${this.report(path, `${this.helper('mustBe')}('an array', ${x})`)}\n`
    out += `${indent}else {\n`
    if (node.minItems !== undefined) {
      out += `${indent}  if (${x}.length < ${node.minItems}) ${this.report(path, tsString(`must have at least ${node.minItems} items`))}\n`
    }
    if (node.maxItems !== undefined) {
      out += `${indent}  if (${x}.length > ${node.maxItems}) ${this.report(path, tsString(`must have at most ${node.maxItems} items`))}\n`
    }
    const i = this.fresh('i')
    const item = this.fresh('x')
    out += `${indent}  for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {\n`
    out += `${indent}    const ${item}: unknown = ${x}[${i}]\n`
    out += this.node(node.items, item, [...path, { lit: '/' }, { code: `${i}` }], `${indent}    `)
    return `${out}${indent}  }\n${indent}}\n`
  }

  /** Module-level constants and hoisted branch functions, in creation order. */
  prelude(): string {
    const constants = [...this.constants].map(([init, name]) => `const ${name} = ${init}\n`).join('')
    return `${constants}${constants === '' ? '' : '\n'}${this.hoisted.join('\n')}`
  }
}

function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return 'Number.POSITIVE_INFINITY'
  if (n === Number.NEGATIVE_INFINITY) return 'Number.NEGATIVE_INFINITY'
  if (n === Number.MAX_SAFE_INTEGER) return 'Number.MAX_SAFE_INTEGER'
  return String(n)
}

/** Source of `validators.ts`. */
export function emitValidators(model: Map<string, NamedSchema>): string {
  const emitter = new ValidatorEmitter(model)
  const validators: string[] = []
  const checkers: string[] = []
  for (const named of model.values()) {
    const body = emitter.node(named.node, 'v', [{ code: 'p' }], '  ')
    validators.push(
      `function validate${named.name}(v: unknown, p: string, out: WireIssue[]): void {\n${body}}\n`,
    )
    const what =
      named.node.kind === 'union' && discriminators(model, named.node) !== undefined
        ? ' (dispatching on `type`)'
        : ''
    checkers.push(
      tsDoc(
        `Validates a {@link ${named.name}}${what}. On failure every issue is reported with its JSON Pointer. ` +
          'Never throws.',
      ) +
        `export function check${named.name}(value: unknown): CheckResult<${named.name}> {\n` +
        '  const out: WireIssue[] = []\n' +
        `  validate${named.name}(value, '', out)\n` +
        `  return out.length === 0 ? { ok: true, value: value as ${named.name} } : { ok: false, issues: out }\n` +
        '}\n',
    )
  }
  const helpers = RUNTIME_HELPERS.filter((h) => emitter.used.has(h))
  const names = [...model.keys()]
  const imports =
    "import type { CheckResult, WireIssue } from '../issues.js'\n" +
    `import { ${helpers.join(', ')} } from '../runtime.js'\n` +
    `import type {\n${names.map((n) => `  ${n},\n`).join('')}} from './types.js'\n`
  return [
    tsHeader('Ahead-of-time compiled validators: plain functions, no eval, no runtime schema library.'),
    imports,
    emitter.prelude(),
    validators.join('\n'),
    checkers.join('\n'),
  ]
    .filter((s) => s !== '')
    .join('\n')
}

/** SCREAMING_SNAKE_CASE of a PascalCase name. */
export function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/** Source of `frame-types.ts`: the `type` values of every discriminated union, in schema order. */
export function emitFrameTypes(model: Map<string, NamedSchema>): string {
  const parts: string[] = []
  const names: string[] = []
  for (const named of model.values()) {
    const tags = discriminators(model, named.node)
    if (tags === undefined) continue
    names.push(named.name)
    const list = tags.flat().map(tsString).join(', ')
    parts.push(
      tsDoc(`Every \`type\` of a {@link ${named.name}}, in schema order.`) +
        `export const ${screamingSnake(named.name)}_TYPES: readonly ${named.name}['type'][] = Object.freeze([${list}])\n`,
    )
  }
  const imports = `import type { ${names.join(', ')} } from './types.js'\n`
  return [tsHeader('The discriminator values of the frame unions.'), imports, parts.join('\n')].join('\n')
}
