import { describe, expect, it } from 'vitest'
import { Timers } from '../../src/client/timers.js'
import { type Clock, systemClock } from '../../src/index.js'

/** A virtual clock that records what it was armed for. */
function virtualClock() {
  let armed: { at: number | undefined; fire: () => void } | undefined
  const arms: (number | undefined)[] = []
  const clock: Clock & { t: number } = {
    t: 0,
    now: () => clock.t,
    arm(at, fire) {
      arms.push(at)
      armed = { at, fire }
    },
  }
  /** Move to `t` and fire the armed timer if it is due. */
  const runTo = (t: number) => {
    clock.t = t
    const a = armed
    if (a?.at !== undefined && a.at <= t) {
      armed = undefined
      a.fire()
    }
  }
  return { clock, arms, runTo }
}

describe('Timers: many deadlines over the one timer of a clock', () => {
  it('arms the clock for the earliest deadline and runs each at its time', () => {
    const { clock, arms, runTo } = virtualClock()
    const timers = new Timers(clock)
    const ran: string[] = []
    timers.at(300, (now) => ran.push(`b@${now}`))
    timers.at(100, (now) => ran.push(`a@${now}`))
    expect(arms.at(-1)).toBe(100)
    runTo(150)
    expect(ran).toEqual(['a@150'])
    expect(arms.at(-1)).toBe(300)
    runTo(300)
    expect(ran).toEqual(['a@150', 'b@300'])
    expect(arms.at(-1)).toBeUndefined()
  })

  it('moving a deadline later does not re-arm the clock: the early timer fires, finds nothing due, re-arms', () => {
    const { clock, arms, runTo } = virtualClock()
    const timers = new Timers(clock)
    let fired = 0
    const handle = timers.at(100, () => fired++)
    const armsBefore = arms.length
    for (let t = 1; t <= 50; t++) handle.move(100 + t)
    expect(arms.length).toBe(armsBefore)
    runTo(100)
    expect(fired).toBe(0)
    expect(arms.at(-1)).toBe(150)
    runTo(150)
    expect(fired).toBe(1)
  })

  it('cancelling the last deadline disarms the clock (nothing keeps a process alive)', () => {
    const { clock, arms } = virtualClock()
    const timers = new Timers(clock)
    const handle = timers.at(100, () => {})
    handle.cancel()
    expect(arms.at(-1)).toBeUndefined()
  })

  it('hands out turns one per firing, in order', async () => {
    const { clock, runTo } = virtualClock()
    const timers = new Timers(clock)
    const order: number[] = []
    for (const n of [1, 2, 3]) void timers.turn().then(() => order.push(n))
    runTo(0)
    await Promise.resolve()
    expect(order).toEqual([1])
    runTo(0)
    runTo(0)
    await Promise.resolve()
    expect(order).toEqual([1, 2, 3])
  })
})

describe('systemClock', () => {
  it('fires a due timer only after the I/O already waiting in that turn was read', async () => {
    const clock = systemClock()
    const seen: string[] = []
    clock.arm(clock.now(), () => seen.push('timer'))
    // Stall the loop past the deadline, then let an "answer" arrive before the timer gets its turn.
    const until = Date.now() + 20
    while (Date.now() < until) {}
    setImmediate(() => seen.push('io'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen).toEqual(['io', 'timer'])
  })

  it('re-arming replaces the earlier timer; undefined disarms', async () => {
    const clock = systemClock()
    const seen: string[] = []
    clock.arm(clock.now() + 5, () => seen.push('first'))
    clock.arm(clock.now() + 10, () => seen.push('second'))
    clock.arm(clock.now() + 1, () => seen.push('third'))
    clock.arm(undefined, () => seen.push('never'))
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(seen).toEqual([])
    clock.arm(clock.now(), () => seen.push('fourth'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen).toEqual(['fourth'])
  })
})
