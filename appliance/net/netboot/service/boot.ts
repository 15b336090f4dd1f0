/** The iPXE script a workstation fetches at boot: its image (or a menu), or a polite local boot. Public, so boot facts only. */
import { and, eq } from "drizzle-orm";
import type { Deps } from "../../../core/context";
import { Invalid } from "../../../core/errors";
import { netbootDefaults, netbootHosts, netbootImages } from "../schema";
import { lanOrg, recordSighting } from "./candidates";
import { readyImages } from "./images";
import { parseMac } from "./common";

type ImageRow = typeof netbootImages.$inferSelect;

/** iPXE consoles print bytes as they are: keep labels to plain ASCII, one line. */
export function ipxeLabel(s: string) {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/[${}]/g, "")
    .slice(0, 60);
}

/** Kernel + initrd lines; `initrd=` lets an EFI-stub kernel find the initrd iPXE hands over. */
function bootLines(base: string, img: ImageRow) {
  const url = `${base}/api/netboot/root/images/${img.id}`;
  const cmd = [`initrd=initrd`, img.cmdline, `guichet.url=${base}`].filter(Boolean).join(" ");
  return [`echo Guichet : demarrage de ${ipxeLabel(img.name)} ${ipxeLabel(img.version)}`, `kernel ${url}/kernel ${cmd}`, `initrd --name initrd ${url}/initrd`, `boot || goto failed`];
}

const FAILED = [":failed", "echo Guichet : echec du demarrage, nouvel essai dans 10 s", "sleep 10", "reboot"];

/** No image for this PC: say why on its screen, then let the firmware try the next boot device. */
function localBoot(reason: string) {
  return ["#!ipxe", `echo Guichet : ${reason}`, "sleep 5", "exit", ""].join("\n");
}

function imageFor(deps: Deps, orgId: string, groupName: string | null, hostImage: string | null): ImageRow | null {
  const ready = readyImages(deps.db, orgId);
  const byId = (id: string | null | undefined) => (id ? (ready.find((i) => i.id === id) ?? null) : null);
  const def = (g: string) => deps.db.select({ imageId: netbootDefaults.imageId }).from(netbootDefaults).where(and(eq(netbootDefaults.orgId, orgId), eq(netbootDefaults.groupName, g))).get()?.imageId;
  return byId(hostImage) ?? (groupName ? byId(def(groupName)) : null) ?? byId(def(""));
}

/**
 * Builds the script for `rawMac`. `base` is the HTTP origin the client used to fetch it (the
 * appliance's own address: with proxy-DHCP, iPXE's next-server is the router, not us).
 */
export function bootScript(deps: Deps, rawMac: string, base: string): string {
  const mac = parseMac(rawMac);
  if (!mac) throw new Invalid("Adresse MAC invalide dans l'adresse du script.");
  const host = deps.db.select().from(netbootHosts).where(eq(netbootHosts.mac, mac)).get();
  if (!host) {
    const seen = recordSighting(deps, { mac, ipxe: true });
    const orgId = seen.orgId ?? lanOrg(deps.db);
    const img = orgId ? imageFor(deps, orgId, null, null) : null;
    if (!img) return localBoot("poste inconnu, a enroler dans Guichet ; demarrage local");
    return ["#!ipxe", ...bootLines(base, img), ...FAILED, ""].join("\n");
  }
  deps.db.update(netbootHosts).set({ lastBootAt: deps.clock.now().toISOString() }).where(eq(netbootHosts.id, host.id)).run();
  const img = imageFor(deps, host.orgId, host.groupName, host.imageId);
  if (!host.menu) {
    if (!img) return localBoot("aucune image de demarrage pour ce poste ; demarrage local");
    return ["#!ipxe", ...bootLines(base, img), ...FAILED, ""].join("\n");
  }
  const images = readyImages(deps.db, host.orgId);
  const lines = ["#!ipxe", "menu Guichet - choix de l'image de demarrage"];
  images.forEach((i, n) => lines.push(`item img${n} ${ipxeLabel(i.name)} ${ipxeLabel(i.version)}${img?.id === i.id ? " (par defaut)" : ""}`));
  lines.push("item local Demarrer sur le disque local");
  const def = img ? `img${images.findIndex((i) => i.id === img.id)}` : "local";
  lines.push(`choose --default ${def} --timeout 10000 target || goto ${def}`, "goto ${target}");
  images.forEach((i, n) => lines.push(`:img${n}`, ...bootLines(base, i)));
  lines.push(":local", "exit", ...FAILED, "");
  return lines.join("\n");
}
