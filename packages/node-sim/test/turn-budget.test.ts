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
    budget.run(task(0, 4))
    budget.run(task(1, 4))
    budget.run(task(2, 4)) // 8 ms spent: still within the 10 ms budget
    budget.run(task(3, 4)) // 12 ms spent: queued
    budget.run(task(4, 4))
    expect(log).toEqual([0, 1, 2])
    expect(budget.queued).toBe(2)
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2, 3, 4])
    expect(budget.queued).toBe(0)
  })

  it('a queued task is never overtaken by a later one, even when the next turn has budget again', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: string[] = []
    budget.run(() => {
      log.push('a')
      now += 20
    })
    budget.run(() => log.push('b')) // over budget: queued
    await loop.nextTurn() // a new turn: drains b
    budget.run(() => log.push('c'))
    await loop.nextTurn()
    expect(log).toEqual(['a', 'b', 'c'])
  })

  it('a drain stops at the budget and continues in the next turn; promise chains count towards it', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: number[] = []
    budget.run(() => {
      now += 10
    })
    for (let i = 0; i < 6; i++) {
      budget.run(() => {
        log.push(i)
        // The cost is paid in the task's promise chain (like an answer streamed without delays).
        void Promise.resolve().then(() => {
          now += 4
        })
      })
    }
    expect(log).toEqual([])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2])
    await loop.nextTurn()
    expect(log).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('a cheap task (a close) runs at once over budget, but never ahead of queued work', async () => {
    let now = 0
    const loop = manualLoop()
    const budget = new TurnBudget(10, () => now, loop.defer)
    const log: string[] = []
    budget.run(() => {
      log.push('frame a')
      now += 20
    })
    budget.runCheap(() => log.push('close a')) // over budget, nothing queued: at once
    budget.run(() => log.push('frame b')) // over budget: queued
    budget.runCheap(() => log.push('close b')) // behind frame b
    expect(log).toEqual(['frame a', 'close a'])
    await loop.nextTurn()
    expect(log).toEqual(['frame a', 'close a', 'frame b', 'close b'])
  })
})
