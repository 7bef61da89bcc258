import { describe, expect, it } from 'vitest'
import { ResponseStream } from '../../src/client/response-stream.js'
import { FabstirError } from '../../src/errors.js'

describe('ResponseStream', () => {
  it('a second iteration throws INVALID_STATE (a FabstirError, not a plain TypeError)', async () => {
    const stream = new ResponseStream(() => {})
    stream[Symbol.asyncIterator]()
    let thrown: unknown
    try {
      stream[Symbol.asyncIterator]()
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(FabstirError)
    expect((thrown as FabstirError).code).toBe('INVALID_STATE')
  })

  it('deltas pushed before iteration are delivered in order, then the end', async () => {
    const stream = new ResponseStream(() => {})
    stream.push({ text: 'a' } as never)
    stream.push({ text: 'b' } as never)
    stream.finish({ text: 'ab' } as never)
    const seen: unknown[] = []
    for await (const d of stream) seen.push(d)
    expect(seen).toEqual([{ text: 'a' }, { text: 'b' }])
    await expect(stream.result).resolves.toEqual({ text: 'ab' })
  })
})
