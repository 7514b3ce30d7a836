/**
 * Linear probes: how much of a quantity (true position, velocity, ...) a representation holds linearly. A
 * closed-form ridge regression with bias, fitted on standardised inputs and solved by Cholesky, scored by R^2
 * on held-out samples. Row-major plain arrays; float64 throughout.
 */
import { checkMatrix, columnMeans, type RowMajor } from "./matrix.ts";

export interface LinearProbeOptions {
  /**
   * L2 penalty on the weights of the standardised inputs, per sample: the fit minimises
   * (1/n) ||Y - b - Xs W||^2 + ridge ||W||^2 with the bias b unpenalised (default 1e-3). Keeps the system
   * solvable when inputs are collinear or constant.
   */
  ridge?: number;
}

export interface LinearProbe {
  dx: number;
  dy: number;
  /** Row-major [dx, dy] weights in the original input units: y = x @ weights + bias. */
  weights: Float64Array;
  /** [dy] bias. */
  bias: Float64Array;
  /** Predictions for row-major [n, dx] inputs, as row-major [n, dy]. */
  predict(x: RowMajor, n: number): Float64Array;
}

/** Fits y ([n, dy]) from x ([n, dx]) by ridge regression with bias on standardised x. */
export function fitLinearProbe(
  x: RowMajor,
  y: RowMajor,
  n: number,
  dx: number,
  dy: number,
  options: LinearProbeOptions = {},
): LinearProbe {
  const { ridge = 1e-3 } = options;
  checkMatrix(x, n, dx, "fitLinearProbe", "x");
  checkMatrix(y, n, dy, "fitLinearProbe", "y");
  if (!(Number.isFinite(ridge) && ridge >= 0)) {
    throw new Error(`fitLinearProbe: ridge must be a finite number >= 0 (got ${ridge})`);
  }
  const meanX = columnMeans(x, n, dx);
  const meanY = columnMeans(y, n, dy);
  const scaleX = new Float64Array(dx);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) {
      const c = x[i * dx + j] - meanX[j];
      scaleX[j] += c * c;
    }
  }
  // A constant input has no spread to standardise by; it centres to 0 and the ridge gives it weight 0.
  for (let j = 0; j < dx; j++) scaleX[j] = Math.sqrt(scaleX[j] / n) || 1;

  // Normal equations on standardised inputs: (Xs^T Xs / n + ridge I) W = Xs^T (Y - meanY) / n.
  const gram = new Float64Array(dx * dx);
  const rhs = new Float64Array(dx * dy);
  const xs = new Float64Array(dx);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) xs[j] = (x[i * dx + j] - meanX[j]) / scaleX[j];
    for (let a = 0; a < dx; a++) {
      const va = xs[a];
      if (va === 0) continue;
      for (let b = a; b < dx; b++) gram[a * dx + b] += va * xs[b];
      for (let k = 0; k < dy; k++) rhs[a * dy + k] += va * (y[i * dy + k] - meanY[k]);
    }
  }
  for (let a = 0; a < dx; a++) {
    for (let b = a; b < dx; b++) {
      const v = gram[a * dx + b] / n + (a === b ? ridge : 0);
      gram[a * dx + b] = v;
      gram[b * dx + a] = v;
    }
  }
  for (let i = 0; i < dx * dy; i++) rhs[i] /= n;
  const w = choleskySolve(gram, rhs, dx, dy, ridge);

  const weights = new Float64Array(dx * dy);
  const bias = Float64Array.from(meanY);
  for (let j = 0; j < dx; j++) {
    for (let k = 0; k < dy; k++) {
      const v = w[j * dy + k] / scaleX[j];
      weights[j * dy + k] = v;
      bias[k] -= meanX[j] * v;
    }
  }
  const predict = (xNew: RowMajor, m: number): Float64Array => {
    checkMatrix(xNew, m, dx, "LinearProbe.predict", "x");
    const out = new Float64Array(m * dy);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < dy; k++) out[i * dy + k] = bias[k];
      for (let j = 0; j < dx; j++) {
        const v = xNew[i * dx + j];
        if (v === 0) continue;
        for (let k = 0; k < dy; k++) out[i * dy + k] += v * weights[j * dy + k];
      }
    }
    return out;
  };
  return { dx, dy, weights, bias, predict };
}

export interface R2Score {
  /** Mean of the per-dimension scores. */
  mean: number;
  /** 1 - SS_res / SS_tot for each of the dy target dimensions (1 if a constant target is predicted exactly, else 0). */
  perDim: Float64Array;
}

/** Coefficient of determination of predictions `yPred` for `yTrue`, both row-major [n, dy]. */
export function r2(yTrue: RowMajor, yPred: RowMajor, n: number, dy: number): R2Score {
  checkMatrix(yTrue, n, dy, "r2", "yTrue");
  checkMatrix(yPred, n, dy, "r2", "yPred");
  const mean = columnMeans(yTrue, n, dy);
  const ssRes = new Float64Array(dy);
  const ssTot = new Float64Array(dy);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dy; k++) {
      const t = yTrue[i * dy + k];
      const e = t - yPred[i * dy + k];
      const c = t - mean[k];
      ssRes[k] += e * e;
      ssTot[k] += c * c;
    }
  }
  const perDim = new Float64Array(dy);
  for (let k = 0; k < dy; k++) {
    // As scikit-learn's force_finite: a constant target scores 1 when hit exactly, else 0, never NaN.
    perDim[k] = ssTot[k] > 0 ? 1 - ssRes[k] / ssTot[k] : ssRes[k] === 0 ? 1 : 0;
  }
  let sum = 0;
  for (let k = 0; k < dy; k++) sum += perDim[k];
  return { mean: sum / dy, perDim };
}

/**
 * Held-out R^2 of a ridge probe fitted on (trainX, trainY) and scored on (testX, testY); all row-major, the
 * sample counts are inferred from the lengths.
 */
export function linearProbeR2(
  trainX: RowMajor,
  trainY: RowMajor,
  testX: RowMajor,
  testY: RowMajor,
  dx: number,
  dy: number,
  options: LinearProbeOptions = {},
): R2Score {
  const nTrain = rowsOf(trainX, dx, "trainX");
  const nTest = rowsOf(testX, dx, "testX");
  const probe = fitLinearProbe(trainX, trainY, nTrain, dx, dy, options);
  return r2(testY, probe.predict(testX, nTest), nTest, dy);
}

/** Rows of a row-major matrix of `cols` columns (`where` names the caller in errors: a bug upstream). */
export function rowsOf(values: RowMajor, cols: number, name: string, where = "linearProbeR2"): number {
  if (!(Number.isInteger(cols) && cols >= 1))
    throw new Error(`${where}: dx and dy must be integers >= 1 (got ${cols})`);
  if (values.length === 0 || values.length % cols !== 0) {
    throw new Error(`${where}: ${name} has ${values.length} values; expected a positive multiple of ${cols}`);
  }
  return values.length / cols;
}

/** Solves A X = B for symmetric positive-definite A ([m, m]) and B ([m, k]) by Cholesky, A = L L^T. */
function choleskySolve(a: Float64Array, b: Float64Array, m: number, k: number, ridge: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let p = 0; p < j; p++) s -= l[i * m + p] * l[j * m + p];
      if (i === j) {
        if (!(s > 0)) {
          throw new Error(
            `fitLinearProbe: the normal equations are singular at input ${i} (pivot ${s}) with ridge ${ridge}; ` +
              "expected ridge > 0 for collinear or constant inputs",
          );
        }
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / l[j * m + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < m; i++) {
      let s = x[i * k + c];
      for (let p = 0; p < i; p++) s -= l[i * m + p] * x[p * k + c];
      x[i * k + c] = s / l[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = x[i * k + c];
      for (let p = i + 1; p < m; p++) s -= l[p * m + i] * x[p * k + c];
      x[i * k + c] = s / l[i * m + i];
    }
  }
  return x;
}
