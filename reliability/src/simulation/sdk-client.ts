import { createClientCore, HandshakeGate, plaintextProtocol } from '@fabstir/protocol'
import type { ClientDeps, ClientUnderTest } from './client-under-test.js'

/**
 * The SDK under test: `@fabstir/protocol`'s client core (`createClientCore`) on the simulated carrier and virtual
 * clock, with the schedule's options. Every answer is read through the stream iterator, so each delta the SDK
 * surfaces is checked, and the whole text through `result`.
 */
export function sdkClient(deps: ClientDeps): ClientUnderTest {
  const { timeouts, reconnect, rekeyAfterFrames, retryOnRateLimit, allowPlaintextFallback } = deps.plan
  const client = createClientCore(
    {
      nodePublicKey: deps.nodePublicKey,
      signer: deps.signer,
      timeouts,
      reconnect,
      retryOnRateLimit,
      allowPlaintextFallback,
      plaintext: plaintextProtocol,
      ...(rekeyAfterFrames === undefined ? {} : { rekeyAfterFrames }),
      random: deps.random,
      // A gate of its own: the process-wide one would let one schedule's handshakes wait on another's.
      handshakeGate: new HandshakeGate(),
    },
    { carrier: deps.carrier, clock: deps.clock },
  )
  return {
    async startSession(options) {
      const session = await client.startSession(options)
      return {
        send(prompt, { signal, onText, onStopped }) {
          const stream = session.stream(prompt, signal ? { signal } : {})
          void (async () => {
            for await (const delta of stream) {
              if (onText?.(delta.text) !== true) continue
              onStopped?.(stream.settled)
              break
            }
          })().catch(() => {})
          return stream.result.then((reply) => reply.text)
        },
        close: () => session.close(),
      }
    },
    close: () => client.close(),
  }
}
