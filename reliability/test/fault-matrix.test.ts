import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { testSigner } from '../src/common/identities.js'
import { runFaultScenario } from '../src/faults/harness.js'
import { type MatrixRow, matrixRow, parseMatrixRows, renderMatrix, rowCells } from '../src/faults/matrix.js'
import { FAULT_SCENARIOS } from '../src/faults/scenarios.js'
import { PORT_SHELL, WS_SHELL } from '../src/faults/shells.js'

const MATRIX_FILE = fileURLToPath(new URL('../FAULT-MATRIX.md', import.meta.url))

describe('fault matrix (node simulator and raw scripted node over 127.0.0.1; ws shell and MessagePort shell)', () => {
  it('observes every fault as the matrix says on both shells, and the committed FAULT-MATRIX.md matches', async () => {
    const committed = existsSync(MATRIX_FILE) ? readFileSync(MATRIX_FILE, 'utf8') : ''
    const { signer } = testSigner('fault-client')
    const rows: MatrixRow[] = []
    for (const scenario of FAULT_SCENARIOS) {
      const ws = await runFaultScenario(scenario, signer, WS_SHELL)
      rows.push(matrixRow(ws, await runFaultScenario(scenario, signer, PORT_SHELL)))
    }
    const rendered = renderMatrix(rows)
    // Always rewrite the file: a drift then shows up in `git diff` as well as in this test.
    writeFileSync(MATRIX_FILE, rendered)
    process.stdout.write(`\n${rendered}\n`)

    expect(rows.filter((r) => !r.pass).map((r) => rowCells(r).join(' | '))).toEqual([])
    expect(parseMatrixRows(rendered)).toEqual(rows.map(rowCells))
    expect(parseMatrixRows(committed), 'FAULT-MATRIX.md is out of date: commit the regenerated file').toEqual(
      rows.map(rowCells),
    )
  }, 240_000)
})
