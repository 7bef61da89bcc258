/**
 * The node's WebSocket message limit (PROTOCOL.md §1: 64 MiB, inherited from its WebSocket library). The suite keeps
 * its own copy on purpose: it grades implementations independently of the SDK's `@fabstir/wire`.
 */
export const NODE_MESSAGE_LIMIT = 64 * 1024 * 1024
