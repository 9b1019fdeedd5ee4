/**
 * Pod IPs of the local kubelets: each pod gets its own loopback address (127.a.b.c; Linux routes all of
 * 127.0.0.0/8 to the loopback interface), so a daemon bound to its pod IP is reachable there by other
 * pods and two pods may listen on the same port. One counter per process (every local cluster of a
 * stack runs in it), started at a random offset so two stacks on one host rarely hand out the same address.
 */
import { randomInt } from 'node:crypto';

/** Addresses 127.1.0.1 … 127.254.255.254, skipping .0 and .255 in the last octet. */
const SPAN = 254 * 256 * 254;
let next = randomInt(SPAN);

/** The next pod IP. */
export function allocatePodIp(): string {
  const n = next++ % SPAN;
  const last = (n % 254) + 1;
  const rest = Math.floor(n / 254);
  return `127.${(rest >> 8) + 1}.${rest & 0xff}.${last}`;
}
