import { checkPromptRequest, type PromptRequest, U64_MAX } from '@fabstir/wire'
import { FabstirError } from './errors.js'

/** A prompt: plain text, or the node's prompt object (snake_case fields, PROTOCOL.md §5). */
export type PromptInput = string | PromptRequest

function invalidConfig(message: string, field: string): FabstirError {
  return new FabstirError('INVALID_CONFIG', message, { details: { field } })
}

/**
 * `pricePerToken` as an exact u64: a safe non-negative integer `number` or a `bigint` in [0, 2^64 − 1].
 * Floats, strings and unsafe integers (precision already lost) are rejected.
 */
export function normalizePrice(value: unknown): number | bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > U64_MAX)
      throw invalidConfig('pricePerToken must be within the u64 range', 'pricePerToken')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw invalidConfig(
        'pricePerToken must be a non-negative integer in the smallest token unit (wei or 6-decimal USDC units)',
        'pricePerToken',
      )
    }
    if (!Number.isSafeInteger(value)) {
      throw invalidConfig(
        'pricePerToken is above 2^53 − 1 as a number, so its exact value is lost: pass a bigint',
        'pricePerToken',
      )
    }
    return value
  }
  throw invalidConfig(`pricePerToken must be a number or bigint, got ${typeof value}`, 'pricePerToken')
}

/** `jobId` as the decimal string the node expects (a number or bigint is converted exactly). */
export function normalizeJobId(value: unknown): string {
  if (typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value)) return value
  if (typeof value === 'bigint' && value >= 0n) return value.toString()
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  throw invalidConfig('jobId must be a non-negative integer (decimal string, safe number or bigint)', 'jobId')
}

/** `chainId`: a positive safe integer (84532 Base Sepolia by default; 5611 opBNB testnet). */
export function normalizeChainId(value: unknown): number {
  if (value === undefined) return 84532
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value
  throw invalidConfig('chainId must be a positive integer', 'chainId')
}

/**
 * `value` when it is a non-empty string; otherwise throws `INVALID_CONFIG` with `details.field` set to
 * `field`.
 */
export function requireNonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidConfig(`${field} must be a non-empty string`, field)
  return value
}

const CAMEL_TO_SNAKE: Record<string, string> = {
  maxTokens: 'max_tokens',
  webSearch: 'web_search',
  maxSearches: 'max_searches',
  searchQueries: 'search_queries',
}

/**
 * Validate a prompt before it is sealed: the node silently drops some malformed requests (e.g. `max_tokens` beyond
 * u32), so every field is checked here and reported as `INVALID_PROMPT` with the offending field.
 */
export function normalizePrompt(input: unknown): PromptRequest {
  if (typeof input === 'string') return { prompt: input }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FabstirError('INVALID_PROMPT', 'a prompt must be a string or a prompt object { prompt, ... }')
  }
  for (const [camel, snake] of Object.entries(CAMEL_TO_SNAKE)) {
    if (camel in input) {
      throw new FabstirError(
        'INVALID_PROMPT',
        `the node reads snake_case fields only: use "${snake}" instead of "${camel}"`,
        {
          details: { field: camel },
        },
      )
    }
  }
  const result = checkPromptRequest(input)
  if (!result.ok) {
    const first = result.issues[0]
    throw new FabstirError(
      'INVALID_PROMPT',
      `invalid prompt${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`,
      {
        details: { issues: result.issues },
      },
    )
  }
  // The schema bounds max_tokens (u32) and temperature (finite, 0 to 2): nothing more to check here.
  return result.value
}

/**
 * The prompt object as the JSON text that is sealed. `INVALID_PROMPT` when it holds a value JSON cannot write (a
 * bigint, a cycle, a throwing `toJSON`): the schema has no field for such a value, so it is refused before anything
 * is sealed rather than sent in a form the node cannot read.
 */
export function promptJson(request: PromptRequest): string {
  try {
    return JSON.stringify(request)
  } catch (cause) {
    throw new FabstirError(
      'INVALID_PROMPT',
      'the prompt object holds a value JSON cannot write (a bigint, a cycle or a throwing toJSON)',
      { cause },
    )
  }
}
