import { describe, expect, it } from 'vitest'
import type { FaultRow } from '../src/faults/harness.js'
import { MATRIX_COLUMNS, parseMatrixRows, renderMatrix, rowCells } from '../src/faults/matrix.js'

const row = (over: Partial<FaultRow> = {}): FaultRow => ({
  fault: 'tampered | piped',
  expected: 'DECRYPTION_FAILED',
  observed: 'DECRYPTION_FAILED',
  delivered: 'prefix (2/10 chunks)',
  deliveredOk: true,
  stateAfter: 'failed',
  keysZeroed: 'yes (at failure)',
  pass: true,
  ...over,
})

describe('fault matrix document', () => {
  it('round-trips rows, including escaped pipes', () => {
    const rows = [row(), row({ fault: 'b', pass: false, deliveredOk: false })]
    const doc = renderMatrix(rows)
    expect(parseMatrixRows(doc)).toEqual(rows.map(rowCells))
    expect(rowCells(rows[1]!).slice(-4)).toEqual(['NO', 'failed', 'yes (at failure)', 'FAIL'])
    const header = doc.split('\n').find((l) => l.startsWith('| fault'))!
    expect(
      header
        .split('|')
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual([...MATRIX_COLUMNS])
    // Padded columns: every table line has the same length (as the formatter writes tables).
    const table = doc.split('\n').filter((l) => l.startsWith('|'))
    expect(new Set(table.map((l) => [...l].length)).size).toBe(1)
    expect(doc).toContain('1/2 rows pass.')
  })

  it('detects a changed cell', () => {
    const doc = renderMatrix([row()])
    expect(parseMatrixRows(doc)).not.toEqual([rowCells(row({ observed: 'CHUNK_OUT_OF_ORDER' }))])
    expect(parseMatrixRows('')).toEqual([])
  })
})
