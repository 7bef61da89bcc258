/** Emits `docs/protocol.md`: the human-readable protocol reference, from the schemas and the prose in `schema/`. */
import { docs, type ErrorCodeRow, type SchemaGroup, SHAPE_B_ERRORS } from '@fabstir/schema'
import { schemaFileName } from './emit-json-schema.js'
import { GENERATED_NOTICE } from './header.js'
import { printJson } from './json-print.js'
import { type NamedSchema, resolve, type SchemaNode } from './model.js'

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

/**
 * A Markdown table with padded, aligned columns — the layout of the repository formatter (biome), so that the
 * generated document passes `biome check`. Widths count code points (the text has no wide characters).
 */
function markdownTable(header: string[], body: string[][]): string {
  const rows = [header, ...body]
  const widths = header.map((_, c) => Math.max(3, ...rows.map((r) => [...(r[c] ?? '')].length)))
  const line = (cells: string[]) =>
    `| ${cells.map((x, c) => x + ' '.repeat(widths[c]! - [...x].length)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}

function range(min: number, max: number): string {
  const lo = Number.isFinite(min) ? min : undefined
  const hi = Number.isFinite(max) && max !== Number.MAX_SAFE_INTEGER ? max : undefined
  if (lo !== undefined && hi !== undefined) return ` ${lo}…${hi}`
  if (lo !== undefined) return ` ≥ ${lo}`
  if (hi !== undefined) return ` ≤ ${hi}`
  return ''
}

/** Short type notation for the field tables. */
function typeText(model: Map<string, NamedSchema>, node: SchemaNode): string {
  switch (node.kind) {
    case 'ref': {
      const target = resolve(model, node)
      if (target.kind === 'object') return `object (${node.name})`
      return typeText(model, target)
    }
    case 'object':
      return 'object'
    case 'union':
      return node.branches.map((b) => typeText(model, b)).join(' or ')
    case 'const':
      return `\`${JSON.stringify(node.value)}\``
    case 'string': {
      if (node.hex !== undefined) {
        const { sizes, minBytes } = node.hex
        if (sizes !== undefined) return `hex, ${sizes.join(' or ')} bytes`
        return minBytes !== undefined && minBytes > 0 ? `hex, ≥ ${minBytes} bytes` : 'hex'
      }
      if (node.pattern !== undefined) return `string matching \`${node.pattern}\``
      return 'string'
    }
    case 'integer':
      return `integer${range(node.minimum, node.maximum)}`
    case 'u64':
      return 'integer (u64, may exceed 2^53)'
    case 'number':
      return `number${range(node.minimum, node.maximum)}`
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'any':
      return node.maxJsonBytes === undefined ? 'any JSON' : `any JSON, ≤ ${node.maxJsonBytes} bytes compact`
    case 'array': {
      const bounds =
        node.minItems !== undefined && node.minItems === node.maxItems
          ? ` (exactly ${node.minItems})`
          : `${node.minItems ? ` (≥ ${node.minItems} items)` : ''}${node.maxItems !== undefined ? ` (≤ ${node.maxItems} items)` : ''}`
      return `array of ${typeText(model, node.items)}${bounds}`
    }
  }
}

interface Row {
  field: string
  type: string
  required: boolean
  description: string
}

function rows(model: Map<string, NamedSchema>, node: SchemaNode, prefix: string): Row[] {
  const target = resolve(model, node)
  if (target.kind !== 'object') return []
  const out: Row[] = []
  for (const p of target.properties) {
    const field = `${prefix}${p.key}`
    out.push({
      field,
      type: typeText(model, p.node),
      required: p.required,
      description: withDefault(p.node.description ?? resolve(model, p.node).description ?? '', p.node),
    })
    out.push(...rows(model, p.node, `${field}.`))
    if (p.node.kind === 'array') out.push(...rows(model, p.node.items, `${field}[].`))
  }
  return out
}

function withDefault(description: string, node: SchemaNode): string {
  return node.default === undefined
    ? description
    : `${description} Default: \`${JSON.stringify(node.default)}\`.`
}

function table(model: Map<string, NamedSchema>, node: SchemaNode): string {
  return markdownTable(
    ['Field', 'Type', 'Required', 'Description'],
    rows(model, node, '').map((r) => [
      `\`${r.field}\``,
      cell(r.type),
      r.required ? 'yes' : 'no',
      cell(r.description),
    ]),
  )
}

function examples(named: NamedSchema): string {
  const list = named.raw.examples
  if (!Array.isArray(list) || list.length === 0) return ''
  const title = list.length === 1 ? 'Example' : 'Examples'
  return `${title}:\n\n${list.map((e) => `\`\`\`json\n${printJson(e)}\`\`\``).join('\n\n')}\n`
}

function frameType(named: NamedSchema, model: Map<string, NamedSchema>): string {
  const node = resolve(model, named.node)
  const objects = node.kind === 'union' ? node.branches.map((b) => resolve(model, b)) : [node]
  for (const o of objects) {
    if (o.kind !== 'object') continue
    const t = o.properties.find((p) => p.key === 'type') ?? o.properties.find((p) => p.key === 'action')
    if (t?.node.kind === 'const') return String(t.node.value)
  }
  return named.name
}

function anchor(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replaceAll(' ', '-')
}

function frameSection(model: Map<string, NamedSchema>, named: NamedSchema, direction: string): string {
  const type = frameType(named, model)
  const parts = [
    `### \`${type}\` — ${named.name}`,
    '',
    `${named.node.description ?? ''}`,
    '',
    `- **Direction:** ${direction}`,
    `- **When:** ${named.entry.when ?? '—'}`,
    '',
  ]
  if (named.node.kind === 'union') {
    named.node.branches.forEach((branch, i) => {
      if (branch.kind !== 'ref') return
      const part = model.get(branch.name)!
      parts.push(
        `#### Shape ${String.fromCharCode(65 + i)} — ${part.name}`,
        '',
        part.node.description ?? '',
        '',
      )
      parts.push(table(model, branch), '', examples(part))
    })
  } else {
    parts.push(table(model, named.node), '', examples(named))
  }
  return parts.join('\n')
}

function objectSection(model: Map<string, NamedSchema>, named: NamedSchema): string {
  return [
    `### ${named.name}`,
    '',
    named.node.description ?? '',
    '',
    table(model, named.node),
    '',
    examples(named),
  ].join('\n')
}

function unionSection(model: Map<string, NamedSchema>, named: NamedSchema): string {
  const values =
    named.node.kind === 'union'
      ? named.node.branches.map((b) => {
          const r = resolve(model, b)
          return r.kind === 'const' ? `- \`${JSON.stringify(r.value)}\` — ${r.description ?? ''}` : ''
        })
      : []
  return [`### ${named.name}`, '', named.node.description ?? '', '', ...values, ''].join('\n')
}

function errorTable(table: readonly ErrorCodeRow[]): string {
  return markdownTable(
    ['Code', 'Origin', 'Sent by node', 'Where', 'Retryable', 'Description', 'Action'],
    table.map((r) => [
      `\`${r.code}\``,
      r.origin,
      r.sentByNode ? 'yes' : 'no',
      where(r),
      r.retryable ? 'yes' : 'no',
      cell(r.description),
      cell(r.action),
    ]),
  )
}

function where(r: ErrorCodeRow): string {
  if (r.families !== undefined) return r.families.map((f) => `${f}_error`).join(', ')
  if (r.origin === 'client') return SHAPE_B_ERRORS.some((b) => b.code === r.code) ? 'shape B text' : 'SDK'
  return r.sentByNode ? 'error frame' : '—'
}

function shapeBTable(): string {
  return markdownTable(
    ['Node text (pattern)', 'SDK code', 'Followed by', 'Example'],
    SHAPE_B_ERRORS.map((b) => [`\`${cell(b.pattern)}\``, `\`${b.code}\``, b.followedBy, cell(b.example)]),
  )
}

function actionSection(model: Map<string, NamedSchema>, named: NamedSchema, direction: string): string {
  const type = frameType(named, model)
  const aad =
    named.entry.aad === undefined ? 'any (the node does not check the request AAD)' : `\`${named.entry.aad}\``
  return [
    `### \`${type}\` — ${named.name}`,
    '',
    named.node.description ?? '',
    '',
    `- **Direction:** ${direction}, sealed in ${direction.startsWith('client') ? 'encrypted_message' : 'encrypted_response'}`,
    `- **AAD:** ${aad}`,
    '',
    table(model, named.node),
    '',
    examples(named),
  ].join('\n')
}

function inGroup(model: Map<string, NamedSchema>, group: SchemaGroup): NamedSchema[] {
  return [...model.values()].filter((n) => n.entry.group === group)
}

/** Source of `docs/protocol.md`. */
export function emitDocs(model: Map<string, NamedSchema>, errorCodes: readonly ErrorCodeRow[]): string {
  const clientFrames = inGroup(model, 'client-frame')
  const nodeFrames = inGroup(model, 'node-frame')
  const sections = [
    `<!-- ${GENERATED_NOTICE} -->`,
    '',
    '# Fabstir wire protocol reference',
    '',
    docs.INTRO,
    '',
    '## Contents',
    '',
    '- [Transport and encoding](#transport-and-encoding)',
    '- [Keys and encryption](#keys-and-encryption)',
    '- [Ordering rules](#ordering-rules)',
    '- [Client → node frames](#client--node-frames)',
    ...clientFrames.map(
      (f) => `  - [\`${frameType(f, model)}\`](#${anchor(`${frameType(f, model)} — ${f.name}`)})`,
    ),
    '- [Node → client frames](#node--client-frames)',
    ...nodeFrames.map(
      (f) => `  - [\`${frameType(f, model)}\`](#${anchor(`${frameType(f, model)} — ${f.name}`)})`,
    ),
    '- [Encrypted plaintexts](#encrypted-plaintexts)',
    '- [Encrypted actions](#encrypted-actions)',
    ...[...inGroup(model, 'action-request'), ...inGroup(model, 'action-reply')].map(
      (f) => `  - [\`${frameType(f, model)}\`](#${anchor(`${frameType(f, model)} — ${f.name}`)})`,
    ),
    '- [Error codes](#error-codes)',
    '- [Other named parts](#other-named-parts)',
    '- [JSON Schema files](#json-schema-files)',
    '- [Conformance vectors](#conformance-vectors)',
    '',
    '## Transport and encoding',
    '',
    docs.TRANSPORT,
    '',
    '## Keys and encryption',
    '',
    docs.CRYPTO,
    '',
    markdownTable(
      ['Payload', 'AAD'],
      docs.AAD_TABLE.map((r) => [`\`${r.payload}\``, cell(r.aad)]),
    ),
    '',
    '## Ordering rules',
    '',
    docs.ORDERING,
    '',
    '## Client → node frames',
    '',
    ...clientFrames.map((f) => frameSection(model, f, 'client → node')),
    '## Node → client frames',
    '',
    ...nodeFrames.map((f) => frameSection(model, f, 'node → client')),
    '## Encrypted plaintexts',
    '',
    'The plaintexts sealed inside `encrypted_session_init` and `encrypted_message` (chat), and the bare finish ' +
      'reason of the chat `encrypted_response`. The action messages follow in the next section.',
    '',
    ...inGroup(model, 'plaintext-object').map((n) =>
      n.node.kind === 'object' ? objectSection(model, n) : unionSection(model, n),
    ),
    '## Encrypted actions',
    '',
    docs.ACTIONS,
    '',
    markdownTable(
      ['AAD', 'Plaintext'],
      docs.ACTION_AAD_TABLE.map((r) => [r.aad, cell(r.plaintext)]),
    ),
    '',
    docs.ACTIONS_AFTER,
    '',
    ...inGroup(model, 'action-request').map((n) => actionSection(model, n, 'client → node')),
    ...inGroup(model, 'action-reply').map((n) => actionSection(model, n, 'node → client')),
    '## Error codes',
    '',
    'Shape A errors carry one of the node codes in `code`; action replies carry theirs in ' +
      '`error.code` of `<family>_error` ("Where"); shape B errors have only an `error` text, mapped by the SDK as ' +
      'listed below. Codes with origin `client` are raised by the SDK itself. ' +
      '"Retryable" means repeating the operation after the recommended action can succeed.',
    '',
    errorTable(errorCodes),
    '',
    '### Shape B errors',
    '',
    'Shape B frames (`{"type":"error","error":"<text>"}`) carry no code; RAG ones carry no id either. The SDK maps ' +
      'their text, in this order, to a stable code (anything else is `NODE_ERROR`):',
    '',
    shapeBTable(),
    '',
    '## Other named parts',
    '',
    'Named sub-objects referenced by the tables above (each has its own type, checker and JSON Schema file).',
    '',
    ...inGroup(model, 'part')
      .filter((n) => n.node.kind === 'object')
      .map((n) => objectSection(model, n)),
    '## JSON Schema files',
    '',
    'Draft 2020-12, in `packages/wire/json-schema/`: `bundle.schema.json` (every schema under `$defs`), ' +
      '`error-codes.json` (the table above) and one self-contained file per schema:',
    '',
    ...[...model.keys()].map((n) => `- \`${schemaFileName(n)}\``),
    '',
    '## Conformance vectors',
    '',
    'Implementing the protocol in another language? `@fabstir/conformance` ships deterministic vectors generated from ' +
      'this schema and seeded keys — every crypto step of a session init, valid and invalid frames per type with the ' +
      'expected verdict, and byte-exact session transcripts — in `packages/conformance/vectors/`, plus a node battery ' +
      'and a scripted node for client SDKs. See [conformance.md](conformance.md).',
    '',
  ]
  return `${sections.join('\n').replace(/\n{3,}/g, '\n\n')}`
}
