/**
 * `@fabstir/transport-ws/ltx` — LTX 2.3 video generation on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export * from '@fabstir/protocol/ltx'
