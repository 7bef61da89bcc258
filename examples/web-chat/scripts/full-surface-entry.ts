/**
 * Bundle-size probe of the whole `/v1/ws` surface: the chat flow of `size-entry.ts` plus the validators of every
 * family (image, transcode, LTX, RAG, plaintext inference, and the unions spanning them) and the full error table.
 * `scripts/bundle-size.mjs --report` measures it next to the chat-only probe.
 */
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
