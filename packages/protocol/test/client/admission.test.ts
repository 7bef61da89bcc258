import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MAX_CONCURRENT_HANDSHAKES,
  FabstirError,
  HandshakeGate,
  handshakeGate,
  isFabstirError,
  type ReleaseSlot,
  setMaxConcurrentHandshakes,
} from '../../src/index.js'

/** Let queued promise reactions run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('HandshakeGate (admission control)', () => {
  it('admits up to the limit at once and queues the rest in FIFO order', async () => {
    const gate = new HandshakeGate(2)
    const admitted: number[] = []
    const releases: ReleaseSlot[] = []
    for (let i = 0; i < 5; i++) {
      void gate.acquire().then((release) => {
        admitted.push(i)
        releases.push(release)
      })
    }
    await flush()
    expect(admitted).toEqual([0, 1])
    expect([gate.active, gate.queued]).toEqual([2, 3])
    releases[0]!()
    await flush()
    expect(admitted).toEqual([0, 1, 2])
    releases[2]!()
    releases[1]!()
    await flush()
    expect(admitted).toEqual([0, 1, 2, 3, 4])
    expect([gate.active, gate.queued, gate.peak]).toEqual([2, 0, 2])
  })

  it('a release function frees its slot once, however often it is called', async () => {
    const gate = new HandshakeGate(1)
    const first = await gate.acquire()
    let second = false
    void gate.acquire().then(() => {
      second = true
    })
    let third = false
    void gate.acquire().then(() => {
      third = true
    })
    first()
    first()
    first()
    await flush()
    expect([second, third, gate.active]).toEqual([true, false, 1])
  })

  it('a withdrawn waiter leaves the queue with the given error and never takes a slot', async () => {
    const gate = new HandshakeGate(1)
    const held = await gate.acquire()
    const a = gate.enqueue()
    const b = gate.enqueue()
    const closed = new FabstirError('SESSION_CLOSED', 'closed while queued')
    a.withdraw(closed)
    await expect(a.promise).rejects.toBe(closed)
    expect(gate.queued).toBe(1)
    held()
    const release = await b.promise
    expect(gate.active).toBe(1)
    a.withdraw(closed) // no effect any more
    b.withdraw(closed) // admitted already: no effect
    release()
    expect(gate.active).toBe(0)
  })

  it('raising the limit admits queued waiters at once; lowering it waits for slots to free up', async () => {
    const gate = new HandshakeGate(1)
    const releases: ReleaseSlot[] = []
    for (let i = 0; i < 4; i++) void gate.acquire().then((r) => releases.push(r))
    await flush()
    expect(releases).toHaveLength(1)
    gate.setLimit(3)
    await flush()
    expect(releases).toHaveLength(3)
    gate.setLimit(1)
    releases[0]!()
    await flush()
    expect([gate.active, gate.queued]).toEqual([2, 1])
    releases[1]!()
    releases[2]!()
    await flush()
    expect([gate.active, gate.queued]).toEqual([1, 0])
  })

  it('rejects a limit that is not a positive integer with INVALID_CONFIG', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown
      try {
        new HandshakeGate(bad)
      } catch (e) {
        error = e
      }
      expect(isFabstirError(error, 'INVALID_CONFIG'), String(bad)).toBe(true)
      expect((error as FabstirError).details).toEqual({ field: 'maxConcurrentHandshakes' })
    }
  })

  it('the process-wide gate defaults to 32 and setMaxConcurrentHandshakes changes it', () => {
    expect(DEFAULT_MAX_CONCURRENT_HANDSHAKES).toBe(32)
    expect(handshakeGate()).toBe(handshakeGate())
    expect(handshakeGate().limit).toBe(32)
    setMaxConcurrentHandshakes(7)
    expect(handshakeGate().limit).toBe(7)
    setMaxConcurrentHandshakes(DEFAULT_MAX_CONCURRENT_HANDSHAKES)
    expect(() => setMaxConcurrentHandshakes(0)).toThrow(/positive integer/)
  })
})
