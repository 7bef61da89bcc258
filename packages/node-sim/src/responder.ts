import { bytesToHex, sha256 } from '@fabstir/crypto'
import type { Responder, ResponderRequest } from './core/types.js'

const TWO_PLUS_TWO = 'What is 2+2?'
const MAX_ECHOED_WORDS = 32

function answerText(prompt: string): string {
  if (prompt.trim() === TWO_PLUS_TWO) return '2 + 2 = 4.'
  const digest = bytesToHex(sha256(prompt)).slice(0, 8)
  const words = prompt.trim().split(/\s+/).filter(Boolean).slice(0, MAX_ECHOED_WORDS)
  return words.length === 0 ? `Answer ${digest}.` : `Answer ${digest}: ${words.join(' ')}`
}

/**
 * The word-sized chunks the default responder streams for a prompt: the first word, then each following word with
 * its leading space. `What is 2+2?` → `['2', ' +', ' 2', ' =', ' 4.']`; any other prompt → `Answer <8 hex of
 * sha256(prompt)>: <first 32 words of the prompt>` split the same way.
 */
export function answerChunks(prompt: string): string[] {
  return answerText(prompt).match(/\s*\S+/g) ?? []
}

/**
 * The exact text the default responder produces for `prompt`, truncated to `maxTokens` chunks when given (the node
 * stops after `max_tokens` chunks with `finish_reason: "length"`).
 */
export function expectedAnswer(prompt: string, maxTokens?: number): string {
  const chunks = answerChunks(prompt)
  return (maxTokens === undefined ? chunks : chunks.slice(0, Math.max(0, maxTokens))).join('')
}

/** The default deterministic "model": streams {@link answerChunks} of the prompt, one chunk per token. */
export async function* defaultResponder(request: ResponderRequest): AsyncGenerator<string, void> {
  for (const chunk of answerChunks(request.prompt)) yield chunk
}

defaultResponder satisfies Responder
