import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { PLANTED_BUGS, type PlantedBug } from '../src/simulation/bugs.js'
import { tamperCiphertext } from '../src/simulation/network.js'
import { planSchedule } from '../src/simulation/plan.js'
import { runSeeds } from '../src/simulation/pool.js'
import { Prng } from '../src/simulation/prng.js'
import { formatReport } from '../src/simulation/report.js'
import { runSchedule } from '../src/simulation/run-schedule.js'
import { sdkClient } from '../src/simulation/sdk-client.js'

/** Schedules of the CI run (the issue asks for at least 10,000); override with FABSTIR_SIMULATION_SCHEDULES. */
const SCHEDULES = Number(process.env.FABSTIR_SIMULATION_SCHEDULES ?? 10_000)
const WORKERS = Math.max(1, Math.min(4, availableParallelism()))

describe('deterministic simulation: the SDK client core against the node-sim core on a virtual clock', () => {
  it('replays a seed exactly: two runs give the same virtual-time trace', async () => {
    // The first seed of each fault family.
    const seeds = new Set<number>()
    for (const family of ['lossy', 'restarts', 'hostile', 'wallet', 'slow-node', 'keyless-node', 'rekey']) {
      for (let seed = 1; seed < 1000; seed++) {
        if (planSchedule(seed).features.includes(family)) {
          seeds.add(seed)
          break
        }
      }
    }
    expect(new Set([...seeds].flatMap((s) => planSchedule(s).features)).size).toBe(7)
    for (const seed of seeds) {
      const a = await runSchedule(seed, sdkClient, { keepTrace: true })
      const b = await runSchedule(seed, sdkClient, { keepTrace: true })
      expect(a.trace!.length).toBeGreaterThan(0)
      expect(b.trace).toEqual(a.trace)
      expect(b.digest).toBe(a.digest)
    }
    const digests = new Set<string>()
    for (let seed = 1; seed <= 20; seed++) digests.add((await runSchedule(seed, sdkClient)).digest)
    expect(digests.size).toBe(20)
  })

  it('the relay tampers exactly one hex digit of the ciphertext', () => {
    const frame = '{"type":"encrypted_chunk","payload":{"ciphertextHex":"00ff00ff","nonceHex":"ab"}}'
    const out = tamperCiphertext(frame, new Prng(5))!
    const diff = [...frame].filter((ch, i) => out[i] !== ch)
    expect(out).toHaveLength(frame.length)
    expect(diff).toHaveLength(1)
    expect(out.indexOf('"nonceHex":"ab"')).toBe(frame.indexOf('"nonceHex":"ab"'))
    expect(tamperCiphertext('{"type":"stream_end"}', new Prng(5))).toBeUndefined()
  })

  it(`runs ${SCHEDULES} seeded schedules with every invariant holding`, { timeout: 900_000 }, async () => {
    const job = { from: 1, count: SCHEDULES, client: 'sdk' } as const
    const report = await runSeeds(job, WORKERS)
    process.stdout.write(`${formatReport(report, job, WORKERS)}\n`)
    expect(report.schedules).toBe(SCHEDULES)
    if (report.failureCount > 0) expect.fail(formatReport(report, job, WORKERS))
    // The faults really happened (a simulation whose faults never fire cannot fail).
    const n = report.network
    for (const k of ['refused', 'breaks', 'blackholes', 'tampered', 'replayed', 'reordered'] as const) {
      expect(n[k], k).toBeGreaterThan(0)
    }
    for (const f of ['lossy', 'restarts', 'hostile', 'wallet', 'slow-node', 'rate-limit', 'rekey']) {
      expect(report.features[f], f).toBeGreaterThan(0)
    }
    expect(report.codes['send:DECRYPTION_FAILED'] ?? 0).toBeGreaterThan(0)
    expect(report.codes['send:ABORTED'] ?? 0).toBeGreaterThan(0)
    expect(report.resolved).toBeGreaterThan(report.rejected)
  })

  it('a second, independent client (the minimal reference client) passes the same invariants', async () => {
    const report = await runSeeds({ from: 1, count: 150, client: 'reference' }, 1)
    if (report.failureCount > 0)
      expect.fail(formatReport(report, { from: 1, count: 150, client: 'reference' }, 1))
    expect(report.resolved).toBeGreaterThan(0)
  })

  describe('catches planted bugs, with a seed that replays the failure', () => {
    const cases: [PlantedBug, string][] = [
      ['clock-never-fires', 'lost'],
      ['wrong-answer', 'wrong-answer'],
      ['deadline-ignored', 'late'],
      ['never-closed', 'keys-not-zeroed'],
    ]
    for (const [bug, invariant] of cases) {
      it(`${bug} → ${invariant}`, { timeout: 300_000 }, async () => {
        const report = await runSeeds({ from: 1, count: 300, client: 'sdk', bug, stopAfter: 1 }, 1)
        expect(report.failureCount).toBe(1)
        const first = report.failures.find((f) => f.violations.some((v) => v.invariant === invariant))
        expect(first, `no ${invariant} failure`).toBeDefined()
        const again = await runSchedule(first!.seed, sdkClient, PLANTED_BUGS[bug])
        expect(again.violations).toEqual(first!.violations)
        const healthy = await runSchedule(first!.seed, sdkClient)
        expect(healthy.violations).toEqual([])
      })
    }
  })
})
