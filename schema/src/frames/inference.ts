import { Type } from '@sinclair/typebox'
import { RequestId } from '../common.js'
import { named, U32, U32_MAX, U64 } from '../keywords.js'
import { PromptImage, Thinking } from '../prompt.js'

/** One earlier turn of a plaintext inference request. */
export const ConversationMessage = named(
  'ConversationMessage',
  Type.Object(
    {
      role: Type.String({ description: 'Speaker role, e.g. "user" or "assistant".' }),
      content: Type.String({ description: 'The turn text.' }),
      timestamp: Type.Optional(U64('Optional timestamp (u64); not used for prompting.')),
    },
    {
      description: 'A conversation turn (only the last 10 are used).',
      examples: [{ role: 'user', content: 'Hi' }],
    },
  ),
)

const NodeJobId = U64('On-chain job id (u64); used for billing when the connection has none.')
const WebSearch = Type.Boolean({ description: 'Force a web search.' })
const MaxSearches = U32('Upper bound on web searches (u32, default 5).')
const SearchQueries = Type.Array(Type.String({ description: 'A search query.' }), {
  description: 'Explicit web search queries.',
})

/** The nested `request` of `inference` (and of `prompt`), parsed strictly by the node. */
export const InferenceRequest = named(
  'InferenceRequest',
  Type.Object(
    {
      model: Type.String({
        description: 'Model name (required; unknown or "tiny-vicuna" maps to the default).',
      }),
      prompt: Type.String({ description: 'The prompt text, in clear (required).' }),
      max_tokens: Type.Integer({
        description: 'Maximum tokens to generate (u32, required, > 0).',
        minimum: 1,
        maximum: U32_MAX,
      }),
      temperature: Type.Optional(
        Type.Number({ description: 'Sampling temperature, 0 to 2.', minimum: 0, maximum: 2, default: 0.7 }),
      ),
      stream: Type.Optional(Type.Boolean({ description: 'Ignored: output always streams.' })),
      request_id: Type.Optional(Type.String({ description: 'Ignored.' })),
      conversation_context: Type.Optional(
        Type.Array(ConversationMessage, { description: 'Earlier turns (default []; the last 10 are used).' }),
      ),
      job_id: Type.Optional(NodeJobId),
      jobId: Type.Optional(NodeJobId),
      session_id: Type.Optional(
        Type.String({ description: 'Session id (a prompt frame overwrites it with the connection value).' }),
      ),
      chain_id: Type.Optional(U64('Chain id (u64).')),
      chainId: Type.Optional(U64('Alias of chain_id.')),
      web_search: Type.Optional(WebSearch),
      webSearch: Type.Optional(WebSearch),
      max_searches: Type.Optional(MaxSearches),
      maxSearches: Type.Optional(MaxSearches),
      search_queries: Type.Optional(SearchQueries),
      searchQueries: Type.Optional(SearchQueries),
      thinking: Type.Optional(Thinking),
    },
    {
      description:
        'Plaintext inference request (node src/api/handlers.rs). Missing or invalid → the node sends no reply at ' +
        'all. camelCase aliases are accepted for the ids and the web-search fields.',
      examples: [{ model: 'tiny-vicuna', prompt: 'Hello!', max_tokens: 64, temperature: 0.7 }],
    },
  ),
)

/** `inference` — plaintext chat with a nested `request`. */
export const InferenceFrame = named(
  'InferenceFrame',
  Type.Object(
    {
      type: Type.Literal('inference', { description: 'Frame type.' }),
      id: Type.Optional(RequestId),
      images: Type.Optional(
        Type.Array(PromptImage, {
          description: 'Images for vision models (outer frame, never inside request).',
        }),
      ),
      request: InferenceRequest,
    },
    {
      description:
        'Plaintext chat (deprecated plaintext mode). Answered with stream_chunk frames and stream_end; never ' +
        'auto-routed to image generation.',
      examples: [
        {
          type: 'inference',
          id: 'req-1',
          request: { model: 'tiny-vicuna', prompt: 'Hello!', max_tokens: 64 },
        },
      ],
    },
  ),
)
