import { describe, expect, it } from 'vitest'
import type { FaultRow } from '../src/faults/harness.js'
import {
  MATRIX_COLUMNS,
  type MatrixRow,
  matrixRow,
  parseMatrixRows,
  renderMatrix,
  rowCells,
} from '../src/faults/matrix.js'

const run = (over: Partial<FaultRow> = {}): FaultRow => ({
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
const row = (over: Partial<MatrixRow> = {}): MatrixRow => ({ ...run(), portShell: 'same', ...over })

describe('fault matrix document', () => {
  it('round-trips rows, including escaped pipes', () => {
    const rows = [row(), row({ fault: 'b', pass: false, deliveredOk: false })]
    const doc = renderMatrix(rows)
    expect(parseMatrixRows(doc)).toEqual(rows.map(rowCells))
    expect(rowCells(rows[1]!).slice(-5)).toEqual(['NO', 'failed', 'yes (at failure)', 'FAIL', 'same'])
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

  it('compares the port shell run with the ws shell run, cell by cell', () => {
    expect(matrixRow(run(), run())).toMatchObject({ portShell: 'same', pass: true })
    const differs = matrixRow(run(), run({ observed: 'TIMEOUT', stateAfter: 'closed', pass: false }))
    expect(differs.portShell).toBe('observed code: TIMEOUT; state after: closed; PASS: FAIL')
    expect(differs.pass).toBe(false)
    expect(differs.observed).toBe('DECRYPTION_FAILED')
  })

  it('detects a changed cell', () => {
    const doc = renderMatrix([row()])
    expect(parseMatrixRows(doc)).not.toEqual([rowCells(row({ observed: 'CHUNK_OUT_OF_ORDER' }))])
    expect(parseMatrixRows('')).toEqual([])
  })
})
