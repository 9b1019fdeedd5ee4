/**
 * Why `argosy retry` / `argosy resubmit` refuses a workflow, in Argo's words (Argo's server answers
 * these as errors of the request; nothing is changed).
 */
export class RerunError extends Error {
  override name = 'RerunError';
}
