import { describe, expect, it } from 'vitest'
import { TurnBudget } from '../src/core/turn-budget.js'

/** A manual event loop: `defer`red functions run when the test ends the turn. */
function manualLoop() {
  let deferred: (() => void)[] = []
  return {
    defer: (f: () => void) => deferred.push(f),
    /** End the current turn: run what was deferred to the next one (and let microtasks settle). */
    async nextTurn() {
      const run = deferred
      deferred = []
      for (const f of run) f()
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

describe('TurnBudget (inbound work sliced per event-loop turn)', () => {
  it('runs tasks at once while the turn has budget, queues the rest for later turns, in order', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: number[] = []
    const task = (i: number, cost: number) => () => {
      log.push(i)
      now += cost
    }
    budget.run('k', task(0, 4))
    budget.run('k', task(1, 4))
    budget.run('k', task(2, 4)) // 8 ms spent: still within the 10 ms budget
    budget.run('k', task(3, 4)) // 12 ms spent: queued
    budget.run('k', task(4, 4))
    expect(log).toEqual([0, 1, 2])
    expect(budget.queued).toBe(2)
    await loop.nextTurn() // the end of this turn: its budget is spent, nothing more runs in it
    expect(log).toEqual([0, 1, 2])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2, 3, 4])
    expect(budget.queued).toBe(0)
  })

  it('a queued task is never overtaken by a later one, even when the next turn has budget again', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: string[] = []
    budget.run('k', () => {
      log.push('a')
      now += 20
    })
    budget.run('k', () => log.push('b')) // over budget: queued
    await loop.nextTurn() // the end of the turn that spent its budget
    budget.run('k', () => log.push('c')) // b is still queued: c waits behind it
    expect(log).toEqual(['a'])
    await loop.nextTurn()
    expect(log).toEqual(['a', 'b', 'c'])
  })

  it('a drain stops at the budget and continues in the next turn; promise chains count towards it', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: number[] = []
    budget.run('k', () => {
      now += 10
    })
    for (let i = 0; i < 6; i++) {
      budget.run('k', () => {
        log.push(i)
        // The cost is paid in the task's promise chain (like an answer streamed without delays).
        void Promise.resolve().then(() => {
          now += 4
        })
      })
    }
    expect(log).toEqual([])
    await loop.nextTurn() // end of the turn that spent its 10 ms
    expect(log).toEqual([])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2, 3, 4, 5])
  })

  it("a close runs at once over budget, after its own connection's queued frames, not after others'", async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: string[] = []
    budget.run('a', () => {
      log.push('a: frame 1')
      now += 20
    })
    budget.run('b', () => log.push('b: frame 1')) // over budget: queued
    budget.run('a', () => log.push('a: frame 2')) // queued behind b's frame
    budget.run('b', () => log.push('b: frame 2'))
    budget.runNow('a', () => log.push('a: close'))
    expect(log).toEqual(['a: frame 1', 'a: frame 2', 'a: close'])
    expect(budget.queued).toBe(2)
    budget.runNow('c', () => log.push('c: close')) // nothing of c queued: at once
    await loop.nextTurn()
    await loop.nextTurn()
    expect(log).toEqual(['a: frame 1', 'a: frame 2', 'a: close', 'c: close', 'b: frame 1', 'b: frame 2'])
  })

  it('the turn that had to queue work runs no more of it; the next turn drains it', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: number[] = []
    budget.run('k', () => {
      now += 4 // this turn spent 4 ms
    })
    // The first two run at once (4 + 3 + 3 = 10 ms); the other two are queued.
    for (let i = 0; i < 4; i++) {
      budget.run('k', () => {
        log.push(i)
        now += 3
      })
    }
    expect(log).toEqual([0, 1])
    await loop.nextTurn() // 10 ms spent in this turn: nothing more
    expect(log).toEqual([0, 1])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2, 3])
  })
})
