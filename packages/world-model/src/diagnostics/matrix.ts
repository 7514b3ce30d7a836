/**
 * Plain-JS matrices for the diagnostics: row-major numbers, n rows (samples) by d columns (features), read
 * from Float32Array, Float64Array or number[] without copying.
 */

export type RowMajor = ArrayLike<number>;

/** Throws, naming `where` and `name`, unless `values` holds exactly rows * cols numbers and both are valid sizes. */
export function checkMatrix(values: RowMajor, rows: number, cols: number, where: string, name = "z"): void {
  if (!(Number.isInteger(rows) && rows >= 1))
    throw new Error(`${where}: n must be an integer >= 1 (got ${rows})`);
  if (!(Number.isInteger(cols) && cols >= 1))
    throw new Error(`${where}: d must be an integer >= 1 (got ${cols})`);
  if (values.length !== rows * cols) {
    throw new Error(
      `${where}: ${name} has ${values.length} values; expected n * d = ${rows} * ${cols} = ${rows * cols} (row-major)`,
    );
  }
}

/** Column means of a row-major [n, d] matrix, in float64. */
export function columnMeans(z: RowMajor, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += z[row + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}
