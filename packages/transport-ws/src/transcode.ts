/**
 * `@fabstir/transport-ws/transcode` — video/audio transcoding on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export * from '@fabstir/protocol/transcode'
