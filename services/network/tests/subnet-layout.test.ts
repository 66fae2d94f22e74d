import { describe, expect, it } from 'vitest';
import { subnetLayout } from '../stack/subnet-layout';

describe('subnetLayout', () => {
  it('places each tier in its own part of a /16', () => {
    expect(subnetLayout('10.20.0.0/16', 3)).toEqual({
      private: ['10.20.0.0/19', '10.20.32.0/19', '10.20.64.0/19'],
      public: ['10.20.128.0/20', '10.20.144.0/20', '10.20.160.0/20'],
      isolated: ['10.20.192.0/20', '10.20.208.0/20', '10.20.224.0/20'],
    });
  });

  it('keeps existing subnets where they are when an AZ is added', () => {
    const two = subnetLayout('10.20.0.0/16', 2);
    const three = subnetLayout('10.20.0.0/16', 3);
    for (const tier of ['public', 'private', 'isolated'] as const)
      expect(three[tier].slice(0, 2)).toEqual(two[tier]);
  });

  it('scales the slots with a smaller VPC', () => {
    expect(subnetLayout('192.168.4.0/24', 2)).toEqual({
      private: ['192.168.4.0/27', '192.168.4.32/27'],
      public: ['192.168.4.128/28', '192.168.4.144/28'],
      isolated: ['192.168.4.192/28', '192.168.4.208/28'],
    });
  });
});
