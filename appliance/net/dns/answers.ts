/** Answers the resolver makes itself: blocked names, local records, guichet.lan, CNAME rewrites (SafeSearch). */
import * as dnsPacket from "dns-packet";
import { networkInterfaces } from "node:os";
import { buildReply, buildReply1, RCODE, TYPE, type Query } from "./wire";
import { encodeName, rrAtQuestion, soaForNegative } from "./records";
import { truncated } from "./cache";
import { replyFlags } from "./wire";
import { ipBytes, inCidr, type DnsSettings, type LocalRecord } from "./policy";

const encodeRR = (dnsPacket as unknown as { answer: { encode(a: dnsPacket.Answer): Buffer } }).answer.encode;

/** Raw bytes of one record (uncompressed names). */
export function rr(a: dnsPacket.Answer): Uint8Array {
  const b = encodeRR(a);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const ZERO4 = new Uint8Array(4);
const ZERO16 = new Uint8Array(16);

/** The 0.0.0.0 and :: records of blocked answers, rebuilt only when the blocked TTL changes (read-only). */
const blocked: { ttl: number; a: Uint8Array; aaaa: Uint8Array } = { ttl: -1, a: ZERO4, aaaa: ZERO16 };

/** A blocked name: 0.0.0.0 / :: (or NODATA for other types), or NXDOMAIN; a short TTL either way. */
export function blockedReply(q: Query, s: DnsSettings): Uint8Array {
  const ttl = s.blockedTtl;
  if (s.blockingMode === "nxdomain") return buildReply1(q, RCODE.NXDOMAIN, soaForNegative(ttl), false);
  if (q.qtype !== TYPE.A && q.qtype !== TYPE.AAAA) return buildReply1(q, RCODE.NOERROR, soaForNegative(ttl), false);
  if (blocked.ttl !== ttl) {
    blocked.a = rrAtQuestion(TYPE.A, ttl, ZERO4);
    blocked.aaaa = rrAtQuestion(TYPE.AAAA, ttl, ZERO16);
    blocked.ttl = ttl;
  }
  return buildReply1(q, RCODE.NOERROR, q.qtype === TYPE.A ? blocked.a : blocked.aaaa, true);
}

/** Fits a reply into the client's limit, or sends the truncated form (TC) so it retries over TCP. */
export function fit(q: Query, out: Uint8Array, max: number): Uint8Array {
  return out.length <= max ? out : truncated(q, (out[2]! << 8) | out[3]!);
}

/** The appliance's own address as seen from `clientIp`: the interface on the client's subnet. */
export function applianceAddress(clientIp: string, family: 4 | 6): string | null {
  const c = ipBytes(clientIp);
  if (c && c.length === 4 && c[0] === 127 && family === 4) return "127.0.0.1";
  if (clientIp === "::1" && family === 6) return "::1";
  let first: string | null = null;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || (family === 4 ? a.family !== "IPv4" : a.family !== "IPv6")) continue;
      if (family === 6 && a.address.startsWith("fe80")) continue;
      first ??= a.address;
      const cidr = a.cidr ? a.cidr.split("/") : null;
      const bytes = ipBytes(a.address);
      if (c && bytes && cidr && inCidr(c, { bytes, prefix: Number(cidr[1]) })) return a.address;
    }
  }
  return first;
}

/** Reply for a local record set (A/AAAA/CNAME); `cnameTarget` answers are appended by the caller. */
export function localReply(q: Query, rec: LocalRecord, extra: dnsPacket.Answer[] = []): Uint8Array {
  const an: Uint8Array[] = [];
  if (rec.cname) {
    an.push(rrAtQuestion(TYPE.CNAME, rec.ttl, encodeName(rec.cname)));
    for (const a of extra) an.push(rr(a));
  } else if (q.qtype === TYPE.A || q.qtype === TYPE.ANY) {
    for (const ip of rec.a) an.push(rrAtQuestion(TYPE.A, rec.ttl, ipBytes(ip)!));
  }
  if (!rec.cname && (q.qtype === TYPE.AAAA || q.qtype === TYPE.ANY)) for (const ip of rec.aaaa) an.push(rrAtQuestion(TYPE.AAAA, rec.ttl, ipBytes(ip)!));
  return buildReply(q, RCODE.NOERROR, an.length ? { an } : { ns: [soaForNegative(rec.ttl)] }, true);
}

/** Authoritative "no such name" for our local zones (lan, private reverse zones, single labels). */
export function localNxdomain(q: Query): Uint8Array {
  return buildReply1(q, RCODE.NXDOMAIN, soaForNegative(60), false, true);
}

/** A PTR answer for a local name. */
export function ptrReply(q: Query, target: string, ttl: number): Uint8Array {
  return buildReply(q, RCODE.NOERROR, { an: [rrAtQuestion(TYPE.PTR, ttl, encodeName(target))] }, true);
}

/** Name → CNAME target rewrite (SafeSearch), with the target's records resolved upstream. */
export function cnameReply(q: Query, target: string, ttl: number, rcode: number, targetAnswers: dnsPacket.Answer[]): Uint8Array {
  const an = [rrAtQuestion(TYPE.CNAME, ttl, encodeName(target)), ...targetAnswers.map(rr)];
  return buildReply(q, rcode, { an });
}

/** RFC 8482: ANY is answered with one synthetic HINFO instead of everything (no amplification). */
export function anyReply(q: Query): Uint8Array {
  const cpu = new TextEncoder().encode("RFC8482");
  const rdata = new Uint8Array(cpu.length + 2);
  rdata[0] = cpu.length;
  rdata.set(cpu, 1);
  rdata[cpu.length + 1] = 0;
  return buildReply(q, RCODE.NOERROR, { an: [rrAtQuestion(TYPE.HINFO, 3600, rdata)] });
}

/** SERVFAIL (upstreams unreachable) or REFUSED (not our business), with the question echoed. */
export function errorReply(q: Query, rcode: number): Uint8Array {
  return buildReply(q, rcode);
}

export { replyFlags };
