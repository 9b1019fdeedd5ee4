/**
 * Argo v4.1.2's "absent optional" (its PR #16223): a declared output of a Skipped or Omitted
 * producer that has no `valueFrom.default` is not a value. Resolvers answer {@link ABSENT_OPTIONAL}
 * for it; a simple tag resolving to it fails the referencing node ({@link absentOptionalError}), an
 * expression sees `nil`, and an argument that is nothing but such a reference carries the marker to
 * the consumer, whose input default then applies (or which fails when it has none).
 */

/** What a resolver answers for an absent optional (never a parameter value a user can write in YAML). */
export const ABSENT_OPTIONAL = '\u0000argosy:absent-optional\u0000';

/** A `{{tag}}` resolved to an absent optional: Argo's terminal error, never a retry. */
export class AbsentOptionalError extends Error {
  override name = 'AbsentOptionalError';
}

/** Argo's message for a simple tag that resolves to an absent optional. */
export function absentOptionalError(tag: string): AbsentOptionalError {
  return new AbsentOptionalError(
    `unable to substitute {{${tag}}}: output is an absent optional (skipped/omitted node with no default)`,
  );
}

/** True for {@link AbsentOptionalError} (by name). */
export function isAbsentOptionalError(e: unknown): e is AbsentOptionalError {
  return e instanceof Error && e.name === 'AbsentOptionalError';
}

/** Argo's ProcessArgs message for a marked argument whose input has no default. */
export function absentArgumentMessage(input: string): string {
  return `inputs.parameters.${input}: argument references an absent optional (skipped/omitted node output with no default)`;
}
