/** Emits `packages/wire/src/generated/types.ts`: one TypeScript type per registered schema. */

import { tsDoc, tsHeader, tsKey, tsString } from './header.js'
import { printJson } from './json-print.js'
import { type NamedSchema, resolve, type SchemaNode } from './model.js'

function needsParens(node: SchemaNode): boolean {
  return node.kind === 'union' || node.kind === 'u64'
}

/** The TypeScript type expression of a node; object literals are laid out at `indent`. */
export function tsType(node: SchemaNode, indent = ''): string {
  switch (node.kind) {
    case 'ref':
      return node.name
    case 'object':
      return `{\n${objectBody(node.properties, `${indent}  `)}${indent}}`
    case 'union':
      return node.branches.map((b) => tsType(b, indent)).join(' | ')
    case 'const':
      return typeof node.value === 'string' ? tsString(node.value) : String(node.value)
    case 'string':
      return 'string'
    case 'integer':
    case 'number':
      return 'number'
    case 'u64':
      return 'number | bigint'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'any':
      return 'unknown'
    case 'array': {
      const item = tsType(node.items, indent)
      return needsParens(node.items) ? `(${item})[]` : `${item}[]`
    }
  }
}

function objectBody(
  properties: Extract<SchemaNode, { kind: 'object' }>['properties'],
  indent: string,
): string {
  return properties
    .map(
      (p) =>
        `${tsDoc(p.node.description, indent)}${indent}${tsKey(p.key)}${p.required ? '' : '?'}: ${tsType(p.node, indent)}\n`,
    )
    .join('')
}

function examplesDoc(named: NamedSchema): string[] {
  const examples = named.raw.examples
  if (!Array.isArray(examples) || examples.length === 0) return []
  const first = printJson(examples[0]).trimEnd()
  return ['', '@example', '```json', ...first.split('\n'), '```']
}

function emitOne(model: Map<string, NamedSchema>, named: NamedSchema): string {
  const doc = tsDoc(named.node.description, '', examplesDoc(named))
  const node = named.node
  if (node.kind === 'object')
    return `${doc}export interface ${named.name} {\n${objectBody(node.properties, '  ')}}\n`
  // Unions of objects, and long unions, are written one member per line.
  if (
    node.kind === 'union' &&
    (node.branches.length > 4 || node.branches.every((b) => resolve(model, b).kind === 'object'))
  ) {
    return `${doc}export type ${named.name} =\n${node.branches.map((b) => `  | ${tsType(b)}`).join('\n')}\n`
  }
  return `${doc}export type ${named.name} = ${tsType(node)}\n`
}

/** Source of `types.ts`. */
export function emitTypes(model: Map<string, NamedSchema>): string {
  const parts = [...model.values()].map((named) => emitOne(model, named))
  return `${tsHeader('TypeScript types of every wire schema.')}\n${parts.join('\n')}`
}
