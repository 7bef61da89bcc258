import { expect } from 'vitest'
import { FabstirError } from '../../src/index.js'
import { rejectionOf } from './harness.js'

/** Await `promise`'s rejection and check it is a FabstirError with `code` (and, if given, the node's message). */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  nodeMessage?: string | RegExp,
): Promise<FabstirError> {
  const error = await rejectionOf(promise)
  expect(error).toBeInstanceOf(FabstirError)
  const e = error as FabstirError
  expect(e.code, e.message).toBe(code)
  if (typeof nodeMessage === 'string') expect(e.nodeMessage).toBe(nodeMessage)
  else if (nodeMessage) expect(e.nodeMessage).toMatch(nodeMessage)
  return e
}

/** Collect a job's progress values until it ends (errors are left to `result`). */
export async function progressOf<P>(job: AsyncIterable<P>): Promise<P[]> {
  const seen: P[] = []
  try {
    for await (const p of job) seen.push(p)
  } catch {
    // the job's result carries the error
  }
  return seen
}
