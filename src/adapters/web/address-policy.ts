import ipaddr from 'ipaddr.js';

/*
 * The SSRF address policy: which resolved addresses the web fetcher may connect to. Only public
 * unicast addresses pass by default; everything ipaddr.js classifies otherwise (loopback, private,
 * link-local, CGNAT, unique-local, multicast, reserved, unspecified, IPv4 embedded in IPv6 by
 * mapping, compatibility, NAT64, 6to4 or Teredo) is refused. An allow-list opens named hosts or
 * CIDRs for intranet crawling; cloud metadata endpoints stay refused even then.
 */

/** Cloud metadata endpoints (AWS, GCP, Azure, Alibaba, Oracle...), refused even when allow-listed. */
const metadataAddresses = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);
const metadataHostnames = new Set(['metadata.google.internal', 'metadata', 'metadata.goog', 'instance-data']);

/** The allow-list, parsed once from `LORE_WEB_ALLOW_HOSTS`. */
export interface AllowList {
  hosts: readonly string[];
  cidrs: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** Parses allow-list entries: CIDRs (`10.0.0.0/8`, `fd00::/8`), single addresses, host names or `*.suffix`. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts: string[] = [];
  const cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes('/')) cidrs.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.push(entry);
  }
  return { hosts, cidrs };
}

/** Why an address is refused, or undefined when it is a public unicast address. */
export function refusalReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  if (metadataAddresses.has(parsed.toNormalizedString()) || metadataAddresses.has(parsed.toString())) {
    return 'a cloud metadata address';
  }
  const range = parsed.range();
  if (range !== 'unicast') return describeRange(range);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) {
    return 'an IPv4-compatible IPv6 address';
  }
  return undefined;
}

/** True for the cloud metadata host names (refused before any lookup). */
export function isMetadataHostname(hostname: string): boolean {
  return metadataHostnames.has(hostname.toLowerCase().replace(/\.$/, ''));
}

/** True when the allow-list opens this host name or address. */
export function isAllowListed(list: AllowList, hostname: string, address: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const hostMatch = list.hosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  );
  if (hostMatch) return true;
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  return list.cidrs.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/** Checks one resolved address for a host: undefined when it may be reached, else the reason. */
export function checkAddress(list: AllowList, hostname: string, address: string): string | undefined {
  const reason = refusalReason(address);
  if (reason === undefined || reason === 'a cloud metadata address') return reason;
  return isAllowListed(list, hostname, address) ? undefined : reason;
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private (RFC 1918) address',
    linkLocal: 'a link-local address',
    carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
    uniqueLocal: 'a unique-local IPv6 address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    unspecified: 'an unspecified address (0.0.0.0 or ::)',
    ipv4Mapped: 'an IPv4-mapped IPv6 address',
    rfc6052: 'a NAT64 (IPv4-embedding) IPv6 address',
    rfc6145: 'an IPv4-translated IPv6 address',
    '6to4': 'a 6to4 (IPv4-embedding) IPv6 address',
    teredo: 'a Teredo (IPv4-embedding) IPv6 address',
  };
  return names[range] ?? `a ${range} address`;
}
