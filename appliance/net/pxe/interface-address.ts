/** The appliance's own IPv4 address on the PXE interface: read from the system, never guessed. */
import { networkInterfaces } from "node:os";

/** A PXE setting that cannot work as configured; the message (French) names the setting to change. */
export class PxeConfigError extends Error {}

/**
 * Returns the IPv4 address to announce on `iface`. With several addresses on the interface, the
 * administrator must pick one with GUICHET_PXE_ADDRESS rather than us choosing silently.
 */
export function interfaceAddress(iface: string, wanted: string | null, list = networkInterfaces()): string {
  const entries = list[iface];
  if (!entries) {
    const names = Object.keys(list).join(", ") || "aucune";
    throw new PxeConfigError(`GUICHET_PXE=${iface} : interface introuvable (interfaces présentes : ${names}).`);
  }
  const v4 = entries.filter((e) => e.family === "IPv4").map((e) => e.address);
  if (wanted) {
    if (!v4.includes(wanted)) throw new PxeConfigError(`GUICHET_PXE_ADDRESS=${wanted} n'est pas une adresse de l'interface ${iface} (adresses : ${v4.join(", ") || "aucune"}).`);
    return wanted;
  }
  if (v4.length === 0) throw new PxeConfigError(`GUICHET_PXE=${iface} : l'interface n'a pas d'adresse IPv4 ; le netboot ne peut pas annoncer le serveur.`);
  if (v4.length > 1) throw new PxeConfigError(`GUICHET_PXE=${iface} porte plusieurs adresses IPv4 (${v4.join(", ")}) : choisissez-en une avec GUICHET_PXE_ADDRESS.`);
  return v4[0]!;
}

/** The HTTP base URL PXE clients use: the interface address and the appliance's HTTP port. */
export function httpBaseFor(serverIp: string, http: { httpHost: string; httpPort: number }): string {
  if (http.httpPort === 0) throw new PxeConfigError("GUICHET_HTTP_PORT=0 (port choisi au hasard) : les postes PXE ont besoin d'un port HTTP fixe.");
  const host = http.httpHost;
  if (host !== "0.0.0.0" && host !== "::" && host !== "" && host !== serverIp) {
    throw new PxeConfigError(`GUICHET_HTTP_HOST=${host} : le serveur HTTP n'écoute pas sur ${serverIp}, les postes PXE ne pourraient pas charger leur script iPXE.`);
  }
  return `http://${serverIp}:${http.httpPort}`;
}
