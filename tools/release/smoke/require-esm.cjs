// The packages are ESM only: `require()` must fail with a clear Node error code, never load half a package.
const results = {}
for (const name of [
  '@fabstir/wire',
  '@fabstir/crypto',
  '@fabstir/protocol',
  '@fabstir/transport-ws',
  '@fabstir/signer-viem',
  '@fabstir/signer-ethers',
  '@fabstir/node-sim',
  '@fabstir/conformance',
]) {
  try {
    require(name)
    results[name] = 'loaded'
  } catch (e) {
    results[name] = e.code ?? String(e)
  }
}
console.log(JSON.stringify(results))
