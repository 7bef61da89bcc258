/**
 * Hand-written prose of `docs/protocol.md`. The generator places these sections around the tables it derives from
 * the schemas; edit them here, then run `pnpm codegen`.
 */

/** Introduction, placed under the title. */
export const INTRO = `This is the reference of the JSON frames exchanged with a Fabstir LLM node over its end-to-end
encrypted WebSocket protocol, generated from the TypeBox schemas in \`schema/\`. The same schemas produce the types and
validators of \`@fabstir/wire\` and the JSON Schema files in \`packages/wire/json-schema/\` (for other languages), so the
three cannot drift apart.`

/** Transport and encoding rules. */
export const TRANSPORT = `- One WebSocket route, \`GET /v1/ws\`; text frames carrying JSON. Message size limit 64 MiB, no compression.
- Right after the upgrade the node sends \`connected\`.
- No authentication on the socket. Rate limit: 60 requests per minute, **shared by all WebSocket clients of a node**
  (reported as a shape B error, see \`RATE_LIMITED\`).
- A frame that is not JSON, or has an unknown \`type\`, is ignored without reply. Some malformed requests (e.g.
  \`max_tokens\` not fitting u32) also get no reply: validate before sending and always use timeouts.
- The node ignores unknown keys, and may add fields to its own frames: validators accept extra properties.
- Request \`id\`s and \`session_id\` are JSON **strings**; a numeric \`session_id\` is treated by the node as absent.
- Hex fields: optional lowercase \`0x\` prefix, digits of either case, even length. The node emits lowercase without
  \`0x\`. Nonces are exactly 24 bytes; ciphertexts include the 16-byte Poly1305 tag.
- Integers above 2^53 − 1 (\`pricePerToken\`) must be written as exact integer literals: \`@fabstir/wire\`'s
  \`parseJson\`/\`stringifyJson\` map them to and from \`bigint\` losslessly.`

/** Keys and AEAD summary. */
export const CRYPTO = `- AEAD: XChaCha20-Poly1305, 32-byte key, 24-byte random nonce per seal, ciphertext = encrypted bytes ‖ 16-byte tag.
- Session init: a fresh ephemeral secp256k1 key; ECDH with the node's static public key (obtained out of band and
  checked against the host address); the **32-byte x-coordinate** is the HKDF-SHA256 input (no salt, empty info,
  32-byte output) giving the init key. The init key seals only the session data (AAD \`session_init\`).
- Everything after the init, both directions, is sealed with the random 32-byte \`sessionKey\` inside the session data.
- The session-init signature is raw secp256k1 ECDSA over \`sha256(ciphertext)\` (65 bytes r ‖ s ‖ v, low-S, no
  EIP-191 prefix). The node only echoes the recovered address as \`client_address\`; the client must compare it with
  its own address.`

/** AAD conventions per payload. */
export const AAD_TABLE: readonly { payload: string; aad: string }[] = [
  { payload: 'encrypted_session_init', aad: '`session_init` (sealed with the init key)' },
  {
    payload: 'encrypted_message',
    aad: '`message_<N>`, N = 0, 1, 2, … per session (not checked by the node)',
  },
  { payload: 'encrypted_chunk', aad: '`chunk_<i>`, i = payload.index, reset to 0 for every prompt' },
  { payload: 'encrypted_response', aad: '`encrypted_response_final`' },
]

/** Ordering rules. */
export const ORDERING = `1. The node sends \`connected\` first.
2. The client sends \`encrypted_session_init\` and waits for \`session_init_ack\` (or \`error\`) before prompting.
   Re-init with the same \`session_id\` replaces the key and keeps the conversation history.
3. **One request at a time per connection.** While a response streams, the node silently drops every inbound frame
   except \`stream_cancel\`: never have two prompts in flight on one connection.
4. A prompt (\`encrypted_message\`) is answered, in this order, by:
   1. \`encrypted_chunk\` × (k + 1), \`payload.index\` = 0, 1, …, k; the last one has \`final: true\` and \`tokens: 0\`;
   2. \`encrypted_response\` (finish reason, AAD \`encrypted_response_final\`);
   3. \`stream_end\` (plaintext, unauthenticated).
5. Only steps 4.1–4.2 are authenticated. To detect replay, reordering and truncation, decrypt each chunk with the AAD
   you **expect** (\`chunk_<next index>\`) and treat the response as complete only after a valid \`encrypted_response\`.
6. \`stream_cancel\` mid-stream: the node immediately sends \`stream_end {reason: "cancelled", finish_reason:
   "cancelled"}\`, without a final chunk or \`encrypted_response\`. When idle it is ignored without reply.
7. Errors: shape A (\`code\`) replaces the reply of the failed request; shape B (\`error\` text) and
   \`ENCRYPTION_FAILED\` are followed by \`stream_end {reason: "error"}\`.
8. Plaintext (deprecated): \`session_init\` → \`session_init_ack\` (no \`client_address\`); \`prompt\` → \`stream_chunk\` ×
   (k + 1) (the last one empty, \`tokens: 0\`) → \`stream_end\`.
9. Closing the socket while the connection has a job id makes the node settle that job on-chain. Session keys live in
   node memory until it restarts (then \`SESSION_KEY_NOT_FOUND\`: re-initialise).`

/** The encrypted actions (image generation, transcode, LTX video), placed before their message tables. */
export const ACTIONS = `An action is an ordinary \`encrypted_message\` whose decrypted JSON has an \`action\` string:
\`image_generation\`, \`transcode\` or \`ltx_generate\`. Any other (or no) \`action\` is a chat prompt — never put
cancels or unknown actions inside \`encrypted_message\`. There is no plaintext form of any action.

Every reply is an \`encrypted_response\` sealed with the session key (random nonce), with \`session_id\` and no
\`index\`; its AAD names the family. Decrypt with the AAD **expected** for the flow in progress, never the frame's
\`aadHex\`. The AAD is a fixed label per family (no counter), so order and completeness within a family are not
authenticated beyond each message.`

/** AAD label → plaintext of every encrypted_response family. */
export const ACTION_AAD_TABLE: readonly { aad: string; plaintext: string }[] = [
  { aad: '`encrypted_response_final`', plaintext: 'bare `stop`/`error` (chat, see ChatFinalReason)' },
  {
    aad: '`encrypted_image_response`',
    plaintext: 'ImageResponse: `image_generation_result` or `image_generation_error`',
  },
  {
    aad: '`encrypted_transcode_response`',
    plaintext:
      'TranscodeResponse: `transcode_accepted`, `transcode_progress`, `transcode_complete`, `transcode_error`',
  },
  {
    aad: '`encrypted_ltx_response`',
    plaintext: 'LtxResponse: `ltx_accepted`, `ltx_progress`, `ltx_complete`, `ltx_error`',
  },
]

/** Rules after the AAD table of the encrypted actions. */
export const ACTIONS_AFTER = `The image reply and the **first** transcode/LTX reply carry the request \`id\`; background progress, completion and
later errors do not. A chat prompt may be auto-routed to image generation: its only reply is then one
\`encrypted_image_response\` (no chunks, no \`stream_end\`). While a transcode or LTX job runs, the node drops every
frame except \`transcode_cancel\`/\`ltx_cancel\`; after a terminal transcode reply it keeps dropping them until
\`transcode_cancel\` arrives (node bug).`
