/**
 * AWS partitions by region: service hostnames end in the partition's DNS suffix, not always
 * `amazonaws.com` (China: `amazonaws.com.cn`; the isolated regions have their own). GovCloud regions
 * use `amazonaws.com`. Source: the partitions table the AWS SDKs ship (partitions.json).
 */
const SUFFIXES: [RegExp, string][] = [
  [/^cn-/, 'amazonaws.com.cn'],
  [/^us-isob-/, 'sc2s.sgov.gov'],
  [/^us-isof-/, 'csp.hci.ic.gov'],
  [/^us-iso-/, 'c2s.ic.gov'],
  [/^eu-isoe-/, 'cloud.adc-e.uk'],
];

/** The DNS suffix of `region`'s partition. */
export function dnsSuffix(region: string): string {
  return SUFFIXES.find(([re]) => re.test(region))?.[1] ?? 'amazonaws.com';
}

/** `https://<service>.<region>.<suffix>`, the regional endpoint of a service. */
export function regionalEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.${dnsSuffix(region)}`;
}
