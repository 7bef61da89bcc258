import { JsonNumber } from '../json-lossless.js'

/**
 * A number the node writes as a Rust f64: serde prints integral floats with `.0` (`1.0`, not `1`). Use for every
 * field the node declares as `f64`/`f32`.
 */
export function f64(x: number): JsonNumber {
  // An exponent form is never an integer literal, so the value is classified (and written) as a float.
  return new JsonNumber(x.toExponential())
}
