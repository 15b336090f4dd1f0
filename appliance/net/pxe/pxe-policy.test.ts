import { describe, expect, test } from "bun:test";
import { BOOTP_MIN_SIZE, decodeDhcp, encodeDhcp, messageType, OPT, optionText, type DhcpPacket } from "./dhcp-codec";
import { decide, replyTarget, type PxeSettings } from "./pxe-policy";
import { fixture, intelBiosDiscover, intelBiosProxyRequest, opt, optText, rawRequest } from "./fixtures";

const S: PxeSettings = { serverIp: "10.66.0.2", httpBase: "http://10.66.0.2:8080" };
const hex = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString("hex") : undefined);

function answer(bytes: Uint8Array, listener: "dhcp" | "proxy" = "dhcp") {
  const d = decide(decodeDhcp(bytes), S, listener);
  if (!d.reply) throw new Error("pas de réponse : " + d.reason);
  // Check what goes on the wire, not just the object.
  const wire = encodeDhcp(d.reply);
  expect(wire.length).toBeGreaterThanOrEqual(BOOTP_MIN_SIZE);
  return { reply: decodeDhcp(wire), bootFile: d.bootFile, client: d.client, size: wire.length };
}

/** What every proxy answer must carry, whatever the client. */
function expectProxyBasics(req: DhcpPacket, r: DhcpPacket, type: number) {
  expect(r.op).toBe(2);
  expect(messageType(r)).toBe(type);
  expect(r.xid).toBe(req.xid);
  expect(r.chaddr).toEqual(req.chaddr);
  expect(r.flags).toBe(req.flags);
  expect(r.yiaddr).toBe("0.0.0.0"); // never assigns an address
  expect(r.siaddr).toBe("10.66.0.2");
  expect(hex(r.options.get(OPT.SERVER_ID))).toBe("0a420002");
  // Option 97 echoed byte for byte (PXE clients drop offers that do not).
  expect(r.options.get(OPT.CLIENT_UUID)).toEqual(req.options.get(OPT.CLIENT_UUID)!);
  // No lease options: this is not an address offer.
  for (const c of [1, 3, 6, 51, 58, 59]) expect(r.options.has(c)).toBe(false);
}

describe("réponses proxy-DHCP aux paquets capturés", () => {
  test("PXE UEFI d'EDK2 → ipxe.efi par TFTP, option 43 contrôle de découverte = 8", () => {
    const req = decodeDhcp(fixture("uefi-edk2-pxe-discover"));
    const { reply, bootFile, client } = answer(fixture("uefi-edk2-pxe-discover"));
    expectProxyBasics(req, reply, 2);
    expect(client).toMatchObject({ kind: "PXEClient", arch: 7, ipxe: false, mac: "52:54:00:12:34:57" });
    expect(bootFile).toBe("ipxe.efi");
    expect(reply.file).toBe("ipxe.efi");
    expect(optionText(reply, OPT.VENDOR_CLASS)).toBe("PXEClient");
    expect(hex(reply.options.get(OPT.VENDOR_SPECIFIC))).toBe("060108ff");
    expect([...reply.options.keys()]).toEqual([53, 54, 60, 43, 97]);
  });

  test("ROM PXE BIOS classique (Intel, pas iPXE) → undionly.kpxe ; le PAD ne gêne pas", () => {
    const bytes = intelBiosDiscover();
    const { reply, bootFile, client } = answer(bytes);
    expectProxyBasics(decodeDhcp(bytes), reply, 2);
    expect(client).toMatchObject({ arch: 0, ipxe: false });
    expect(bootFile).toBe("undionly.kpxe");
    expect(reply.flags).toBe(0x8000);
  });

  for (const name of ["bios-ipxe-rom-discover", "uefi-ipxe-rom-discover", "uefi-ipxe-efi-discover"]) {
    test(`client déjà iPXE (${name}) → URL HTTP de son script, pas de boucle de chargement`, () => {
      const req = decodeDhcp(fixture(name));
      const { reply, bootFile, client } = answer(fixture(name));
      expectProxyBasics(req, reply, 2);
      expect(client.ipxe).toBe(true);
      expect(bootFile).toBe(`http://10.66.0.2:8080/api/netboot/boot/${client.mac.replace(/:/g, "-")}`);
      expect(reply.file).toBe(bootFile);
      expect(bootFile).not.toContain("ipxe.efi");
    });
  }

  test("démarrage HTTP UEFI (HTTPClient) → URL HTTP d'ipxe.efi et classe HTTPClient", () => {
    const { reply, bootFile } = answer(fixture("uefi-edk2-http-discover"));
    expect(bootFile).toBe("http://10.66.0.2:8080/api/netboot/root/ipxe.efi");
    expect(optionText(reply, OPT.VENDOR_CLASS)).toBe("HTTPClient");
    expect(reply.options.has(OPT.VENDOR_SPECIFIC)).toBe(false);
  });

  test("REQUEST sur le port 4011 → ACK avec les mêmes indications, ciaddr conservé", () => {
    const bytes = intelBiosProxyRequest();
    const { reply, bootFile } = answer(bytes, "proxy");
    expectProxyBasics(decodeDhcp(bytes), reply, 5);
    expect(reply.ciaddr).toBe("10.66.0.120");
    expect(bootFile).toBe("undionly.kpxe");
  });

  test("architectures ARM et EBC : fichiers documentés", () => {
    const arch = (code: number) => answer(rawRequest({ xid: 9, mac: [2, 1, 2, 3, 4, 5] }, [...opt(53, [1]), ...opt(93, [0, code]), ...optText(60, `PXEClient:Arch:${String(code).padStart(5, "0")}`), 255])).bootFile;
    expect(arch(11)).toBe("arm64-efi/ipxe.efi");
    expect(arch(10)).toBe("arm32-efi/ipxe.efi");
    expect(arch(9)).toBe("ipxe.efi");
    expect(arch(6)).toBe("i386-efi/ipxe.efi");
  });

  test("sans option 93, l'architecture est lue dans la classe (vieilles ROM)", () => {
    const r = answer(rawRequest({ xid: 10, mac: [2, 1, 2, 3, 4, 6] }, [...opt(53, [1]), ...optText(60, "PXEClient:Arch:00007:UNDI:003000"), 255]));
    expect(r.bootFile).toBe("ipxe.efi");
  });
});

describe("ce qui ne reçoit aucune réponse", () => {
  const silent = (bytes: Uint8Array, listener: "dhcp" | "proxy" = "dhcp") => decide(decodeDhcp(bytes), S, listener);

  test("DHCP ordinaire (udhcpc) : aucune réponse", () => {
    const d = silent(fixture("linux-udhcpc-discover"));
    expect(d.reply).toBeNull();
    expect(d.client.kind).toBeNull();
  });
  test("réponse d'un autre serveur (op 2) : ignorée", () => expect(silent(fixture("router-dnsmasq-offer")).reply).toBeNull());
  test("REQUEST destinée au routeur sur le port 67 : ignorée (nous n'attribuons rien)", () => {
    expect(silent(fixture("uefi-edk2-pxe-request")).reply).toBeNull();
    expect(silent(fixture("uefi-ipxe-efi-request")).reply).toBeNull();
  });
  test("DISCOVER envoyé au port 4011 : ignoré", () => expect(silent(fixture("uefi-edk2-pxe-discover"), "proxy").reply).toBeNull());
  test("architecture inconnue : silence plutôt qu'un mauvais fichier", () => {
    expect(silent(rawRequest({ xid: 11, mac: [2, 1, 2, 3, 4, 7] }, [...opt(53, [1]), ...opt(93, [0, 0x42]), ...optText(60, "PXEClient"), 255])).reply).toBeNull();
  });
});

describe("destination des réponses", () => {
  const req = decodeDhcp(fixture("uefi-edk2-pxe-discover"));
  test("client sans adresse : diffusion sur le port 68", () => expect(replyTarget(req, "dhcp", { address: "0.0.0.0", port: 68 })).toEqual({ address: "255.255.255.255", port: 68, broadcast: true }));
  test("via un relais (giaddr) : au relais sur le port 67", () => expect(replyTarget({ ...req, giaddr: "10.1.2.1" }, "dhcp", { address: "10.1.2.1", port: 67 })).toEqual({ address: "10.1.2.1", port: 67, broadcast: false }));
  test("port 4011 : à l'expéditeur", () => expect(replyTarget(req, "proxy", { address: "10.66.0.120", port: 4011 })).toEqual({ address: "10.66.0.120", port: 4011, broadcast: false }));
});
