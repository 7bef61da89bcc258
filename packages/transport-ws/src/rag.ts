/**
 * `@fabstir/transport-ws/rag` — vector upload and search. **Plaintext** on the real node (no encrypted RAG exists):
 * requires `createClient({ plaintextRag: true })`. A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export * from '@fabstir/protocol/rag'
