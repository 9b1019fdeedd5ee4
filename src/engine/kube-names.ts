/**
 * Kubernetes' name formats (apimachinery `util/validation`) with kube-apiserver's exact messages, for
 * the embedded API server and for checks that must refuse what the API server would refuse before
 * anything is sent (`argosy submit`/`run`: a workflow name the server cannot store).
 */
import type { ObjectMeta } from './contract.ts';

/** `RegexError`: the message, examples and the regex, exactly as apimachinery words them. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const LABEL_RE = new RegExp(`^${LABEL_FMT}$`);
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN_FMT}$`);

/** RFC 1123 label (container, volume and namespace names). */
export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_RE.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errs;
}

/** RFC 1123 subdomain (most object names, ServiceAccount names). */
export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!SUBDOMAIN_RE.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

/** apimachinery's maskTrailingDash: a generateName prefix may end with '-' (a suffix follows). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

/**
 * What kube-apiserver says about an object's name and generateName (`NameIsDNSSubdomain`, the rule of
 * custom resources such as Workflows), as `metadata.name: Invalid value: "…": …` lines.
 */
export function objectNameProblems(meta: ObjectMeta): string[] {
  const out: string[] = [];
  const each = (field: string, value: string, checked: string): void => {
    for (const m of isDns1123Subdomain(checked)) out.push(`${field}: Invalid value: ${JSON.stringify(value)}: ${m}`);
  };
  if (typeof meta.name === 'string' && meta.name !== '') each('metadata.name', meta.name, meta.name);
  if (typeof meta.generateName === 'string' && meta.generateName !== '')
    each('metadata.generateName', meta.generateName, maskTrailingDash(meta.generateName));
  return out;
}
