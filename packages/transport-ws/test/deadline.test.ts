import { describe, expect, it } from 'vitest'
import { Deadline, startDeadline } from '../src/deadline.js'
import { TurnQueue } from '../src/turns.js'

describe('Deadline (lag-tolerant, time as an input)', () => {
  it('is due ms after it started; an early timer waits the difference', () => {
    const d = new Deadline(100, 1_000)
    expect(d.dueAt).toBe(1_100)
    expect(d.onTimer(1_060)).toEqual({ action: 'wait', ms: 40 })
  })

  it('a due timer first drains one turn; unsettled after it, the deadline expires and reports its lateness', () => {
    const d = new Deadline(100, 1_000)
    expect(d.onTimer(1_350)).toEqual({ action: 'drain' })
    expect(d.onTimer(1_351)).toBeUndefined() // one verdict at a time
    expect(d.onDrained(1_352)).toEqual({ action: 'expire', lateMs: 250 })
    expect(d.done).toBe(true)
    expect(d.onDrained(1_400)).toBeUndefined()
  })

  it('data read during the drained turn settles it: no expiry, however late the timer fired', () => {
    const d = new Deadline(100, 1_000)
    expect(d.onTimer(4_000)).toEqual({ action: 'drain' })
    d.settle()
    expect(d.onDrained(4_001)).toBeUndefined()
    expect(d.done).toBe(true)
  })

  it('touch restarts the wait without a new timer, also during the drained turn', () => {
    const d = new Deadline(100, 1_000)
    d.touch(1_080)
    expect(d.onTimer(1_100)).toEqual({ action: 'wait', ms: 80 })
    expect(d.onTimer(1_180)).toEqual({ action: 'drain' })
    d.touch(1_181)
    expect(d.onDrained(1_182)).toEqual({ action: 'wait', ms: 99 })
    expect(d.onTimer(1_281)).toEqual({ action: 'drain' })
    expect(d.onDrained(1_290)).toEqual({ action: 'expire', lateMs: 0 })
  })

  it('a settled deadline ignores timers; settling after expiry changes nothing', () => {
    const d = new Deadline(10, 0)
    d.settle()
    expect(d.onTimer(50)).toBeUndefined()
    const e = new Deadline(10, 0)
    e.onTimer(10)
    e.onDrained(10)
    e.settle()
    expect(e.done).toBe(true)
  })
})

/** Block this thread (a stalled event loop) for `ms`. */
function stall(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy
  }
}

describe('startDeadline (the timer shell)', () => {
  it('expires once after its time, reporting how late the timer fired', async () => {
    const fired: number[] = []
    startDeadline(20, (late) => fired.push(late))
    stall(80)
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(fired).toHaveLength(1)
    expect(fired[0]!).toBeGreaterThanOrEqual(40)
  })

  it('I/O that arrived while the loop was stalled past the deadline is read before the verdict', async () => {
    // The "I/O" is a message already queued on a port when the overdue timer fires: Node runs the timer first.
    const { port1, port2 } = new MessageChannel()
    let expired = false
    const deadline = startDeadline(10, () => {
      expired = true
    })
    port1.onmessage = () => deadline.cancel()
    port2.postMessage('greeting')
    stall(50)
    await new Promise((resolve) => setTimeout(resolve, 30))
    port1.close()
    expect(expired).toBe(false)
  })

  it('cancel stops it; touch postpones it', async () => {
    let expired = 0
    const a = startDeadline(15, () => expired++)
    a.cancel()
    const b = startDeadline(30, () => expired++)
    await new Promise((resolve) => setTimeout(resolve, 20))
    b.touch()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(expired).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(expired).toBe(1)
  })
})

describe('TurnQueue', () => {
  it('resumes one waiter per event-loop turn, in order, with I/O read in between', async () => {
    const turns = new TurnQueue()
    const log: string[] = []
    const { port1, port2 } = new MessageChannel()
    port1.onmessage = (m) => log.push(String(m.data))
    const all = [0, 1, 2].map((i) =>
      turns.next().then(() => {
        log.push(`turn ${i}`)
        // I/O that becomes ready during this turn is read before the next waiter resumes.
        port2.postMessage(`message after turn ${i}`)
      }),
    )
    expect(turns.pending).toBe(3)
    await Promise.all(all)
    await new Promise((resolve) => setTimeout(resolve, 10))
    port1.close()
    expect(log).toEqual([
      'turn 0',
      'message after turn 0',
      'turn 1',
      'message after turn 1',
      'turn 2',
      'message after turn 2',
    ])
    expect(turns.pending).toBe(0)
  })
})
