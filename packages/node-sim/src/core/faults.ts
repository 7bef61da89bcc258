import { NodeSimError } from '../errors.js'
import type { Faults } from './types.js'

const CHUNK_FAULTS = [
  'tamperChunk',
  'replayChunk',
  'dropChunk',
  'wrongAadChunk',
  'closeMidStream',
  'encryptionFailureAtChunk',
  'tamperActionReply',
  'replayActionReply',
  'closeAfterActionReply',
] as const
const KNOWN = new Set<string>([
  ...CHUNK_FAULTS,
  'reorderChunks',
  'forgeStreamEnd',
  'delayMs',
  'wrongClientAddress',
  'silent',
  'wrongActionAad',
  'dropActionCompletion',
])

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

function invalid(name: string, expected: string): never {
  throw new NodeSimError('INVALID_FAULTS', `fault "${name}" must be ${expected}`, { fault: name })
}

/** Check a fault set and return a frozen copy. Throws `INVALID_FAULTS` for unknown names or bad values. */
export function normalizeFaults(faults: Faults | undefined): Readonly<Faults> {
  if (faults === undefined) return Object.freeze({})
  if (typeof faults !== 'object' || faults === null) invalid('faults', 'an object')
  for (const key of Object.keys(faults)) {
    if (!KNOWN.has(key)) throw new NodeSimError('INVALID_FAULTS', `unknown fault "${key}"`, { fault: key })
  }
  for (const name of CHUNK_FAULTS) {
    const v = faults[name]
    if (v !== undefined && !isIndex(v)) invalid(name, 'a non-negative integer chunk index')
  }
  const r = faults.reorderChunks
  if (
    r !== undefined &&
    (!Array.isArray(r) || r.length !== 2 || !isIndex(r[0]) || !isIndex(r[1]) || r[0] === r[1])
  ) {
    invalid('reorderChunks', 'a pair of two different chunk indices')
  }
  if (faults.delayMs !== undefined && !(typeof faults.delayMs === 'number' && faults.delayMs >= 0)) {
    invalid('delayMs', 'a non-negative number of milliseconds')
  }
  for (const name of ['forgeStreamEnd', 'silent', 'wrongActionAad', 'dropActionCompletion'] as const) {
    if (faults[name] !== undefined && typeof faults[name] !== 'boolean') invalid(name, 'a boolean')
  }
  const w = faults.wrongClientAddress
  if (w !== undefined && (typeof w !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(w))) {
    invalid('wrongClientAddress', 'a 0x-prefixed 20-byte hex address')
  }
  const copy: Faults = { ...faults }
  if (r !== undefined) copy.reorderChunks = Object.freeze([r[0], r[1]] as const)
  return Object.freeze(copy)
}
