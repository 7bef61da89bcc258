const MAX_LENGTH = 300

interface Coded {
  code?: unknown
  message?: unknown
  docsUrl?: unknown
  nodeMessage?: unknown
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_LENGTH ? `${flat.slice(0, MAX_LENGTH - 1)}…` : flat
}

/**
 * A readable one-line description of a failure: `CODE: message — docs link` for the SDK's typed errors
 * (`FabstirError` and its subclasses such as `CryptoError`; the node's own message when it sent one; the link says
 * what to do), the message for anything else. Never a stack trace.
 */
export function formatError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message, docsUrl, nodeMessage } = error as Coded
    const parts: string[] = []
    if (typeof code === 'string' && code) parts.push(`${code}:`)
    // A node error's own text reads better than the SDK's wrapper around it.
    if (typeof nodeMessage === 'string' && nodeMessage) parts.push(nodeMessage)
    else parts.push(typeof message === 'string' && message ? message : 'unexpected failure')
    const text = oneLine(parts.join(' '))
    return typeof docsUrl === 'string' && docsUrl ? `${text} — ${docsUrl}` : text
  }
  return oneLine(`UNEXPECTED: ${String(error)}`)
}
