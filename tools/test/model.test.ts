import { SCHEMAS, type SchemaEntry } from '@fabstir/schema'
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { printJson } from '../src/codegen/json-print.js'
import { buildModel, discriminators, pointerToken, toNode } from '../src/codegen/model.js'

const named = (name: string, schema: object): SchemaEntry => ({
  name,
  group: 'part',
  family: 'chat',
  schema: { ...schema, $id: `urn:fabstir:wire:${name}`, title: name } as SchemaEntry['schema'],
})

describe('schema model', () => {
  it('converts the whole registry', () => {
    const model = buildModel(SCHEMAS)
    expect(model.size).toBe(SCHEMAS.length)
    expect(discriminators(model, model.get('NodeFrame')!.node)?.flat()).toContain('error')
    // Both error shapes share type 'error': not a discriminated union.
    expect(discriminators(model, model.get('ErrorFrame')!.node)).toBeUndefined()
  })

  it('refuses keywords it does not implement', () => {
    const schema = Type.String({ description: 'x', format: 'email' })
    expect(() => toNode(schema as never, 'X')).toThrow(/unsupported keyword format/)
  })

  it('requires a description on every schema', () => {
    const entry = named('NoDoc', Type.Object({ a: Type.String() }, { description: 'has one' }))
    expect(() => buildModel([entry])).toThrow(/NoDoc\/a: every schema needs a description/)
  })

  it('refuses references to unregistered schemas and duplicate names', () => {
    const inner = named('Inner', Type.Object({}, { description: 'inner' })).schema
    const outer = named('Outer', Type.Object({ i: inner }, { description: 'outer' }))
    expect(() => buildModel([outer])).toThrow(/Inner is not registered/)
    expect(() => buildModel([outer, outer])).toThrow(/duplicate schema name Outer/)
  })

  it('escapes JSON Pointer tokens', () => {
    expect(pointerToken('a/b~c')).toBe('a~1b~0c')
  })
})

describe('printJson', () => {
  it('prints bigint exactly, expands objects and keeps short scalar arrays inline', () => {
    expect(printJson({ a: 18446744073709551615n, b: [1, 'x'], c: {}, d: [] })).toBe(
      '{\n  "a": 18446744073709551615,\n  "b": [1, "x"],\n  "c": {},\n  "d": []\n}\n',
    )
    const long = Array.from({ length: 30 }, (_, i) => `item${i}`)
    expect(printJson({ long }).split('\n')).toHaveLength(long.length + 5) // { "long": [ … ] } and the final newline
  })
})
