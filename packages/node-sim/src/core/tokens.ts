const encoder = new TextEncoder()

/**
 * The simulator's deterministic token estimate: one token per started 4 bytes of UTF-8 (0 for the empty string).
 * Used for `usage.prompt_tokens` and the `TOKEN_LIMIT_EXCEEDED` check; a real node uses its model's tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(encoder.encode(text).length / 4)
}
