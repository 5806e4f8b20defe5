import { describe, expect, it } from 'vitest';
import { checkAddress, isMetadataHostname, parseAllowList, refusalReason } from './address-policy.js';

const none = parseAllowList([]);

describe('refusalReason', () => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade/],
    ['100.127.255.254', /carrier-grade/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.2.1', /reserved/],
    ['::ffff:127.0.0.1', /IPv4-mapped/],
    ['::ffff:10.0.0.1', /IPv4-mapped/],
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['::ffff:7f00:1', /IPv4-mapped/],
    ['::7f00:1', /IPv4-compatible/],
    ['::808:808', /IPv4-compatible/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['2002:7f00:1::', /6to4/],
    ['2001::1', /Teredo/],
    ['169.254.169.254', /metadata/],
    ['169.254.170.2', /metadata/],
    ['100.100.100.200', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['fd00:ec2:0:0:0:0:0:254', /metadata/],
    ['not-an-ip', /not an IP/],
  ];
  it.each(refused)('refuses %s', (address, reason) => {
    expect(refusalReason(address)).toMatch(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '2a00:1450::1',
  ])('lets the public address %s through', (address) => {
    expect(refusalReason(address)).toBeUndefined();
  });
});

describe('the allow-list', () => {
  const list = parseAllowList([
    '10.0.0.0/8',
    '127.0.0.1',
    'wiki.corp',
    '*.intra.example',
    'fd00::/8',
    '169.254.0.0/16',
  ]);

  it('opens listed CIDRs and single addresses, nothing next to them', () => {
    expect(checkAddress(list, 'a.b', '10.9.8.7')).toBeUndefined();
    expect(checkAddress(list, 'a.b', '127.0.0.1')).toBeUndefined();
    expect(checkAddress(list, 'a.b', '127.0.0.2')).toMatch(/loopback/);
    expect(checkAddress(list, 'a.b', '192.168.0.1')).toMatch(/private/);
    expect(checkAddress(list, 'a.b', 'fd12::1')).toBeUndefined();
  });

  it('opens listed host names and suffixes, whatever they resolve to', () => {
    expect(checkAddress(list, 'wiki.corp', '192.168.3.4')).toBeUndefined();
    expect(checkAddress(list, 'WIKI.corp.', '192.168.3.4')).toBeUndefined();
    expect(checkAddress(list, 'docs.intra.example', '172.20.0.1')).toBeUndefined();
    expect(checkAddress(list, 'intra.example', '172.20.0.1')).toMatch(/private/);
    expect(checkAddress(list, 'evilwiki.corp', '192.168.3.4')).toMatch(/private/);
  });

  it('never opens cloud metadata, even inside an allowed range', () => {
    expect(checkAddress(list, 'a.b', '169.254.169.254')).toMatch(/metadata/);
    expect(checkAddress(list, 'a.b', 'fd00:ec2::254')).toMatch(/metadata/);
    expect(checkAddress(list, 'a.b', '169.254.1.1')).toBeUndefined();
  });

  it('is empty by default: private addresses are refused', () => {
    expect(checkAddress(none, 'localhost', '127.0.0.1')).toMatch(/loopback/);
    expect(checkAddress(none, 'x', '8.8.8.8')).toBeUndefined();
  });

  it('rejects a malformed CIDR', () => {
    expect(() => parseAllowList(['10.0.0.0/99'])).toThrow();
  });
});

describe('isMetadataHostname', () => {
  it.each(['metadata.google.internal', 'METADATA.google.internal.', 'metadata'])('names %s', (host) => {
    expect(isMetadataHostname(host)).toBe(true);
  });
  it('leaves other hosts alone', () => {
    expect(isMetadataHostname('example.com')).toBe(false);
  });
});
