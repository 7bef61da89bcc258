import type { ClientStatus } from '@fabstir/transport-ws'

/** What the badge shows; also written to its `data-state` attribute for styling and tests. */
export type BadgeState = 'idle' | 'connecting' | 'encrypted' | 'plaintext' | 'reconnecting' | 'error'

const LABELS: Record<BadgeState, string> = {
  idle: '○ Disconnected',
  connecting: '… Connecting',
  encrypted: '🔒 Encrypted',
  plaintext: '⚠ Plaintext',
  reconnecting: '↻ Reconnecting',
  error: '✖ Error',
}

const TITLES: Record<BadgeState, string> = {
  idle: 'Not connected to a node.',
  connecting: 'Opening the connection and the session.',
  encrypted:
    'Prompts and answers are end-to-end encrypted (XChaCha20-Poly1305) between this page and the node.',
  plaintext: 'This node has no encryption key: prompts and answers travel in plaintext.',
  reconnecting: 'The connection dropped; reconnecting and re-keying the session.',
  error: 'The session failed. See the log.',
}

/**
 * Map a client status to a badge state. `encrypted` is the session's own flag (the source of truth): an
 * `encrypted` status without it, or a `plaintext` status, both show plaintext.
 */
export function badgeStateFor(status: ClientStatus, encrypted: boolean): BadgeState {
  switch (status) {
    case 'connecting':
    case 'connected':
      return 'connecting'
    case 'encrypted':
    case 'plaintext':
      return encrypted ? 'encrypted' : 'plaintext'
    case 'reconnecting':
      return 'reconnecting'
    case 'failed':
      return 'error'
    case 'closed':
      return 'idle'
  }
}

/** Render a badge state into the badge element. */
export function renderBadge(element: HTMLElement, state: BadgeState): void {
  element.dataset.state = state
  element.textContent = LABELS[state]
  element.title = TITLES[state]
}
