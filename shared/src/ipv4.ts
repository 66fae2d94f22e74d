/** Small IPv4 CIDR arithmetic for stage profiles and the subnet layout. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything else (including host bits set). */
export const parseCidr = (text: string): Cidr | undefined => {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const base = networkAddress(address, prefixLength);
  return base === address ? { base, prefixLength } : undefined;
};

/** `10.20.1.0/16` -> `10.20.0.0/16`: the CIDR the user probably meant when host bits are set. */
export const canonicalCidr = (text: string): string | undefined => {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const address = match
    .slice(1, 5)
    .map(Number)
    .reduce((acc, octet) => acc * 256 + octet, 0);
  return formatCidr({ base: networkAddress(address, Number(match[5])), prefixLength: Number(match[5]) });
};

const networkAddress = (address: number, prefixLength: number): number => {
  const size = 2 ** (32 - prefixLength);
  return Math.floor(address / size) * size;
};

export const formatCidr = ({ base, prefixLength }: Cidr): string =>
  `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.')}/${prefixLength}`;

export const cidrSize = (cidr: Cidr): number => 2 ** (32 - cidr.prefixLength);

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean =>
  a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);

/** The `index`-th block of `2^(32 - newPrefixLength)` addresses inside `cidr`. */
export const subnetOf = (cidr: Cidr, newPrefixLength: number, index: number): Cidr => {
  const blocks = 2 ** (newPrefixLength - cidr.prefixLength);
  if (newPrefixLength < cidr.prefixLength || index < 0 || index >= blocks) {
    throw new RangeError(`${formatCidr(cidr)} has no block #${index} of size /${newPrefixLength}`);
  }
  return { base: cidr.base + index * 2 ** (32 - newPrefixLength), prefixLength: newPrefixLength };
};

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (text) => parseCidr(text) as Cidr,
);

/** True when the whole CIDR lies in one RFC 1918 private range. */
export const isPrivateRange = (cidr: Cidr): boolean =>
  PRIVATE_RANGES.some((range) => cidr.prefixLength >= range.prefixLength && subnetContains(range, cidr.base));

const subnetContains = (range: Cidr, address: number): boolean =>
  address >= range.base && address < range.base + cidrSize(range);
