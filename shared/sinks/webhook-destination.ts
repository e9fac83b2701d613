/**
 * Where `--sink webhook:URL` may post. Events carry patient data and the machine may hold cloud
 * credentials, so:
 * - https only, except to a receiver on this machine (127.0.0.0/8, `localhost`, [::1]), where plain
 *   http never crosses a network (local receivers and tests);
 * - never a link-local address (169.254.0.0/16, fe80::/10) or a cloud metadata endpoint, whatever the
 *   scheme: a POST there reaches the host's own services, such as the one handing out credentials;
 * - private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are fine over https: internal receivers are
 *   legitimate.
 * The rules hold for the host as written (`parseWebhookUrl`), for what its name resolves to at start-up
 * (`checkWebhookHost`), and for every address the sink connects to (`guardedLookup`, an undici
 * `connect.lookup`), so a DNS answer that changes after start-up (DNS rebinding) cannot slip through.
 *
 * Every refusal is a `ConfigError` for `--sink` that names the host and the fix, never the URL's path or
 * query: they may carry a token.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ConfigError } from '../errors.js';
import { WEBHOOK_SECRET_ENV } from './webhook-signature.js';

export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** Every address of a host name, like `dns.lookup(name, { all: true })`; injectable for tests. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const EXAMPLE = 'e.g. --sink webhook:https://hooks.example.com/cliniko';
const LOOPBACK_RECEIVER = 'a receiver on this machine (127.0.0.1, localhost or [::1])';

function blockList(entries: readonly [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, type] of entries) list.addSubnet(network, prefix, type);
  return list;
}

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:169.254.169.254) against the IPv4 rules.
const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const LINK_LOCAL = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
]);
/** AWS/GCP/Azure/OpenStack, AWS ECS task credentials, AWS over IPv6, Alibaba Cloud. */
const METADATA = blockList([
  ['169.254.169.254', 32, 'ipv4'],
  ['169.254.170.2', 32, 'ipv4'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['100.100.100.200', 32, 'ipv4'],
]);
const METADATA_HOST_NAMES = new Set(['metadata.google.internal', 'metadata']);

type AddressKind = 'loopback' | 'metadata' | 'link-local' | 'routable';

function kindOf(address: string): AddressKind {
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA.check(address, type)) return 'metadata';
  if (LINK_LOCAL.check(address, type)) return 'link-local';
  if (LOOPBACK.check(address, type)) return 'loopback';
  return 'routable';
}

/** The URL's host without IPv6 brackets or a trailing root dot, lower case (as the URL parser left it). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

const PLAIN_HTTP_RULE = `plain http only to ${LOOPBACK_RECEIVER}, because events carry patient data`;

function metadataRefusal(subject: string): string {
  return (
    `${subject} is a cloud metadata endpoint, which hands out this machine's credentials; the webhook ` +
    `sink never posts there. Give your receiver's https URL, ${EXAMPLE}`
  );
}

function linkLocalRefusal(subject: string): string {
  return (
    `${subject} is a link-local address (169.254.0.0/16 or fe80::/10), where host-internal services such ` +
    `as cloud metadata live; the webhook sink refuses it. Give your receiver's routable https URL, ${EXAMPLE}`
  );
}

const HTTP_REFUSAL = `webhook URL must use https: ${PLAIN_HTTP_RULE} and would cross the network in clear text, ${EXAMPLE}`;

/** Why `address` may not be posted to, or `undefined` when it may; `subject` says where it came from. */
function addressRefusal(subject: string, address: string, plainHttp: boolean): string | undefined {
  switch (kindOf(address)) {
    case 'metadata':
      return metadataRefusal(subject);
    case 'link-local':
      return linkLocalRefusal(subject);
    case 'routable':
      return plainHttp
        ? `${subject} is not this machine, and plain http goes only to ${LOOPBACK_RECEIVER}; use https, ${EXAMPLE}`
        : undefined;
    case 'loopback':
      return undefined;
  }
}

/**
 * Validates a webhook URL as written: absolute, https (or http to loopback), no credentials, and not
 * a link-local address or metadata endpoint. The returned URL is normalized (e.g. `http://2852039166`
 * became `http://169.254.169.254`, which is why the checks run on the parsed form).
 */
export function parseWebhookUrl(text: string): URL {
  if (!URL.canParse(text)) {
    throw new ConfigError('--sink', `webhook:URL needs an absolute URL, ${EXAMPLE}`);
  }
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      '--sink',
      `webhook URL must use https, not ${url.protocol.replace(':', '')}, ${EXAMPLE}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      '--sink',
      `webhook URL must not contain a user name or password; requests are signed with ${WEBHOOK_SECRET_ENV} instead, ${EXAMPLE}`,
    );
  }
  const host = hostOf(url);
  if (METADATA_HOST_NAMES.has(host)) throw new ConfigError('--sink', metadataRefusal(`webhook host ${host}`));
  const plainHttp = url.protocol === 'http:';
  if (isIP(host) !== 0) {
    const kind = kindOf(host);
    if (kind === 'metadata') throw new ConfigError('--sink', metadataRefusal(`webhook host ${url.hostname}`));
    if (kind === 'link-local')
      throw new ConfigError('--sink', linkLocalRefusal(`webhook host ${url.hostname}`));
    if (plainHttp && kind !== 'loopback') throw new ConfigError('--sink', HTTP_REFUSAL);
  } else if (plainHttp && host !== 'localhost') {
    throw new ConfigError('--sink', HTTP_REFUSAL);
  }
  return url;
}

function checkAddresses(url: URL, addresses: readonly ResolvedAddress[]): void {
  const host = hostOf(url);
  for (const { address } of addresses) {
    const refusal = addressRefusal(
      `webhook host ${host} resolves to ${address}, which`,
      address,
      url.protocol === 'http:',
    );
    if (refusal !== undefined) throw new ConfigError('--sink', refusal);
  }
}

/**
 * The start-up check: resolves the URL's host name and refuses it when any address is refused. A name
 * that does not exist is a configuration error too; a transient DNS failure is not (the connect-time
 * check still guards every connection).
 */
export async function checkWebhookHost(url: URL, resolve: HostResolver = systemResolver): Promise<void> {
  const host = hostOf(url);
  // An address written in the URL was checked by parseWebhookUrl, and the socket connects to it without a lookup.
  if (isIP(host) !== 0) return;
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOTFOUND') {
      throw new ConfigError(
        '--sink',
        `webhook host ${host} does not resolve (no such host in DNS); check the URL's host name, ${EXAMPLE}`,
      );
    }
    return;
  }
  checkAddresses(url, addresses);
}

function familyOf(family: number | string | undefined): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

/**
 * A `lookup` for the sockets of the webhook sink (undici `connect.lookup`): resolves with `resolve` and
 * fails the connection with the `ConfigError` when any address is refused, so no byte reaches it.
 */
export function guardedLookup(url: URL, resolve: HostResolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (resolved) => {
        try {
          checkAddresses(url, resolved);
        } catch (error) {
          callback(error as ConfigError, '');
          return;
        }
        const wanted = familyOf(options.family);
        const addresses: LookupAddress[] = resolved
          .filter((entry) => wanted === undefined || entry.family === wanted)
          .map(({ address, family }) => ({ address, family }));
        const [first] = addresses;
        if (first === undefined) {
          callback(Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        } else if (options.all === true) {
          callback(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
