/**
 * Automatic routing of encrypted chat to image generation (PROTOCOL-SURFACE §6; node
 * src/search/query_extractor.rs:51–169).
 * @module
 */

const HARMONY_USER = /<\|start\|>user<\|message\|>([\s\S]*?)<\|end\|>/g
const HARMONY_MARKERS = ['<|start|>', '<|message|>', '<|end|>', '<|channel|>', '<|return|>']
const ROLE_WORDS = ['system', 'user', 'assistant', 'final']
const LEADING = [
  'can you ',
  'could you ',
  'please ',
  'I want to ',
  'I need to ',
  'help me ',
  'tell me ',
  'what is ',
  'what are ',
  'how do I ',
  'how can I ',
]
/** Phrases that divert a chat prompt to image generation. */
export const IMAGE_INTENT_PHRASES = [
  'generate an image',
  'generate a picture',
  'generate a photo',
  'generate image',
  'create an image',
  'create a picture',
  'create a photo',
  'create image',
  'make an image',
  'make a picture',
  'make a photo',
  'make image',
  'draw me',
  'draw a ',
  'paint a ',
  'paint me',
  'sketch a ',
  'sketch me',
  'illustrate a ',
  'illustrate me',
] as const

/** The last user query of a prompt, as the node extracts it. */
export function extractLastUserQuery(prompt: string): string {
  let text: string
  const blocks = [...prompt.matchAll(HARMONY_USER)]
  if (blocks.length > 0) {
    text = blocks[blocks.length - 1]![1]!.trim()
  } else {
    text = prompt
    for (const s of [...HARMONY_MARKERS, ...ROLE_WORDS]) text = text.split(s).join(' ')
    text = text.replace(/\s+/g, ' ').trim()
  }
  for (const p of LEADING) {
    if (text.startsWith(p)) text = text.slice(p.length)
  }
  return text
}

/** True when the query asks for an image: at least 5 bytes and one of {@link IMAGE_INTENT_PHRASES}. */
export function isImageIntent(query: string): boolean {
  if (new TextEncoder().encode(query).length < 5) return false
  const lower = query.toLowerCase()
  return IMAGE_INTENT_PHRASES.some((p) => lower.includes(p))
}
