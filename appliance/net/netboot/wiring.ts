/** The two netboot daemons as DAEMONS entries: TFTP (on by default) and proxy-DHCP (only on a named interface). */
import type { DaemonWiring } from "../index";
import { TftpService } from "../tftp/tftp-server";
import { ProxyDhcpService } from "../pxe/proxy-dhcp";
import { netbootRoot } from "./service/common";
import { ensureIpxeBinaries } from "./service/files";
import { recordSighting } from "./service/candidates";
import { netbootRoutes } from "./routes";
import { runtimeOf } from "./runtime";

/** TFTP on GUICHET_TFTP_PORT serving <data dir>/netboot; it also carries the netboot HTTP routes. */
export const tftpDaemon: DaemonWiring = {
  name: "tftp",
  service: (deps) => {
    if (deps.config.tftpPort === 0) return null;
    const root = netbootRoot(deps.config);
    const svc = new TftpService({
      root,
      port: deps.config.tftpPort,
      log: deps.log,
      prepare: () => {
        const copied = ensureIpxeBinaries(root);
        if (copied.length) deps.log.info("binaires iPXE copiés dans le dossier netboot", { fichiers: copied.join(", ") });
      },
    });
    runtimeOf(deps).tftp = svc;
    return svc;
  },
  routes: (deps) => netbootRoutes(deps),
};

/** Proxy-DHCP on 67/4011 when GUICHET_PXE names an interface. */
export const pxeDaemon: DaemonWiring = {
  name: "pxe",
  service: (deps) => {
    if (!deps.config.pxe) return null;
    const svc = new ProxyDhcpService({
      iface: deps.config.pxe,
      address: deps.config.pxeAddress,
      http: deps.config,
      log: deps.log,
      onClient: (c) => recordSighting(deps, { mac: c.mac, arch: c.arch, uuid: c.uuid, vendorClass: c.vendorClass, ipxe: c.ipxe }),
    });
    runtimeOf(deps).pxe = svc;
    return svc;
  },
};
