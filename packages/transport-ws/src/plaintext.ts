/**
 * `@fabstir/transport-ws/plaintext` — the deprecated plaintext protocol, passed as `plaintext: plaintextProtocol`
 * with `encryption: false` or `allowPlaintextFallback: true`. A separate entry: encrypted-only apps do not ship it.
 * @packageDocumentation
 */
export * from '@fabstir/protocol/plaintext'
