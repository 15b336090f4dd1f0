/** The running netboot daemons of one appliance (per Deps), so the admin routes can show their state. */
import type { Deps } from "../../core/context";
import type { ProxyDhcpService } from "../pxe/proxy-dhcp";
import type { TftpService } from "../tftp/tftp-server";

interface Running {
  tftp?: TftpService;
  pxe?: ProxyDhcpService;
}

const byDeps = new WeakMap<Deps, Running>();

/** The daemons built for these deps (empty when switched off). */
export function runtimeOf(deps: Deps): Running {
  let r = byDeps.get(deps);
  if (!r) byDeps.set(deps, (r = {}));
  return r;
}
