import { describe, expect, it } from 'vitest'
import { checkPromptRequest, checkSessionData, parseJson, stringifyJson } from '../src/index.js'
import { PROMPT_TEXT, SESSION_DATA_TEXT } from './fixtures.js'

const U64_MAX = 18446744073709551615n

function sessionData(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...(JSON.parse(SESSION_DATA_TEXT) as Record<string, unknown>), ...overrides }
}

describe('checkSessionData', () => {
  it('accepts the PROTOCOL example', () => {
    expect(checkSessionData(parseJson(SESSION_DATA_TEXT)).ok).toBe(true)
  })

  it('round-trips pricePerToken = 2^64 − 1 exactly through parseJson/stringifyJson', () => {
    const text = SESSION_DATA_TEXT.replace('2272727273', U64_MAX.toString())
    const value = parseJson(text) as Record<string, unknown>
    expect(value.pricePerToken).toBe(U64_MAX)
    expect(checkSessionData(value).ok).toBe(true)
    expect(stringifyJson(value)).toBe(text)
    // JSON.parse has already lost precision: the validator refuses the rounded number.
    const lossy = JSON.parse(text) as unknown
    expect(checkSessionData(lossy)).toMatchObject({ ok: false, issues: [{ path: '/pricePerToken' }] })
  })

  it.each([
    ['safe integer number', 2272727273, true],
    ['zero', 0, true],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER, true],
    ['bigint', 10n, true],
    ['bigint 2^64 − 1', U64_MAX, true],
    ['bigint 2^64', U64_MAX + 1n, false],
    ['negative bigint', -1n, false],
    ['negative number', -1, false],
    ['float', 0.0001, false],
    ['decimal string', '0.0001', false],
    ['integer string', '2272727273', false],
    ['unsafe integer number', 2 ** 53, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['null', null, false],
  ])('pricePerToken: %s → %s', (_label, price, valid) => {
    const result = checkSessionData(sessionData({ pricePerToken: price }))
    expect(result.ok).toBe(valid)
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['/pricePerToken'])
  })

  it('rejects a numeric jobId and snake_case keys', () => {
    expect(checkSessionData(sessionData({ jobId: 12345 }))).toMatchObject({
      ok: false,
      issues: [{ path: '/jobId' }],
    })
    expect(checkSessionData(sessionData({ jobId: '12a' }))).toMatchObject({
      ok: false,
      issues: [{ path: '/jobId', message: 'must be a decimal string (digits only)' }],
    })
    const snake = { session_key: 'ab'.repeat(32), job_id: '1', model_name: 'm', price_per_token: 1 }
    expect(checkSessionData(snake)).toMatchObject({
      ok: false,
      issues: [
        { path: '/sessionKey' },
        { path: '/jobId' },
        { path: '/modelName' },
        { path: '/pricePerToken' },
      ],
    })
  })

  it('checks the session key size and optional fields', () => {
    expect(checkSessionData(sessionData({ sessionKey: `0x${'ab'.repeat(32)}` })).ok).toBe(true)
    expect(checkSessionData(sessionData({ sessionKey: 'ab'.repeat(31) }))).toMatchObject({
      ok: false,
      issues: [{ path: '/sessionKey' }],
    })
    const withExtras = sessionData({
      vectorDatabase: { manifestPath: 'a/manifest.json', userAddress: '0xabc' },
      recoveryPublicKey: `02${'11'.repeat(32)}`,
      unknownKey: 1,
    })
    expect(checkSessionData(withExtras).ok).toBe(true)
    expect(checkSessionData(sessionData({ vectorDatabase: { manifestPath: 'a' } }))).toMatchObject({
      ok: false,
      issues: [{ path: '/vectorDatabase/userAddress', message: 'is required' }],
    })
  })
})

describe('checkPromptRequest', () => {
  it('accepts the PROTOCOL fields', () => {
    expect(checkPromptRequest(parseJson(PROMPT_TEXT)).ok).toBe(true)
    expect(checkPromptRequest({ prompt: '' }).ok).toBe(true)
  })

  it('reports each bad field with its path', () => {
    const bad = {
      prompt: 5,
      max_tokens: 2 ** 32,
      temperature: 2.5,
      thinking: 'extreme',
      web_search: 'yes',
      max_searches: -1,
      search_queries: ['ok', 1],
      images: [{ data: 'aGk=', format: 'png' }, { data: 'aGk=' }, { data: '', format: 'bmp' }],
    }
    const result = checkPromptRequest(bad)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toEqual([
      { path: '/prompt', message: 'must be a string (got integer)' },
      { path: '/max_tokens', message: 'must be ≤ 4294967295' },
      { path: '/temperature', message: 'must be ≤ 2' },
      { path: '/thinking', message: "must be one of 'enabled', 'disabled', 'low', 'medium', 'high'" },
      { path: '/web_search', message: 'must be a boolean (got string)' },
      { path: '/max_searches', message: 'must be ≥ 0' },
      { path: '/search_queries/1', message: 'must be a string (got integer)' },
      { path: '/images/2/data', message: 'must have at least 1 character' },
      { path: '/images/2/format', message: "must be one of 'png', 'jpeg', 'webp', 'gif'" },
    ])
  })

  it('accepts the u32 bounds of max_tokens', () => {
    expect(checkPromptRequest({ prompt: 'x', max_tokens: 4294967295 }).ok).toBe(true)
    expect(checkPromptRequest({ prompt: 'x', max_tokens: 0 }).ok).toBe(true)
    expect(checkPromptRequest({ prompt: 'x', max_tokens: 1.5 }).ok).toBe(false)
  })
})
