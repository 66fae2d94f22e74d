import { describe, expect, it } from 'vitest';
import { canonicalCidr, cidrsOverlap, formatCidr, isPrivateRange, parseCidr, subnetOf } from '../src/ipv4';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

describe('ipv4', () => {
  it('parses network addresses and refuses host bits, bad octets and bad prefixes', () => {
    expect(formatCidr(cidr('10.20.0.0/16'))).toBe('10.20.0.0/16');
    expect(parseCidr('10.20.1.0/16')).toBeUndefined();
    expect(parseCidr('10.300.0.0/16')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(canonicalCidr('10.20.1.0/16')).toBe('10.20.0.0/16');
  });

  it('detects overlap, containment in private ranges and carves blocks', () => {
    expect(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.20.128.0/17'))).toBe(true);
    expect(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.21.0.0/16'))).toBe(false);
    expect(isPrivateRange(cidr('172.16.0.0/16'))).toBe(true);
    expect(isPrivateRange(cidr('172.32.0.0/16'))).toBe(false);
    expect(formatCidr(subnetOf(cidr('10.20.0.0/16'), 20, 12))).toBe('10.20.192.0/20');
    expect(() => subnetOf(cidr('10.20.0.0/16'), 20, 16)).toThrow(RangeError);
  });
});
