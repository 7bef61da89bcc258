/**
 * `@fabstir/transport-ws/image` — image generation on an encrypted session, and the image of a chat prompt the node
 * diverted to image generation. A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export * from '@fabstir/protocol/image'
