/** Most characters of node-supplied text (messages, codes, echoed values) copied into an error or a log. */
export const MAX_NODE_TEXT_CHARS = 1024

/**
 * `text` cut to `max` characters with a `…(N more chars)` tail, for display: a node (or anyone on a plaintext hop)
 * chooses these strings, and a 10 MB `error.message` must not become a 10 MB log line. Never splits a surrogate pair.
 */
export function capNodeText(text: string, max: number = MAX_NODE_TEXT_CHARS): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…(${text.length - end} more chars)`
}
