/**
 * A compact set of 64-bit nonce fingerprints (the first 8 bytes of each 24-byte random nonce): open addressing in a
 * `Uint32Array`, 8 bytes per slot, load ≤ 1/2, so about 16 bytes per remembered nonce. A false "seen before" needs
 * two random nonces to share 64 bits: for n nonces under one key the chance is about n² / 2^65 (≈ 2^-37 at 16,384).
 */
export class NonceSet {
  private table = new Uint32Array(2 * 1024)
  private count = 0

  /** Number of fingerprints stored. */
  get size(): number {
    return this.count
  }

  /** Whether the nonce (hex, optional `0x`, any case; at least 8 bytes) was added before. */
  has(nonceHex: string): boolean {
    fingerprint(nonceHex)
    return this.table[this.slotOf(fpHi, fpLo, this.table)] !== 0
  }

  /** Remember a nonce. */
  add(nonceHex: string): void {
    fingerprint(nonceHex)
    const hi = fpHi
    const lo = fpLo
    if ((this.count + 1) * 2 > this.table.length / 2) this.grow()
    const slot = this.slotOf(hi, lo, this.table)
    if (this.table[slot] === 0) {
      this.table[slot] = hi
      this.table[slot + 1] = lo
      this.count++
    }
  }

  /** Forget everything (on re-key or close) and release the memory. */
  clear(): void {
    this.table = new Uint32Array(2 * 1024)
    this.count = 0
  }

  /** Slot (even index) holding `hi:lo`, or the empty slot where it would go. */
  private slotOf(hi: number, lo: number, table: Uint32Array): number {
    const mask = table.length / 2 - 1
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask
    for (;;) {
      const slot = i * 2
      const h = table[slot]!
      if (h === 0 || (h === hi && table[slot + 1] === lo)) return slot
      i = (i + 1) & mask
    }
  }

  private grow(): void {
    const old = this.table
    const next = new Uint32Array(old.length * 2)
    for (let slot = 0; slot < old.length; slot += 2) {
      const hi = old[slot]!
      if (hi === 0) continue
      const at = this.slotOf(hi, old[slot + 1]!, next)
      next[at] = hi
      next[at + 1] = old[slot + 1]!
    }
    this.table = next
  }
}

/** The words of the last {@link fingerprint} (module scratch: the hot path allocates nothing per nonce). */
let fpHi = 0
let fpLo = 0

/** Value of the hex digit with char code `c`, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  const l = c | 0x20
  return l >= 97 && l <= 102 ? l - 87 : -1
}

/** Eight hex digits at `at` as an unsigned 32-bit word, or -1 when one of them is not a hex digit. */
function word(hex: string, at: number): number {
  let value = 0
  for (let i = at; i < at + 8; i++) {
    const d = hexDigit(hex.charCodeAt(i))
    if (d < 0) return -1
    value = value * 16 + d
  }
  return value
}

/**
 * First 8 bytes of the nonce as two 32-bit words, into `fpHi`/`fpLo`; `fpHi` is never 0 (0 marks an empty slot).
 * Inputs that are not 16+ hex digits (never seen after frame validation) take the `parseInt` path, same result.
 */
function fingerprint(nonceHex: string): void {
  const start = nonceHex.startsWith('0x') ? 2 : 0
  let hi = word(nonceHex, start)
  let lo = word(nonceHex, start + 8)
  if (hi < 0 || lo < 0) {
    hi = Number.parseInt(nonceHex.slice(start, start + 8), 16) >>> 0
    lo = Number.parseInt(nonceHex.slice(start + 8, start + 16), 16) >>> 0
  }
  fpHi = hi === 0 ? 1 : hi
  fpLo = lo
}
