/** Proxy-DHCP daemon: answers only PXE clients, on 67 (OFFER) and 4011 (ACK), beside the LAN's own DHCP server. */
import dgram from "node:dgram";
import type { Service } from "../../core/service";
import type { Logger } from "../../core/log";
import { clientUuid, decodeDhcp, encodeDhcp, DhcpDecodeError } from "./dhcp-codec";
import { decide, replyTarget, type Listener, type PxeClient, type PxeSettings } from "./pxe-policy";
import { httpBaseFor, interfaceAddress } from "./interface-address";

/** A PXE client seen on the wire (for the enrolment list). */
export interface PxeSighting extends PxeClient {
  uuid: string | null;
  /** Boot file or script URL handed out, null when we stayed silent. */
  bootFile: string | null;
}

export interface ProxyDhcpOptions {
  /** Interface named by GUICHET_PXE. */
  iface: string;
  /** GUICHET_PXE_ADDRESS, needed only when the interface has several IPv4 addresses. */
  address: string | null;
  http: { httpHost: string; httpPort: number };
  log: Logger;
  /** Real ports by default; tests use unprivileged ones. */
  ports?: { dhcp: number; proxy: number; client: number };
  onClient?: (c: PxeSighting) => void;
}

function bind(port: number, address: string, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void) {
  // reuseAddr lets the wildcard socket (broadcasts) and the address-bound one (sends) share port 67.
  const s = dgram.createSocket({ type: "udp4", reuseAddr: true });
  s.on("message", onMessage);
  return new Promise<dgram.Socket>((resolve, reject) => {
    s.once("error", reject);
    s.bind(port, address, () => {
      s.off("error", reject);
      s.on("error", () => {});
      s.setBroadcast(true);
      resolve(s);
    });
  });
}

/** The proxy-DHCP Service. */
export class ProxyDhcpService implements Service {
  readonly name = "pxe";
  private sockets: dgram.Socket[] = [];
  private settings: PxeSettings | null = null;
  constructor(private opts: ProxyDhcpOptions) {}

  /** What the daemon announces (null until started). */
  get announced() {
    return this.settings;
  }

  async start() {
    const serverIp = interfaceAddress(this.opts.iface, this.opts.address);
    this.settings = { serverIp, httpBase: httpBaseFor(serverIp, this.opts.http) };
    const ports = this.opts.ports ?? { dhcp: 67, proxy: 4011, client: 68 };
    try {
      // Broadcast DISCOVERs reach only a wildcard socket; the address-bound one sends, so that a
      // 255.255.255.255 reply leaves through this interface even without a default route.
      this.sockets.push(await bind(ports.dhcp, "0.0.0.0", (m, r) => this.onMessage("dhcp", m, r)));
      this.sender = await bind(ports.dhcp, serverIp, (m, r) => this.onMessage("dhcp", m, r));
      this.sockets.push(this.sender);
      this.proxy = await bind(ports.proxy, "0.0.0.0", (m, r) => this.onMessage("proxy", m, r));
      this.sockets.push(this.proxy);
    } catch (e) {
      this.close();
      throw new Error(`proxy-DHCP : impossible d'écouter sur les ports ${ports.dhcp}/${ports.proxy} (${(e as Error).message}).`);
    }
    this.clientPort = ports.client;
    this.opts.log.info("proxy-DHCP actif", { interface: this.opts.iface, adresse: serverIp, http: this.settings.httpBase });
  }

  private clientPort = 68;
  private sender: dgram.Socket | null = null;
  private proxy: dgram.Socket | null = null;

  private onMessage(listener: Listener, msg: Buffer, rinfo: dgram.RemoteInfo) {
    const out = listener === "dhcp" ? this.sender : this.proxy;
    if (!this.settings || !out) return;
    let req;
    try {
      req = decodeDhcp(msg);
    } catch (e) {
      if (e instanceof DhcpDecodeError) this.opts.log.debug("paquet DHCP illisible ignoré", { de: rinfo.address, raison: e.message });
      return;
    }
    const d = decide(req, this.settings, listener);
    if (d.client.kind) {
      try {
        this.opts.onClient?.({ ...d.client, uuid: clientUuid(req), bootFile: d.reply ? d.bootFile : null });
      } catch (e) {
        this.opts.log.warn("enregistrement du poste PXE en échec", { mac: d.client.mac, erreur: (e as Error).message });
      }
    }
    if (!d.reply) {
      if (d.client.kind) this.opts.log.debug("client PXE sans réponse", { mac: d.client.mac, raison: d.reason });
      return;
    }
    const to = replyTarget(req, listener, { address: rinfo.address, port: rinfo.port });
    const port = to.broadcast ? this.clientPort : to.port;
    out.send(encodeDhcp(d.reply), port, to.address, (err) => {
      if (err) this.opts.log.warn("réponse proxy-DHCP non envoyée", { mac: d.client.mac, erreur: err.message });
    });
    this.opts.log.info("réponse proxy-DHCP", { mac: d.client.mac, arch: d.client.arch, ipxe: d.client.ipxe, fichier: d.bootFile, port: listener === "dhcp" ? 67 : 4011 });
  }

  private close() {
    for (const s of this.sockets) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    this.sockets = [];
    this.sender = this.proxy = null;
  }

  stop() {
    this.close();
    this.settings = null;
  }
}
