/**
 * `@fabstir/protocol/plaintext` — the deprecated plaintext protocol (PROTOCOL.md §10) for the client: pass
 * `plaintext: plaintextProtocol` together with `encryption: false` or `allowPlaintextFallback: true`. Nothing sent
 * this way is confidential or authenticated; a separate entry so that encrypted-only apps neither ship nor enable it.
 * @packageDocumentation
 */
import { createPlaintextSession } from '../plaintext-session.js'
import type { PlaintextProtocol } from './options.js'

/** The plaintext protocol, as the client's `plaintext` option takes it. */
export const plaintextProtocol: PlaintextProtocol = createPlaintextSession
