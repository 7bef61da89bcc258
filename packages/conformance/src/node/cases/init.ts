import type { NodeCase } from '../case.js'
import { check } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, expectError, initEncrypted } from '../steps.js'

const enc = ['encryption'] as const

export const initCases: NodeCase[] = [
  {
    id: '2.01',
    group: 'init',
    title: 'a well-formed init is acknowledged with every documented field',
    spec: 'PROTOCOL §4: status "success", session_id, job_id, chain_id, client_address, message, id',
    needs: [...enc],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe, { id: 'init-fields', data: { jobId: '77' } })
      check(
        s.ack.session_id === s.sessionId,
        `ack.session_id ${JSON.stringify(s.ack.session_id)} is not the init's`,
      )
      check(s.ack.id === 'init-fields', `ack.id ${JSON.stringify(s.ack.id)} does not echo the request id`)
      check(s.ack.chain_id === 84532, `ack.chain_id ${JSON.stringify(s.ack.chain_id)}, expected 84532`)
      check(
        s.ack.job_id === 77 || s.ack.job_id === null,
        `ack.job_id ${JSON.stringify(s.ack.job_id)}, expected 77`,
      )
      check(typeof s.ack.message === 'string', 'ack.message is not a string')
    },
  },
  {
    id: '2.02',
    group: 'init',
    title: 'chain 5611 (opBNB testnet) is echoed',
    spec: 'PROTOCOL §4: chain_id 84532 default, 5611 the other chain',
    needs: [...enc],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe, { chainId: 5611 })
      check(s.ack.chain_id === 5611, `ack.chain_id ${JSON.stringify(s.ack.chain_id)}, expected 5611`)
    },
  },
  {
    id: '2.03',
    group: 'init',
    title: 'camelCase sessionId / chainId spellings are accepted',
    spec: 'PROTOCOL §4',
    needs: [...enc],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe, { camelCase: true, chainId: 5611 })
      check(s.ack.session_id === s.sessionId, 'ack.session_id does not echo sessionId')
      check(s.ack.chain_id === 5611, `ack.chain_id ${JSON.stringify(s.ack.chain_id)}, expected 5611`)
    },
  },
  {
    id: '2.04',
    group: 'init',
    title: 'a 65-byte uncompressed ephemeral key is accepted',
    spec: 'PROTOCOL §2',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { uncompressedEphemeral: true })
    },
  },
  {
    id: '2.05',
    group: 'init',
    title: 'hex fields with a 0x prefix are accepted',
    spec: 'PROTOCOL §3',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { hexStyle: '0x' })
    },
  },
  {
    id: '2.06',
    group: 'init',
    title: 'upper-case hex fields are accepted',
    spec: 'PROTOCOL §3',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { hexStyle: 'upper' })
    },
  },
  {
    id: '2.07',
    group: 'init',
    title: 'a signature with v = 27/28 is accepted',
    spec: 'PROTOCOL §4: v ∈ {0,1} (27/28 also accepted)',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { signature: 'v27' })
    },
  },
  {
    id: '2.08',
    group: 'init',
    title: 'an EIP-191 signature "succeeds" and the node echoes the address it recovers from the raw digest',
    spec: 'PROTOCOL §4, §11.3: the node checks nothing; clients must compare client_address',
    needs: [...enc],
    async run(ctx) {
      const s = await initEncrypted(ctx, await ctx.connect(), { signature: 'eip191' })
      check(
        s.ack.client_address !== ctx.wallet.address.toLowerCase(),
        'the node echoed the wallet address for an EIP-191 signature: it does not recover from sha256(ciphertext)',
      )
    },
  },
  {
    id: '2.09',
    group: 'init',
    title: 'unknown session-data keys are ignored',
    spec: 'PROTOCOL §4: unknown keys ignored',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { data: { extra: ['"futureField":{"a":[1,2]}'] } })
    },
  },
  {
    id: '2.10',
    group: 'init',
    title: 'vectorDatabase and recoveryPublicKey are accepted',
    spec: 'PROTOCOL §4',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), {
        data: {
          extra: [
            '"vectorDatabase":{"manifestPath":"home/db/manifest.json","userAddress":"0x000000000000000000000000000000000000beef"}',
            '"recoveryPublicKey":"02a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"',
          ],
        },
      })
    },
  },
  {
    id: '2.11',
    group: 'init',
    title: 'a pricePerToken above 2^53 written as an exact integer is accepted',
    spec: 'PROTOCOL §4: u64, exact integer literal',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { data: { pricePerTokenJson: '18446744073709551615' } })
    },
  },
  {
    id: '2.12',
    group: 'init',
    title: 'a re-init with the same session_id replaces the key',
    spec: 'PROTOCOL §4: re-init replaces the key',
    needs: [...enc],
    async run(ctx) {
      const probe = await ctx.connect()
      const first = await initEncrypted(ctx, probe, { id: 'init-a' })
      const second = await initEncrypted(ctx, probe, { id: 'init-b', sessionId: first.sessionId })
      probe.send(buildMessage(first.sessionKey, first.sessionId, 'old key', { id: 'old' }))
      await expectError(probe, 'DECRYPTION_FAILED', { id: 'old' })
      await ask(probe, second, 'new key works?', { id: 'new' })
    },
  },
  {
    id: '2.13',
    group: 'init',
    title: 'a numeric session_id is acknowledged but no key is stored',
    spec: 'PROTOCOL §4: session_id must be a JSON string (a number is treated as absent)',
    needs: [...enc],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe, { sessionId: 987654321 })
      probe.send(buildMessage(s.sessionKey, '987654321', 'hello', { id: 'numeric' }))
      await expectError(probe, 'SESSION_KEY_NOT_FOUND', { id: 'numeric' })
    },
  },
  {
    id: '2.14',
    group: 'init',
    title: 'a session key set on one connection is usable from another (keys are node-global)',
    spec: 'SURFACE §11.1',
    needs: [...enc],
    async run(ctx) {
      const first = await ctx.connect()
      const s = await initEncrypted(ctx, first)
      first.close()
      const second = await ctx.connect()
      await ask(second, s, 'from another socket', { id: 'other-socket' })
    },
  },
  {
    id: '2.15',
    group: 'init',
    title: 'an init sealed under another AAD label, announced in aadHex, is accepted',
    spec: 'PROTOCOL §4: aadHex is the AAD used to seal the session data (the SDK uses session_init)',
    needs: [...enc],
    async run(ctx) {
      await initEncrypted(ctx, await ctx.connect(), { aad: 'any_label_the_client_likes' })
    },
  },
]
