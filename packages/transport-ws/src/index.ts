/**
 * `@fabstir/transport-ws` — the WebSocket client for Fabstir LLM nodes. End-to-end encrypted by default.
 *
 * ```ts
 * const client = createClient({ url, nodePublicKey, signer })
 * const session = await client.startSession({ jobId, modelName, pricePerToken })
 * for await (const delta of session.stream('What is 2+2?')) process.stdout.write(delta.text)
 * await client.close()
 * ```
 * @packageDocumentation
 */
export * from '@fabstir/protocol/client'
export { webSocketCarrier } from './carrier.js'
export { type ClientOptions, createClient } from './client.js'
export type { SocketFactory, SocketLike } from './socket.js'
