import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createClient } from '@fabstir/transport-ws'
import { SESSION_OPTIONS, testSigner } from '../common/identities.js'
import { mib } from '../common/stats.js'
import type { SimEndpoint, SimStats } from './sim-endpoint.js'

/** Counts of `process.getActiveResourcesInfo()` by resource type, and the heap after a full GC. */
export interface ResourceSnapshot {
  resources: Record<string, number>
  heapUsedMiB: number
}

/** What an open/close cycle run measured. */
export interface CycleReport {
  cycles: number
  concurrency: number
  /** Cycles whose startSession or close failed, by code (expected: none). */
  failures: Record<string, number>
  before: ResourceSnapshot
  after: ResourceSnapshot
  /** Resource types whose count grew between before and after. */
  grown: Record<string, number>
  /** The node's view after the run. */
  sim: SimStats
  ms: number
}

let gcFn: (() => void) | undefined

/** A full garbage collection (enables `--expose-gc` at run time if the process was not started with it). */
export function fullGc(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc
    if (g) gcFn = g
    else {
      setFlagsFromString('--expose-gc')
      gcFn = runInNewContext('gc') as () => void
    }
  }
  gcFn()
  gcFn()
}

/** Active handles/requests of this thread by type, plus heap after GC. */
export async function snapshot(): Promise<ResourceSnapshot> {
  // Let closes and timers that are already due run first.
  await new Promise((resolve) => setImmediate(resolve))
  fullGc()
  const resources: Record<string, number> = {}
  for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1
  return { resources, heapUsedMiB: mib(process.memoryUsage().heapUsed) }
}

/**
 * Run `cycles` × (`createClient` → `startSession` → `client.close()`), `concurrency` at a time, against one
 * simulator, then wait until the node has seen every connection close and compare this thread's active resources
 * and heap with a baseline taken after `warmup` cycles (JIT and lazily created structures settle first).
 */
export async function runResourceCycles(
  sim: SimEndpoint,
  cycles: number,
  concurrency: number,
  warmup = 50,
): Promise<CycleReport> {
  const { signer } = testSigner('resource-client')
  const failures: Record<string, number> = {}
  const cycle = async (i: number): Promise<void> => {
    const client = createClient({
      url: sim.url,
      nodePublicKey: sim.publicKey,
      signer,
      timeouts: { connectMs: 30_000, ackMs: 30_000, firstChunkMs: 30_000, idleMs: 30_000 },
    })
    try {
      await client.startSession({ ...SESSION_OPTIONS, jobId: String(i) })
    } catch (e) {
      const code = (e as { code?: unknown }).code
      const key = typeof code === 'string' ? code : 'UNTYPED'
      failures[key] = (failures[key] ?? 0) + 1
    } finally {
      await client.close()
    }
  }
  let next = 0
  const runUntil = (last: number) => async (): Promise<void> => {
    while (next < last) await cycle(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, runUntil(warmup)))
  await waitForNoConnections(sim)
  const before = await snapshot()
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, runUntil(warmup + cycles)))
  const ms = Math.round(performance.now() - started)
  const simStats = await waitForNoConnections(sim)
  const after = await snapshot()
  const grown: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.resources)) {
    const b = before.resources[k] ?? 0
    if (v > b) grown[k] = v - b
  }
  return { cycles, concurrency, failures, before, after, grown, sim: simStats, ms }
}

async function waitForNoConnections(sim: SimEndpoint): Promise<SimStats> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const stats = await sim.stats()
    if (stats.openConnections === 0 || Date.now() > deadline) return stats
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
