import type { Usage } from '../events.js'

/** One piece of a streamed answer (decrypted and authenticated in encrypted mode). */
export interface StreamDelta {
  /** The text of this piece (never empty: empty chunks are not yielded). */
  text: string
  /** Chunk index within the answer (0, 1, 2, …). */
  index: number
  /** Tokens the node counted for this chunk (normally 1). */
  tokens: number
}

/** A complete answer. */
export interface Reply {
  /** Request id (the node echoes it on every frame of the answer). */
  id: string
  /** The whole answer: every chunk's text, concatenated in order. */
  text: string
  /** `stop`, `length`, or `error` (the model failed mid-answer; the text then ends with the node's `Error: …`). */
  finishReason: string
  /** The node's `tokens_used` from `stream_end` (unauthenticated; informational). */
  tokensUsed: number
  /** Token accounting from `stream_end`, when the node sent it (unauthenticated; informational). */
  usage?: Usage
  /** Whether the answer travelled end-to-end encrypted. */
  encrypted: boolean
  /** VLM tokens billed for vision `images` (`stream_end.vlm_tokens`, only when > 0; unauthenticated). */
  vlmTokens?: number
  /**
   * Set when the node diverted the prompt to image generation (a node with a diffusion sidecar does this for
   * prompts like "draw a …"): `text` is then empty and `finishReason` is `image`. Decode it with `imageOf(reply)`
   * from `@fabstir/transport-ws/image`.
   */
  image?: RoutedImage
}

/** The authenticated image reply to a chat prompt (its inner JSON); see `imageOf` in `@fabstir/transport-ws/image`. */
export interface RoutedImage {
  /** The decrypted `image_generation_result` JSON text. */
  readonly json: string
}
