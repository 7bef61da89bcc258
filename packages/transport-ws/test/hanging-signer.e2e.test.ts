import { describe, expect, it } from 'vitest'
import { type DigestSigner, FabstirError } from '../src/index.js'
import { newSigner, rejectionOf, SESSION, TEST_TIMEOUTS, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

// Issue 15 #2: `timeouts.ackMs` was armed only after the signer returned, so a wallet that never signs hung
// startSession forever, and client.close() during signing did not end the wait either.

/** A wallet that never answers; `asked` resolves when it is asked to sign. */
function neverSigns(): { signer: DigestSigner; asked: Promise<void> } {
  const real = newSigner()
  let markAsked: () => void = () => {}
  const asked = new Promise<void>((resolve) => {
    markAsked = resolve
  })
  return {
    asked,
    signer: {
      address: real.address,
      signDigest: () => {
        markAsked()
        return new Promise<Uint8Array>(() => {})
      },
    },
  }
}

describe.each(SHELLS)('a wallet that never signs ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('fails startSession with TIMEOUT (phase "sign") after timeouts.ackMs; nothing is sent', async () => {
    const sim = await h.startSim()
    const { signer } = neverSigns()
    const client = h.client(sim, { signer, timeouts: { ...TEST_TIMEOUTS, ackMs: 300 } })
    const e = await rejectionOf(client.startSession(SESSION))
    expect(e).toBeInstanceOf(FabstirError)
    expect((e as FabstirError).code).toBe('TIMEOUT')
    expect((e as FabstirError).details).toMatchObject({ phase: 'sign', ms: 300 })
    expect((e as FabstirError).message).toMatch(/wallet did not sign/)
    expect(client.status).toBe('failed')
    expect(sim.tap.ofType('encrypted_session_init')).toEqual([])
  })

  it('client.close() while the wallet is signing ends startSession at once with SESSION_CLOSED', async () => {
    const sim = await h.startSim()
    const { signer, asked } = neverSigns()
    const client = h.client(sim, { signer, timeouts: { ...TEST_TIMEOUTS, ackMs: 60_000 } })
    const starting = rejectionOf(client.startSession(SESSION))
    await asked
    await client.close()
    const e = await starting
    expect((e as FabstirError).code).toBe('SESSION_CLOSED')
  }, 5_000)
})

describe.each(SHELLS)('a wallet that stops signing mid-session ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('a re-key after a node restart fails the queued prompt with TIMEOUT instead of hanging it', async () => {
    const sim = await h.startSim()
    const real = newSigner()
    let hang = false
    const signer: DigestSigner = {
      address: real.address,
      signDigest: (d) => (hang ? new Promise<Uint8Array>(() => {}) : real.signDigest(d)),
    }
    const client = h.client(sim, { signer, timeouts: { ...TEST_TIMEOUTS, ackMs: 300 } })
    const session = await client.startSession(SESSION)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    hang = true
    await sim.handle.restart()
    const e = await rejectionOf(session.send('What is 2+2?'))
    expect((e as FabstirError).code).toBe('TIMEOUT')
    expect((e as FabstirError).details).toMatchObject({ phase: 'sign' })
    expect(session.status).toBe('failed')
  }, 10_000)
})
