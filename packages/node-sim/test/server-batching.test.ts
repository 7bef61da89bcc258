import { Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Responder } from '../src/index.js'
import { useSims } from './helpers/sim.js'

const sims = useSims()
const CHUNKS = 50

/** A model that streams `CHUNKS` short chunks at once (no delay between them). */
const burst: Responder = async function* () {
  for (let i = 0; i < CHUNKS; i++) yield `w${i} `
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('WebSocket server shell as a load target', () => {
  it('writes an answer burst to the socket in one write, not one write per frame', async () => {
    const sim = await sims.start({ responder: burst })
    const client = await sims.connect(sim)
    await client.request({ type: 'session_init', id: 'i', session_id: 's', job_id: 1 })
    // Count the write calls that reach the node side's TCP sockets (local port = the simulator's port).
    let writes = 0
    const count = function (this: Socket) {
      if (this.localPort === sim.port) writes++
    }
    const write = Socket.prototype._write
    const writev = Socket.prototype._writev!
    vi.spyOn(Socket.prototype, '_write').mockImplementation(function (this: Socket, ...args) {
      count.call(this)
      return write.apply(this, args)
    })
    vi.spyOn(Socket.prototype, '_writev').mockImplementation(function (this: Socket, ...args) {
      count.call(this)
      return writev.apply(this, args)
    })
    client.send({ type: 'prompt', id: 'q', session_id: 's', prompt: 'go' })
    const frames: Record<string, unknown>[] = []
    for (;;) {
      const f = await client.q.next()
      frames.push(f)
      if (f.type === 'stream_end') break
    }
    expect(frames.filter((f) => f.type === 'stream_chunk')).toHaveLength(CHUNKS + 1)
    expect(writes).toBeGreaterThanOrEqual(1)
    expect(writes).toBeLessThanOrEqual(2)
  })
})
