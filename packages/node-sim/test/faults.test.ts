import { bytesToHex, utf8ToBytes } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { answerChunks } from '../src/index.js'
import type { Frame } from './helpers/frame-queue.js'
import { collectEncrypted, openWith, promptFrame } from './helpers/protocol-client.js'
import { type OpenSession, useSims, waitFor } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const sims = useSims()
const PROMPT = 'What is 2+2?' // 5 content chunks + the final chunk (indices 0..5)

/** Read frames until stream_end (or until `count` frames when given). */
async function readUntilEnd(s: OpenSession, count?: number): Promise<Frame[]> {
  const out: Frame[] = []
  for (;;) {
    const f = await s.client.q.next()
    out.push(f)
    if (count !== undefined ? out.length === count : f.type === 'stream_end') return out
  }
}

function indices(frames: Frame[]): number[] {
  return frames.filter((f) => f.type === 'encrypted_chunk').map((f) => f.payload.index)
}

async function faulted(faults: Parameters<Awaited<ReturnType<typeof sims.start>>['setFaults']>[0]) {
  const sim = await sims.start()
  const s = await sims.session(sim)
  sim.setFaults(faults)
  s.client.send(promptFrame(s.sid, s.init.sessionKey, PROMPT, { id: 'f' }))
  return { sim, s }
}

describe('fault injection (encrypted responses)', () => {
  it('tamperChunk: that chunk no longer authenticates, the others do', async () => {
    const { s } = await faulted({ tamperChunk: 1 })
    const frames = await readUntilEnd(s)
    const chunks = frames.filter((f) => f.type === 'encrypted_chunk')
    expect(indices(frames)).toEqual([0, 1, 2, 3, 4, 5])
    expect(() => openWith(s.init.sessionKey, chunks[1]!.payload, 'chunk_1')).toThrow()
    expect(openWith(s.init.sessionKey, chunks[2]!.payload, 'chunk_2')).toBe(' 2')
  })

  it('reorderChunks: swaps the sending order of two chunks', async () => {
    const adjacent = await faulted({ reorderChunks: [1, 2] })
    expect(indices(await readUntilEnd(adjacent.s))).toEqual([0, 2, 1, 3, 4, 5])
    const apart = await faulted({ reorderChunks: [4, 1] })
    expect(indices(await readUntilEnd(apart.s))).toEqual([0, 4, 2, 3, 1, 5])
    const unreached = await faulted({ reorderChunks: [4, 9] })
    expect(indices(await readUntilEnd(unreached.s))).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('replayChunk sends an identical copy; dropChunk skips an index', async () => {
    const replay = await faulted({ replayChunk: 0 })
    const frames = await readUntilEnd(replay.s)
    expect(indices(frames)).toEqual([0, 0, 1, 2, 3, 4, 5])
    expect(frames[1]).toEqual(frames[0])
    const drop = await faulted({ dropChunk: 2 })
    expect(indices(await readUntilEnd(drop.s))).toEqual([0, 1, 3, 4, 5])
  })

  it('wrongAadChunk seals chunk k with chunk_<k+1>, reports that AAD, labels index k', async () => {
    const { s } = await faulted({ wrongAadChunk: 1 })
    const frames = await readUntilEnd(s)
    const c1 = frames[1]!
    expect(c1.payload.index).toBe(1)
    expect(c1.payload.aadHex).toBe(bytesToHex(utf8ToBytes('chunk_2')))
    expect(() => openWith(s.init.sessionKey, c1.payload, 'chunk_1')).toThrow()
    expect(openWith(s.init.sessionKey, c1.payload, 'chunk_2')).toBe(' +')
  })

  it('forgeStreamEnd: a plaintext stream_end right after the first chunk, then nothing', async () => {
    const { s } = await faulted({ forgeStreamEnd: true })
    const frames = await readUntilEnd(s)
    expect(frames.map((f) => f.type)).toEqual(['encrypted_chunk', 'stream_end'])
    expect(frames[1]).toMatchObject({ reason: 'complete', id: 'f', session_id: s.sid, finish_reason: 'stop' })
    await expectNoReplyBefore(s.client)
  })

  it('closeMidStream closes the socket right after chunk k', async () => {
    const { sim, s } = await faulted({ closeMidStream: 1 })
    const frames = await readUntilEnd(s, 2)
    expect(indices(frames)).toEqual([0, 1])
    await s.client.closed
    expect(s.client.q.pending).toBe(0)
    expect(sim.settledJobs).toEqual([{ jobId: '42', sessionId: s.sid, connectionId: 1 }])
  })

  it('delayMs waits before the first chunk (injected sleep)', async () => {
    const sleeps: number[] = []
    const sim = await sims.start({
      faults: { delayMs: 40 },
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    })
    const s = await sims.session(sim)
    s.client.send(promptFrame(s.sid, s.init.sessionKey, PROMPT))
    expect((await collectEncrypted(s.client.q, s.init.sessionKey)).text).toBe('2 + 2 = 4.')
    expect(sleeps).toEqual([40])
  })

  it('wrongClientAddress is echoed in acks', async () => {
    const wrong = `0x${'ab'.repeat(20)}`
    const sim = await sims.start({ faults: { wrongClientAddress: wrong } })
    const s = await sims.session(sim)
    expect(s.ack.client_address).toBe(wrong)
  })

  it('encryptionFailureAtChunk: ENCRYPTION_FAILED then stream_end {reason:"error"}', async () => {
    const { s } = await faulted({ encryptionFailureAtChunk: 2 })
    const frames = await readUntilEnd(s)
    expect(indices(frames)).toEqual([0, 1])
    expect(frames.slice(2)).toEqual([
      {
        type: 'error',
        code: 'ENCRYPTION_FAILED',
        message: expect.stringMatching(/^Failed to encrypt response/),
        id: 'f',
      },
      // PROTOCOL-SURFACE §10.7: a failed chunk seal reports the tokens streamed so far.
      { type: 'stream_end', reason: 'error', tokens_used: 2, id: 'f' },
    ])
    await expectNoReplyBefore(s.client)
  })

  it('silent: frames are accepted but never answered', async () => {
    let inbound = 0
    const sim = await sims.start({
      onFrame: (dir) => {
        if (dir === 'in') inbound++
      },
    })
    const s = await sims.session(sim)
    sim.setFaults({ silent: true })
    s.client.send(promptFrame(s.sid, s.init.sessionKey, PROMPT, { id: 'lost' }))
    s.client.send({ type: 'session_init', id: 'lost-too' })
    await waitFor(() => inbound === 3)
    sim.setFaults({})
    // Frames are handled in order: if the silent ones had been answered, their replies would come first.
    await expectNoReplyBefore(s.client)
  })

  it('faults apply to responses started after setFaults, and not to plaintext streams', async () => {
    const sim = await sims.start({ faults: { dropChunk: 0 } })
    const plain = await sims.connect(sim)
    plain.send({ type: 'prompt', id: 'p', prompt: PROMPT })
    const contents: string[] = []
    for (;;) {
      const f = await plain.q.next()
      if (f.type === 'stream_end') break
      contents.push(f.content)
    }
    expect(contents).toEqual([...answerChunks(PROMPT), ''])
    sim.setFaults({})
    const s = await sims.session(sim)
    s.client.send(promptFrame(s.sid, s.init.sessionKey, PROMPT))
    expect((await collectEncrypted(s.client.q, s.init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('rejects unknown or malformed faults with INVALID_FAULTS', async () => {
    const sim = await sims.start()
    const bad: unknown[] = [
      { nope: 1 },
      { tamperChunk: -1 },
      { dropChunk: 1.5 },
      { reorderChunks: [1, 1] },
      { reorderChunks: [1] },
      { delayMs: -5 },
      { silent: 'yes' },
      { wrongClientAddress: '0x1234' },
    ]
    for (const f of bad) {
      expect(() => sim.setFaults(f as never), JSON.stringify(f)).toThrow(
        expect.objectContaining({ code: 'INVALID_FAULTS' }),
      )
    }
    expect(sim.core.faults).toEqual({})
  })
})
