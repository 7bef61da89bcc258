/**
 * `@fabstir/protocol/image` — image generation on an encrypted session, and the image of a chat prompt the node
 * diverted to image generation. A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type { ImageRequest, ImageResult } from '../actions/index.js'
export { generateImage, imageOf } from './flows/image.js'
export type { FlowOptions } from './flows/job.js'
