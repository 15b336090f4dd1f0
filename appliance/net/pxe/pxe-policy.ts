/** Who gets which boot file: the proxy-DHCP decision as a pure function of the request (no sockets, no database). */
import { clientArches, macOf, messageType, MSG, OPT, optionText, userClasses, type DhcpPacket } from "./dhcp-codec";

/** What the daemon knows about itself when it answers. */
export interface PxeSettings {
  /** The appliance's IPv4 address on the PXE interface: server id, next-server and TFTP server. */
  serverIp: string;
  /** Base URL of the HTTP server as PXE clients reach it, e.g. http://192.168.1.10:8080 (no trailing slash). */
  httpBase: string;
}

/** A firmware family and the boot file it gets, by option 93 code (RFC 4578, IANA "Processor Architecture Types"). */
export interface ArchInfo {
  label: string;
  /** Path under the TFTP root; for HTTP boot clients the same file served over HTTP. */
  bootFile: string;
  http: boolean;
}

/** The architectures we serve. ARM and 32-bit UEFI files are not in Debian's `ipxe` package: drop them in the netboot folder. */
export const ARCHES: Record<number, ArchInfo> = {
  0: { label: "BIOS x86", bootFile: "undionly.kpxe", http: false },
  6: { label: "UEFI x86 32 bits", bootFile: "i386-efi/ipxe.efi", http: false },
  7: { label: "UEFI x64", bootFile: "ipxe.efi", http: false },
  // Code 9 is "EBC" in RFC 4578 but many x64 firmwares send it: dnsmasq and iPXE treat it as x64 UEFI too.
  9: { label: "UEFI x64", bootFile: "ipxe.efi", http: false },
  10: { label: "UEFI ARM 32 bits", bootFile: "arm32-efi/ipxe.efi", http: false },
  11: { label: "UEFI ARM 64 bits", bootFile: "arm64-efi/ipxe.efi", http: false },
  15: { label: "UEFI x86 32 bits (HTTP)", bootFile: "i386-efi/ipxe.efi", http: true },
  16: { label: "UEFI x64 (HTTP)", bootFile: "ipxe.efi", http: true },
  18: { label: "UEFI ARM 32 bits (HTTP)", bootFile: "arm32-efi/ipxe.efi", http: true },
  19: { label: "UEFI ARM 64 bits (HTTP)", bootFile: "arm64-efi/ipxe.efi", http: true },
};

/** What a request says about its sender, whether or not we answer it. */
export interface PxeClient {
  mac: string;
  /** "PXEClient", "HTTPClient", or null for ordinary DHCP traffic. */
  kind: "PXEClient" | "HTTPClient" | null;
  arch: number | null;
  ipxe: boolean;
  vendorClass: string | null;
}

/** Reads the PXE-relevant facts of a request. */
export function describeClient(req: DhcpPacket): PxeClient {
  const vc = optionText(req, OPT.VENDOR_CLASS);
  const kind = vc?.startsWith("PXEClient") ? "PXEClient" : vc?.startsWith("HTTPClient") ? "HTTPClient" : null;
  let arch: number | null = clientArches(req)[0] ?? null;
  // Old PXE ROMs only say it in the vendor class ("PXEClient:Arch:00000:UNDI:002001").
  if (arch === null && vc) {
    const m = /:Arch:(\d{5})/.exec(vc);
    if (m) arch = Number(m[1]);
  }
  const ipxe = req.options.has(OPT.IPXE_ENCAP) || userClasses(req).includes("iPXE");
  return { mac: macOf(req), kind, arch, ipxe, vendorClass: vc };
}

/** Hyphenated MAC as used in our URLs (iPXE's ${mac:hexhyp}). */
export function macHyphen(mac: string) {
  return mac.replace(/:/g, "-");
}

/** URL of the per-workstation iPXE script: it names the appliance's own address, never next-server (that is the router here). */
export function scriptUrl(s: PxeSettings, mac: string) {
  return `${s.httpBase}/api/netboot/boot/${macHyphen(mac)}`;
}

export type Listener = "dhcp" | "proxy";

/** Why a request got no answer (for debug logs), or the reply to send. */
export type Decision = { reply: DhcpPacket; client: PxeClient; bootFile: string } | { reply: null; client: PxeClient; reason: string };

/**
 * Decides the proxy-DHCP answer. Port 67 answers DISCOVER with an OFFER; port 4011 answers REQUEST/INFORM with an ACK.
 * Never assigns an address (yiaddr stays 0.0.0.0): the LAN's own DHCP server does that.
 */
export function decide(req: DhcpPacket, s: PxeSettings, listener: Listener): Decision {
  const client = describeClient(req);
  const no = (reason: string): Decision => ({ reply: null, client, reason });
  if (req.op !== 1) return no("pas une requête BOOTP");
  if (req.htype !== 1 || req.hlen !== 6) return no("adresse matérielle non Ethernet");
  if (!client.kind) return no("client non PXE");
  const type = messageType(req);
  let replyType: number;
  if (listener === "dhcp" && type === MSG.DISCOVER) replyType = MSG.OFFER;
  else if (listener === "proxy" && (type === MSG.REQUEST || type === MSG.INFORM)) replyType = MSG.ACK;
  else return no(`message DHCP ${type ?? "BOOTP"} ignoré sur ${listener === "dhcp" ? "67" : "4011"}`);
  const arch = client.arch ?? 0;
  const info = ARCHES[arch];
  if (!info) return no(`architecture ${arch} non prise en charge`);
  const http = client.kind === "HTTPClient" || info.http;
  // An iPXE client gets its script: handing it ipxe.efi again would loop forever.
  const bootFile = client.ipxe ? scriptUrl(s, client.mac) : http ? `${s.httpBase}/api/netboot/root/${info.bootFile}` : info.bootFile;
  const enc = new TextEncoder();
  const options = new Map<number, Uint8Array>();
  options.set(OPT.MESSAGE_TYPE, Uint8Array.of(replyType));
  options.set(OPT.SERVER_ID, Uint8Array.from(s.serverIp.split(".").map(Number)));
  options.set(OPT.VENDOR_CLASS, enc.encode(http && !client.ipxe ? "HTTPClient" : "PXEClient"));
  // PXE discovery control 8: boot the file named in this offer, no menu, no boot server discovery.
  if (!http || client.ipxe) options.set(OPT.VENDOR_SPECIFIC, Uint8Array.of(6, 1, 8, OPT.END));
  const uuid = req.options.get(OPT.CLIENT_UUID);
  if (uuid) options.set(OPT.CLIENT_UUID, uuid);
  const fileBytes = enc.encode(bootFile);
  if (fileBytes.length > 127) options.set(OPT.BOOTFILE, fileBytes);
  const reply: DhcpPacket = {
    op: 2,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: listener === "proxy" ? req.ciaddr : "0.0.0.0",
    yiaddr: "0.0.0.0",
    siaddr: s.serverIp,
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    sname: "",
    file: fileBytes.length > 127 ? "" : bootFile,
    options,
  };
  return { reply, client, bootFile };
}

/** Where a reply goes: back through a relay, straight to a configured client, or broadcast on the LAN. */
export function replyTarget(req: DhcpPacket, listener: Listener, from: { address: string; port: number }) {
  if (listener === "proxy") return { address: from.address, port: from.port, broadcast: false };
  if (req.giaddr !== "0.0.0.0") return { address: req.giaddr, port: 67, broadcast: false };
  if (req.ciaddr !== "0.0.0.0") return { address: req.ciaddr, port: 68, broadcast: false };
  return { address: "255.255.255.255", port: 68, broadcast: true };
}
