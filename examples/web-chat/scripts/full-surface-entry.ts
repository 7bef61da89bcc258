/**
 * Bundle-size probe of the whole `/v1/ws` surface: the chat flow of `size-entry.ts`, the image, transcode, LTX and
 * RAG flows of `@fabstir/transport-ws`, plus the validators of every family (image, transcode, LTX, RAG, plaintext
 * inference, and the unions spanning them) and the full error table.
 * `scripts/bundle-size.mjs --report` measures it next to the chat-only probe.
 */

export { generateImage, imageOf } from '@fabstir/transport-ws/image'
export { generateVideo } from '@fabstir/transport-ws/ltx'
export { vectors } from '@fabstir/transport-ws/rag'
export { transcode } from '@fabstir/transport-ws/transcode'
export {
  checkActionRequest,
  checkClientFrame,
  checkImageResponse,
  checkLtxResponse,
  checkNodeFrame,
  checkTranscodeResponse,
  ERROR_CODES,
} from '@fabstir/wire'
export { ask } from './size-entry.js'
