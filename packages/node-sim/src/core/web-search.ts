/**
 * The fake web search of chat prompts (PROTOCOL-SURFACE §10.5): runs when `web_search` is true or the prompt
 * auto-detects, runs `min(max_searches, 20)` queries and prepends deterministic "results" to the prompt. No frame
 * reports it.
 * @module
 */
import { extractLastUserQuery } from './actions/auto-route.js'

/** Auto-detection terms (case-insensitive substrings; "know" contains "now"). */
export const SEARCH_TRIGGERS = [
  'now',
  'latest',
  'recent',
  'current',
  'today',
  '2024',
  '2025',
  '2026',
  'news',
  'price',
  'stock',
  'weather',
  'score',
  'result',
  'update',
  'release',
  'announcement',
  'search for',
  'look up',
  'google',
  '[search]',
] as const

/** Most queries per request, whatever `max_searches` says. */
const MAX_QUERIES = 20n
const RESULTS_PER_QUERY = 5

/** The search settings of one chat request. */
export interface SearchRequest {
  /** `web_search` (payload, else outer frame). */
  webSearch: boolean | undefined
  /** `max_searches` (default 5). */
  maxSearches: bigint
  /** `search_queries` when it is an array of strings. */
  searchQueries: string[] | undefined
}

/** The queries the node would run for `prompt` (empty: no search). */
export function searchQueriesFor(prompt: string, s: SearchRequest): string[] {
  const lower = prompt.toLowerCase()
  if (s.webSearch !== true && !SEARCH_TRIGGERS.some((t) => lower.includes(t))) return []
  const limit = s.maxSearches < MAX_QUERIES ? s.maxSearches : MAX_QUERIES
  if (limit <= 0n) return []
  return (s.searchQueries ?? [extractLastUserQuery(prompt)]).slice(0, Number(limit))
}

/** Prepend fake results for `queries` to the prompt. */
export function withSearchResults(prompt: string, queries: readonly string[]): string {
  if (queries.length === 0) return prompt
  const lines = queries.flatMap((q, i) =>
    Array.from(
      { length: RESULTS_PER_QUERY },
      (_, r) => `[${i + 1}.${r + 1}] Result ${r + 1} for "${q}" — https://search.invalid/${i + 1}/${r + 1}`,
    ),
  )
  return `Web search results:\n${lines.join('\n')}\n\n${prompt}`
}
