import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { silentLogger } from "../../core/log";
import { decodeDhcp, messageType, OPT, type DhcpPacket } from "./dhcp-codec";
import { ProxyDhcpService, type PxeSighting } from "./proxy-dhcp";
import { interfaceAddress, httpBaseFor, PxeConfigError } from "./interface-address";
import { fixture, intelBiosProxyRequest } from "./fixtures";

// Real sockets on loopback, unprivileged random ports (the daemon takes 67/4011/68 in production).
const base = 20000 + Math.floor(Math.random() * 30000);
const ports = { dhcp: base, proxy: base + 1, client: base + 2 };
const seen: PxeSighting[] = [];
const svc = new ProxyDhcpService({ iface: "lo", address: null, http: { httpHost: "0.0.0.0", httpPort: 8080 }, log: silentLogger, ports, onClient: (c) => seen.push(c) });
let client: dgram.Socket;
const inbox: { msg: DhcpPacket; from: dgram.RemoteInfo }[] = [];

beforeAll(async () => {
  await svc.start();
  client = dgram.createSocket({ type: "udp4", reuseAddr: true });
  client.on("message", (m, from) => inbox.push({ msg: decodeDhcp(m), from }));
  await new Promise<void>((r) => client.bind(ports.client, "0.0.0.0", () => r()));
});
afterAll(() => {
  svc.stop();
  client.close();
});

function send(bytes: Uint8Array, port: number) {
  return new Promise<void>((r, j) => client.send(bytes, port, "127.0.0.1", (e) => (e ? j(e) : r())));
}
async function waitFor(xid: number, ms = 1000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const hit = inbox.find((i) => i.msg.xid === xid);
    if (hit) return hit;
    await Bun.sleep(10);
  }
  return null;
}

describe("proxy-DHCP sur de vraies sockets UDP", () => {
  test("DISCOVER PXE → OFFER diffusée depuis le port 67, poste noté pour l'enrôlement", async () => {
    const bytes = fixture("uefi-edk2-pxe-discover");
    await send(bytes, ports.dhcp);
    const got = await waitFor(decodeDhcp(bytes).xid);
    expect(got).not.toBeNull();
    expect(got!.from.port).toBe(ports.dhcp);
    expect(messageType(got!.msg)).toBe(2);
    expect(got!.msg.file).toBe("ipxe.efi");
    expect(got!.msg.siaddr).toBe("127.0.0.1");
    expect(seen.at(-1)).toMatchObject({ mac: "52:54:00:12:34:57", arch: 7, ipxe: false, uuid: "00000000-0000-0000-0000-000000000000", bootFile: "ipxe.efi" });
  });

  test("DHCP ordinaire : aucune réponse (et aucun poste noté), alors qu'un PXE envoyé juste après en reçoit une", async () => {
    const before = seen.length;
    const plain = fixture("linux-udhcpc-discover");
    await send(plain, ports.dhcp);
    const pxe = fixture("bios-ipxe-rom-discover");
    await send(pxe, ports.dhcp);
    expect(await waitFor(decodeDhcp(pxe).xid)).not.toBeNull();
    // The PXE reply arrived, so the plain DISCOVER was processed before it and got nothing.
    expect(await waitFor(decodeDhcp(plain).xid, 200)).toBeNull();
    expect(seen.slice(before).map((s) => s.mac)).toEqual(["52:54:00:12:34:56"]);
  });

  test("REQUEST sur 4011 → ACK renvoyé à l'expéditeur depuis le port 4011", async () => {
    const bytes = intelBiosProxyRequest();
    await send(bytes, ports.proxy);
    const got = await waitFor(decodeDhcp(bytes).xid);
    expect(got).not.toBeNull();
    expect(got!.from.port).toBe(ports.proxy);
    expect(messageType(got!.msg)).toBe(5);
    expect(got!.msg.file).toBe("undionly.kpxe");
    expect(got!.msg.options.get(OPT.CLIENT_UUID)!.length).toBe(17);
  });

  test("réponse vers un port fermé (ICMP « port injoignable ») : le démon continue de servir", async () => {
    // A client that asks on 4011 and closes its port at once: the ACK comes back as ICMP port unreachable.
    const gone = dgram.createSocket("udp4");
    await new Promise<void>((r) => gone.bind(0, "127.0.0.1", () => r()));
    await new Promise<void>((r, j) => gone.send(intelBiosProxyRequest(), ports.proxy, "127.0.0.1", (e) => (e ? j(e) : r())));
    gone.close();
    await Bun.sleep(100);
    const bytes = intelBiosProxyRequest();
    // Same fixture (same xid) as the test above: forget its answer so only a fresh one counts.
    for (let i = inbox.length - 1; i >= 0; i--) if (inbox[i]!.msg.xid === decodeDhcp(bytes).xid) inbox.splice(i, 1);
    await send(bytes, ports.proxy);
    const got = await waitFor(decodeDhcp(bytes).xid);
    expect(got).not.toBeNull();
    expect(messageType(got!.msg)).toBe(5);
  });

  test("paquet illisible : ignoré sans arrêter le démon", async () => {
    await send(new Uint8Array([1, 2, 3]), ports.dhcp);
    const bytes = fixture("uefi-ipxe-rom-discover");
    await send(bytes, ports.dhcp);
    expect((await waitFor(decodeDhcp(bytes).xid))!.msg.file).toBe("http://127.0.0.1:8080/api/netboot/boot/52-54-00-12-34-57");
  });
});

describe("adresse annoncée : lue sur l'interface, jamais devinée", () => {
  const iface = (addrs: string[]) => ({ eth0: addrs.map((address) => ({ address, family: "IPv4" as const, netmask: "255.255.255.0", mac: "00:00:00:00:00:00", internal: false, cidr: null })) });
  test("une adresse : retenue", () => expect(interfaceAddress("eth0", null, iface(["192.168.1.10"]))).toBe("192.168.1.10"));
  test("interface absente : erreur qui liste les interfaces", () => expect(() => interfaceAddress("eth9", null, iface(["192.168.1.10"]))).toThrow("interfaces présentes : eth0"));
  test("aucune IPv4 : erreur", () => expect(() => interfaceAddress("eth0", null, iface([]))).toThrow(PxeConfigError));
  test("plusieurs adresses : il faut GUICHET_PXE_ADDRESS", () => {
    expect(() => interfaceAddress("eth0", null, iface(["192.168.1.10", "10.0.0.5"]))).toThrow("GUICHET_PXE_ADDRESS");
    expect(interfaceAddress("eth0", "10.0.0.5", iface(["192.168.1.10", "10.0.0.5"]))).toBe("10.0.0.5");
    expect(() => interfaceAddress("eth0", "10.9.9.9", iface(["192.168.1.10"]))).toThrow("n'est pas une adresse");
  });
  test("URL HTTP : port fixe et serveur joignable sur cette adresse", () => {
    expect(httpBaseFor("10.0.0.5", { httpHost: "0.0.0.0", httpPort: 80 })).toBe("http://10.0.0.5:80");
    expect(() => httpBaseFor("10.0.0.5", { httpHost: "127.0.0.1", httpPort: 80 })).toThrow("GUICHET_HTTP_HOST");
    expect(() => httpBaseFor("10.0.0.5", { httpHost: "0.0.0.0", httpPort: 0 })).toThrow("GUICHET_HTTP_PORT=0");
  });
  test("démarrage impossible : le service échoue avec un message clair", async () => {
    const bad = new ProxyDhcpService({ iface: "nexistepas0", address: null, http: { httpHost: "0.0.0.0", httpPort: 8080 }, log: silentLogger, ports });
    await expect(bad.start()).rejects.toThrow("GUICHET_PXE=nexistepas0 : interface introuvable");
  });
});
