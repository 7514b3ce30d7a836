/**
 * Effective rank (Roy & Vetterli 2007) of a batch of representations: exp of the Shannon entropy of the
 * covariance eigenvalues normalised to sum 1. It is d for isotropic data, 1 for data on a line, and in between
 * counts how many directions carry variance: a dimensional-collapse measure that a per-dimension std misses.
 */
import { symmetricEigenvalues } from "./eig.ts";
import { checkMatrix, type RowMajor } from "./matrix.ts";
import { covarianceMatrix } from "./stats.ts";

/**
 * exp(-sum p_i log p_i) with p_i = lambda_i / sum(lambda) over the eigenvalues; tiny negative eigenvalues
 * (rounding) count as 0. Returns 0 when there is no variance at all (every eigenvalue <= 0).
 */
export function effectiveRankOfEigenvalues(eigenvalues: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < eigenvalues.length; i++) if (eigenvalues[i] > 0) sum += eigenvalues[i];
  if (!(sum > 0)) return 0;
  let entropy = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const p = eigenvalues[i] / sum;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/** Effective rank of the covariance of z (row-major [n, d], n >= 2); 0 when z is constant. */
export function effectiveRank(z: RowMajor, n: number, d: number): number {
  checkMatrix(z, n, d, "effectiveRank");
  return effectiveRankOfEigenvalues(symmetricEigenvalues(covarianceMatrix(z, n, d), d));
}
