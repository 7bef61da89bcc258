import { hexToBytes } from '@fabstir/crypto'
import { type Faults, type NodeSimHandle, type NodeSimOptions, startNodeSim } from '@fabstir/node-sim'
import { afterAll, describe, expect, it } from 'vitest'
import { NODE_CASES, type NodeTarget, runNodeSuite, type SuiteReport, summarize } from '../src/index.js'

const sims: NodeSimHandle<boolean>[] = []
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()))
})

async function sim(options: NodeSimOptions = {}): Promise<NodeSimHandle<boolean>> {
  const handle = await startNodeSim({ port: 0, chunkDelayMs: 5, rateLimitPerMinute: 1_000_000, ...options })
  sims.push(handle)
  return handle
}

function target(s: NodeSimHandle<boolean>, extra: Partial<NodeTarget> = {}): NodeTarget {
  return {
    url: s.url,
    nodePublicKey: s.publicKey === null ? undefined : hexToBytes(s.publicKey),
    nodeAddress: s.address,
    timeoutMs: 2000,
    silenceMs: 250,
    contextWindow: 8192,
    jobTimeoutMs: 2000,
    ...extra,
  }
}

function failures(report: SuiteReport): string[] {
  return report.results.filter((r) => r.status === 'fail').map((r) => `${r.id} ${r.title}: ${r.message}`)
}

describe('node mode against @fabstir/node-sim (the meta-tests that keep the suite honest)', () => {
  it('has at least 100 numbered cases with unique ids', () => {
    expect(NODE_CASES.length).toBeGreaterThanOrEqual(100)
    expect(new Set(NODE_CASES.map((c) => c.id)).size).toBe(NODE_CASES.length)
  })

  it('passes 100 % against an encrypted simulator (only the keyless-node case is "not served")', async () => {
    const s = await sim()
    const report = await runNodeSuite(target(s, { transcodeSource: 'zSourceVideo', ltxRenders: true }), {
      promptsPerMinute: 1_000_000,
    })
    expect(failures(report)).toEqual([])
    expect(report.results.filter((r) => r.status === 'not-served').map((r) => r.id)).toEqual(['3.01'])
    expect(report.results.filter((r) => r.status === 'skipped').map((r) => r.id)).toEqual(['8.03'])
    expect(summarize(report).pass).toBe(NODE_CASES.length - 2)
  }, 180_000)

  it('the rate-limit case passes against a simulator with a small shared limit', async () => {
    const s = await sim({ rateLimitPerMinute: 5 })
    const report = await runNodeSuite(target(s, { rateLimit: 5 }), { filter: (c) => c.id === '8.03' })
    expect(report.results.map((r) => [r.id, r.status, r.message])).toEqual([['8.03', 'pass', undefined]])
  })

  it('a keyless simulator: encrypted flows are "not served", never failures; ENCRYPTION_NOT_SUPPORTED passes', async () => {
    const s = await sim({ encryption: false })
    const report = await runNodeSuite(
      { url: s.url, timeoutMs: 1500, silenceMs: 250, contextWindow: 8192 },
      { promptsPerMinute: 1_000_000 },
    )
    expect(failures(report)).toEqual([])
    expect(report.capabilities).toEqual({ encryption: false, plaintext: true })
    const status = new Map(report.results.map((r) => [r.id, r.status]))
    expect(status.get('3.01')).toBe('pass')
    expect(status.get('4.01')).toBe('not-served')
    expect(status.get('7.02')).toBe('pass')
    expect(status.get('1.04')).toBe('pass')
    // Plaintext RAG needs no key; every encrypted action is "not served".
    expect(status.get('12.02')).toBe('pass')
    expect(status.get('9.01')).toBe('not-served')
  }, 120_000)

  it('a wrong --node-key is a configuration error, not a wall of failures', async () => {
    const s = await sim()
    const other = await sim()
    const wrongKey = target(s, { nodePublicKey: hexToBytes(other.publicKey!) })
    delete wrongKey.nodeAddress
    await expect(runNodeSuite(wrongKey)).rejects.toThrow(/not this node's static key/)
    await expect(runNodeSuite(target(s, { nodeAddress: other.address }))).rejects.toThrow(/belongs to/)
  })

  // Every fault the simulator can inject makes at least one case fail with a message naming it.
  const FAULTS: { faults: Faults; cases: string[]; names: RegExp; timeoutMs?: number }[] = [
    { faults: { tamperChunk: 1 }, cases: ['4.01'], names: /tampered/ },
    { faults: { wrongAadChunk: 1 }, cases: ['4.01'], names: /wrong AAD "chunk_2"/ },
    { faults: { replayChunk: 1 }, cases: ['4.01'], names: /replayed/ },
    { faults: { dropChunk: 1 }, cases: ['4.01'], names: /dropped/ },
    { faults: { reorderChunks: [1, 2] }, cases: ['4.01'], names: /reordered/ },
    { faults: { forgeStreamEnd: true }, cases: ['4.01'], names: /forged or early stream_end/ },
    { faults: { closeMidStream: 1 }, cases: ['4.01'], names: /closed by the node/ },
    {
      faults: { encryptionFailureAtChunk: 1 },
      cases: ['4.01'],
      names: /error mid-answer.*ENCRYPTION_FAILED/,
    },
    {
      faults: { wrongClientAddress: '0x000000000000000000000000000000000000dead' },
      cases: ['2.01'],
      names: /wrong client address/,
    },
    { faults: { delayMs: 1500 }, cases: ['4.01'], names: /slow node/, timeoutMs: 500 },
    { faults: { silent: true }, cases: ['2.01', '4.01'], names: /silent/, timeoutMs: 500 },
    // Action faults of the new flows (wrong AAD family, tampered, replayed and missing replies).
    { faults: { wrongActionAad: true }, cases: ['9.01'], names: /wrong AAD family/ },
    { faults: { tamperActionReply: 0 }, cases: ['9.01'], names: /tampered/ },
    { faults: { replayActionReply: 0 }, cases: ['9.01'], names: /replayed reply/ },
    { faults: { replayActionReply: 2 }, cases: ['10.06'], names: /replayed or duplicated progress/ },
    { faults: { dropActionCompletion: true }, cases: ['10.06'], names: /no reply .* completion/ },
    { faults: { closeAfterActionReply: 0 }, cases: ['10.06'], names: /closed by the node/ },
  ]
  for (const f of FAULTS) {
    it(`fault ${JSON.stringify(f.faults)} fails a case naming it`, async () => {
      const s = await sim()
      s.setFaults(f.faults)
      const report = await runNodeSuite(
        target(s, { transcodeSource: 'zSourceVideo', ...(f.timeoutMs ? { timeoutMs: f.timeoutMs } : {}) }),
        {
          filter: (c) => f.cases.includes(c.id),
        },
      )
      const failed = failures(report)
      expect(failed.length).toBeGreaterThan(0)
      expect(
        failed.some((m) => f.names.test(m)),
        failed.join('\n'),
      ).toBe(true)
    })
  }
})
