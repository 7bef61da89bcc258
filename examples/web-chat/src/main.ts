import { type ClientSession, createClient, type FabstirClient } from '@fabstir/transport-ws'
import { plaintextProtocol } from '@fabstir/transport-ws/plaintext'
import { ChatLog } from './chat-log.js'
import { readConfig } from './config.js'
import { formatError } from './format-error.js'
import { createThrowawaySigner, type ThrowawaySigner } from './signer.js'
import { badgeStateFor, renderBadge } from './status-badge.js'

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id)
  if (!(el instanceof type)) throw new TypeError(`the page is missing #${id}`)
  return el
}

const ui = {
  connectForm: element('connect-form', HTMLFormElement),
  url: element('url', HTMLInputElement),
  key: element('key', HTMLInputElement),
  connect: element('connect', HTMLButtonElement),
  status: element('status', HTMLElement),
  identity: element('identity', HTMLElement),
  chatForm: element('chat-form', HTMLFormElement),
  prompt: element('prompt', HTMLInputElement),
  send: element('send', HTMLButtonElement),
}
const log = new ChatLog(element('log', HTMLElement))
const config = readConfig(location.search)

let client: FabstirClient | undefined
let session: ClientSession | undefined
let signer: ThrowawaySigner | undefined
let answering = false

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}

function refreshControls(): void {
  const open = session !== undefined && (session.status === 'encrypted' || session.status === 'plaintext')
  ui.send.disabled = !open || answering
  ui.prompt.disabled = session === undefined
  ui.url.disabled = ui.key.disabled = client !== undefined
  ui.connect.textContent = client ? 'Disconnect' : 'Connect'
}

async function disconnect(): Promise<void> {
  const c = client
  client = undefined
  session = undefined
  await c?.close()
  signer?.dispose()
  signer = undefined
  ui.identity.textContent = ''
  refreshControls()
}

async function connect(): Promise<void> {
  ui.connect.disabled = true
  try {
    signer = createThrowawaySigner()
    const c = createClient({
      url: ui.url.value.trim(),
      nodePublicKey: ui.key.value.trim() || undefined,
      signer,
      allowPlaintextFallback: config.allowPlaintextFallback,
      // The plaintext protocol is an explicit import; it is used only when the fallback is allowed and needed.
      plaintext: plaintextProtocol,
    })
    client = c
    c.on('status', (status, s) => {
      if (client !== c) return
      renderBadge(ui.status, badgeStateFor(status, s.encrypted))
      if (status === 'failed' && session === s) {
        log.add('error', 'The session failed; connect again to start a new one.')
        void disconnect()
      }
      refreshControls()
    })
    refreshControls()
    const s = await c.startSession({
      jobId: config.jobId,
      modelName: config.modelName,
      pricePerToken: config.pricePerToken,
    })
    if (client !== c) return
    session = s
    if (s.encrypted) {
      ui.identity.textContent = `signed by throw-away key ${shortAddress(signer.address)}`
      log.add('info', 'Encrypted session open: prompts and answers are sealed end to end.')
    } else {
      log.add('info', 'PLAINTEXT session: this node has no encryption key (allowed by ?fallback=1).')
    }
  } catch (e) {
    renderBadge(ui.status, 'error')
    log.add('error', formatError(e))
    await disconnect()
  } finally {
    ui.connect.disabled = false
    refreshControls()
  }
}

async function ask(prompt: string): Promise<void> {
  const s = session
  if (!s || answering) return
  answering = true
  refreshControls()
  log.add('user', prompt)
  const answer = log.startAnswer()
  try {
    const stream = s.stream(prompt)
    for await (const delta of stream) answer.append(delta.text)
    const reply = await stream.result
    answer.finish(reply.encrypted)
  } catch (e) {
    answer.fail(formatError(e))
  } finally {
    answering = false
    refreshControls()
  }
}

ui.connectForm.addEventListener('submit', (event) => {
  event.preventDefault()
  if (client) void disconnect().then(() => renderBadge(ui.status, 'idle'))
  else void connect()
})

ui.chatForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const prompt = ui.prompt.value.trim()
  if (!prompt || ui.send.disabled) return
  ui.prompt.value = ''
  void ask(prompt)
})

// Closing the connection lets the node settle the job; the signer key is zeroed either way.
window.addEventListener('pagehide', () => void disconnect())

ui.url.value = config.url
ui.key.value = config.nodePublicKey
renderBadge(ui.status, 'idle')
refreshControls()
if (config.autoConnect) void connect()
