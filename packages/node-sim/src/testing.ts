/**
 * `@fabstir/node-sim/testing` — test doubles around the simulator, for this repository's tests and for integrators
 * testing `--upstream` setups: a tiny OpenAI-compatible streaming server whose every answer is scripted.
 * @packageDocumentation
 */
export { type Behaviour, type ReceivedRequest, startOpenAiServer } from './testing/openai-server.js'
