import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createClient } from '@fabstir/transport-ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../src/common/identities.js'
import { fullGc, runResourceCycles } from '../src/load/resource-cycles.js'
import { type SimEndpoint, startInlineSim } from '../src/load/sim-endpoint.js'

/** CI size (`pnpm load -- --scenario resources` runs 10,000 cycles). */
const CYCLES = 1_000
const FIXTURE = fileURLToPath(new URL('./fixtures/open-close-exit.mjs', import.meta.url))
/**
 * Far below the client's default timeouts (10–60 s) and `ws`'s 30 s closing-handshake timer: anything left behind
 * would keep the child alive past it.
 */
const EXIT_DEADLINE_MS = 8_000

let sim: SimEndpoint
/**
 * A simulator that streams its answers over time (the node writes an answer burst in one go, so without a delay
 * between chunks a whole short answer arrives in one read and is complete before the child can close mid-answer).
 */
let streamingSim: SimEndpoint
beforeAll(async () => {
  sim = await startInlineSim({
    options: { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 100_000 },
  })
  streamingSim = await startInlineSim({
    options: { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 100_000, chunkDelayMs: 20 },
  })
})
afterAll(async () => {
  await sim?.close()
  await streamingSim?.close()
})

describe('resource safety', () => {
  it(`${CYCLES} createClient + startSession + close cycles leave no handle, socket or connection behind`, async () => {
    const r = await runResourceCycles(sim, CYCLES, 8)
    process.stdout.write(`${JSON.stringify(r)}\n`)
    expect(r.failures).toEqual({})
    expect(r.grown).toEqual({})
    expect(r.sim.openConnections).toBe(0)
    expect(r.sim.settledJobs).toBe(r.sim.connectionsOpened)
    // Roughly flat: well under the ~kilobytes per cycle a leaked session (socket, buffers, keys) would cost.
    expect(r.after.heapUsedMiB - r.before.heapUsedMiB).toBeLessThan(8)
  }, 120_000)

  it('closed clients and sessions become garbage (no timer, socket or listener keeps them reachable)', async () => {
    const { signer } = testSigner('gc-client')
    // In a separate function so that no local variable of this test keeps the last client alive.
    const cycle = async (i: number): Promise<WeakRef<object>[]> => {
      const client = createClient({ url: sim.url, nodePublicKey: sim.publicKey, signer })
      const session = await client.startSession({ ...SESSION_OPTIONS, jobId: String(9000 + i) })
      await session.send(`prompt ${i} before close`)
      session.on('status', () => {})
      await client.close()
      return [new WeakRef(client), new WeakRef(session)]
    }
    const refs: WeakRef<object>[] = []
    for (let i = 0; i < 20; i++) refs.push(...(await cycle(i)))
    // WeakRef targets stay alive until the current job ends: collect on later turns.
    let alive = refs.length
    for (let attempt = 0; attempt < 20 && alive > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      fullGc()
      alive = refs.filter((r) => r.deref() !== undefined).length
    }
    expect(alive).toBe(0)
  }, 60_000)

  it.each([
    ['idle', 'opens a session, prompts, closes'],
    ['in-flight', 'closes while an answer is streaming'],
  ])(
    'a child process that %s exits on its own (%s)',
    async (scenario) => {
      const result = await new Promise<{
        code: number | null
        killed: boolean
        stdout: string
        stderr: string
      }>((resolve) => {
        const child = spawn(process.execPath, [FIXTURE, streamingSim.url, streamingSim.publicKey, scenario])
        let stdout = ''
        let stderr = ''
        let killed = false
        child.stdout.on('data', (d: Buffer) => {
          stdout += d
        })
        child.stderr.on('data', (d: Buffer) => {
          stderr += d
        })
        const timer = setTimeout(() => {
          killed = true
          child.kill('SIGKILL')
        }, EXIT_DEADLINE_MS)
        child.on('exit', (code) => {
          clearTimeout(timer)
          resolve({ code, killed, stdout, stderr })
        })
      })
      expect(result.stderr).toBe('')
      expect(result.killed).toBe(false)
      expect(result.code).toBe(0)
      const report = JSON.parse(result.stdout.trim()) as { outcome: string; resourcesAtExit: string[] }
      expect(report.outcome).toBe(scenario === 'idle' ? 'answered' : 'SESSION_CLOSED')
      expect(report.resourcesAtExit.filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap')).toEqual([])
    },
    30_000,
  )
})
