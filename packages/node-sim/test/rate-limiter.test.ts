import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../src/core/rate-limiter.js'

/** The limiter as it was written first (and as PROTOCOL.md §1 describes it): filter the last 60 s on every call. */
class ReferenceLimiter {
  private stamps: number[] = []
  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}
  tryAcquire(): boolean {
    const t = this.now()
    this.stamps = this.stamps.filter((s) => s > t - 60_000)
    if (this.stamps.length >= this.limit) return false
    this.stamps.push(t)
    return true
  }
}

describe('RateLimiter (60 s sliding window shared by all connections)', () => {
  it('admits `limit` requests per sliding minute and counts only admitted ones', () => {
    let now = 0
    const limiter = new RateLimiter(3, () => now)
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true, true])
    now = 59_999
    expect(limiter.tryAcquire()).toBe(false) // refused requests do not count
    now = 60_000
    expect(limiter.tryAcquire()).toBe(true) // the three from t=0 left the window (s > t − 60 s)
    expect(limiter.tryAcquire()).toBe(true)
    expect(limiter.inWindow).toBe(2)
    limiter.reset()
    expect(limiter.inWindow).toBe(0)
  })

  it('decides exactly like the filter-every-call reference on any non-decreasing clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 3_000 }),
        (limit, steps) => {
          let now = 1_700_000_000_000
          const ours = new RateLimiter(limit, () => now)
          const reference = new ReferenceLimiter(limit, () => now)
          for (const step of steps) {
            now += step
            if (ours.tryAcquire() !== reference.tryAcquire()) return false
          }
          return true
        },
      ),
      { numRuns: 300 },
    )
  })

  it('stays exact across compaction (many thousands of requests through the window)', () => {
    let now = 0
    const ours = new RateLimiter(2_000, () => now)
    const reference = new ReferenceLimiter(2_000, () => now)
    for (let i = 0; i < 12_000; i++) {
      now += i % 7 === 0 ? 13 : 2
      expect(ours.tryAcquire()).toBe(reference.tryAcquire())
    }
  })

  it('a window holding 200,000 requests empties a minute after the last one', () => {
    let now = 0
    const limiter = new RateLimiter(1_000_000, () => now)
    let admitted = 0
    for (let i = 0; i < 200_000; i++) {
      if (i % 4 === 0) now++ // all 200,000 stay inside the window
      if (limiter.tryAcquire()) admitted++
    }
    expect(admitted).toBe(200_000)
    expect(limiter.inWindow).toBe(200_000)
    now += 60_000
    expect(limiter.tryAcquire()).toBe(true)
    expect(limiter.inWindow).toBe(1)
  })
})
