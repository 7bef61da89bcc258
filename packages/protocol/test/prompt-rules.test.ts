import { describe, expect, it } from 'vitest'
import { FabstirError, type PromptInput } from '../src/index.js'
import { codeOf, textOf } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { announcedAad, openMessage } from './helpers/node-view.js'

describe('prompt() state rules', () => {
  it('allows one prompt in flight: a second prompt() while streaming throws PROMPT_IN_FLIGHT', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const first = setup.session.prompt('What is 2+2?')
    let caught: FabstirError | undefined
    try {
      setup.session.prompt('And 3+3?')
    } catch (e) {
      caught = e as FabstirError
    }
    expect(caught).toBeInstanceOf(FabstirError)
    expect(caught!.code).toBe('PROMPT_IN_FLIGHT')
    expect(caught!.requestId).toBe(first.id)
    expect(setup.session.state).toBe('streaming')
    expect(setup.session.inFlightId).toBe(first.id)
    // the first one still completes, and sealed with message_0 (the refused one consumed no index)
    expect(announcedAad(first)).toBe('message_0')
    const events = await setup.link.exchange(first)
    expect(textOf(events)).toBe('2 + 2 = 4.')
    expect(announcedAad(setup.session.prompt('What is 2+2?'))).toBe('message_1')
  })

  it('throws INVALID_STATE before the session is ready', async () => {
    const setup = setupEncrypted()
    expect(codeOf(() => setup.session.prompt('What is 2+2?'))).toBe('INVALID_STATE')
    const init = await setup.session.init()
    expect(setup.session.state).toBe('initializing')
    expect(codeOf(() => setup.session.prompt('What is 2+2?'))).toBe('INVALID_STATE')
    setup.link.send(init)
    await setup.link.waitFor((e) => e.type === 'ready')
    expect(codeOf(() => setup.session.prompt('What is 2+2?'))).toBeUndefined()
  })

  it('throws SESSION_CLOSED after close(), and close() is idempotent', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    setup.session.close()
    setup.session.close()
    expect(setup.session.state).toBe('closed')
    expect(codeOf(() => setup.session.prompt('What is 2+2?'))).toBe('SESSION_CLOSED')
    await expect(setup.session.init()).rejects.toMatchObject({ code: 'INVALID_STATE' })
    expect(setup.session.cancel()).toBeUndefined()
    expect(setup.session.connectionLost()).toEqual([])
    expect(setup.session.state).toBe('closed')
  })
})

describe('prompt validation', () => {
  const invalid: Array<[string, unknown, string | undefined]> = [
    ['max_tokens 2^32', { prompt: 'hi', max_tokens: 2 ** 32 }, 'max_tokens'],
    ['max_tokens -1', { prompt: 'hi', max_tokens: -1 }, 'max_tokens'],
    ['max_tokens 1.5', { prompt: 'hi', max_tokens: 1.5 }, 'max_tokens'],
    ['temperature 2.5', { prompt: 'hi', temperature: 2.5 }, 'temperature'],
    ['temperature -0.1', { prompt: 'hi', temperature: -0.1 }, 'temperature'],
    ['temperature NaN', { prompt: 'hi', temperature: Number.NaN }, 'temperature'],
    ['camelCase maxTokens', { prompt: 'hi', maxTokens: 10 }, 'maxTokens'],
    ['camelCase webSearch', { prompt: 'hi', webSearch: true }, 'webSearch'],
    ['no prompt field', { max_tokens: 10 }, undefined],
    ['a numeric prompt', { prompt: 42 }, undefined],
    ['a number', 42, undefined],
    ['null', null, undefined],
    ['an array', ['hi'], undefined],
  ]

  it.each(invalid)('rejects %s with INVALID_PROMPT and seals nothing', async (_, input, field) => {
    const setup = setupEncrypted()
    const { sessionKeyCopy } = await initAndWait(setup)
    const sent = setup.link.outbound.length
    let caught: FabstirError | undefined
    try {
      setup.session.prompt(input as PromptInput)
    } catch (e) {
      caught = e as FabstirError
    }
    expect(caught).toBeInstanceOf(FabstirError)
    expect(caught!.code).toBe('INVALID_PROMPT')
    if (field !== undefined) {
      const details = caught!.details as { field?: string; issues?: Array<{ path: string }> }
      const where = details.field ?? details.issues?.map((i) => i.path).join(' ')
      expect(where).toContain(field)
    }
    expect(setup.session.state).toBe('ready')
    expect(setup.session.inFlightId).toBeUndefined()
    expect(setup.link.outbound.length).toBe(sent)
    // no message index was used up: the next valid prompt is message_0 and the node answers it
    const frame = setup.session.prompt('What is 2+2?')
    expect(announcedAad(frame)).toBe('message_0')
    expect(JSON.parse(openMessage(frame, sessionKeyCopy, 'message_0'))).toEqual({ prompt: 'What is 2+2?' })
    expect(textOf(await setup.link.exchange(frame))).toBe('2 + 2 = 4.')
  })

  it('accepts the limits and seals the snake_case object as given', async () => {
    const setup = setupEncrypted()
    const { sessionKeyCopy } = await initAndWait(setup)
    const request = {
      prompt: 'What is 2+2?',
      max_tokens: 4_294_967_295,
      temperature: 2,
      thinking: 'low' as const,
      web_search: false,
    }
    const frame = setup.session.prompt(request)
    expect(JSON.parse(openMessage(frame, sessionKeyCopy, 'message_0'))).toEqual(request)
    const events = await setup.link.exchange(frame)
    expect(textOf(events)).toBe('2 + 2 = 4.')
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'complete' })
  })
})
