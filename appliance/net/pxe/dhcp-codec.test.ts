import { describe, expect, test } from "bun:test";
import { BOOTP_MIN_SIZE, clientArches, clientUuid, decodeDhcp, DhcpDecodeError, encodeDhcp, macOf, messageType, OPT, optionText, userClasses } from "./dhcp-codec";
import { fixture, intelBiosDiscover, opt, rawRequest } from "./fixtures";

const hex = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString("hex") : undefined);
const codes = (name: string) => [...decodeDhcp(fixture(name)).options.keys()];

describe("décodage des paquets capturés", () => {
  test("iPXE (ROM BIOS de qemu) : chaque option", () => {
    const p = decodeDhcp(fixture("bios-ipxe-rom-discover"));
    expect([p.op, p.htype, p.hlen, p.hops, p.xid, p.secs, p.flags]).toEqual([1, 1, 6, 0, 0xba8f483d, 4, 0]);
    expect([p.ciaddr, p.yiaddr, p.siaddr, p.giaddr]).toEqual(["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"]);
    expect(macOf(p)).toBe("52:54:00:12:34:56");
    expect(codes("bios-ipxe-rom-discover")).toEqual([53, 57, 93, 94, 60, 77, 55, 175, 61, 97]);
    expect(messageType(p)).toBe(1);
    expect(hex(p.options.get(OPT.MAX_SIZE))).toBe("05c0");
    expect(clientArches(p)).toEqual([0]);
    expect(hex(p.options.get(OPT.CLIENT_NDI))).toBe("010201");
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("PXEClient:Arch:00000:UNDI:002001");
    expect(userClasses(p)).toEqual(["iPXE"]);
    expect(p.options.get(OPT.PARAM_REQUEST)!.length).toBe(23);
    expect([...p.options.get(OPT.PARAM_REQUEST)!].slice(0, 4)).toEqual([1, 3, 6, 7]);
    expect(p.options.get(OPT.IPXE_ENCAP)!.length).toBe(48);
    expect(hex(p.options.get(OPT.CLIENT_ID))).toBe("01525400123456");
    expect(clientUuid(p)).toBe("00000000-0000-0000-0000-000000000000");
    expect(p.file).toBe("");
    expect(p.sname).toBe("");
  });

  test("iPXE (ROM EFI de qemu sous OVMF) : architecture 7 et UNDI 3.16", () => {
    const p = decodeDhcp(fixture("uefi-ipxe-rom-discover"));
    expect(codes("uefi-ipxe-rom-discover")).toEqual([53, 57, 93, 94, 60, 77, 55, 175, 61, 97]);
    expect(clientArches(p)).toEqual([7]);
    expect(hex(p.options.get(OPT.CLIENT_NDI))).toBe("01030a");
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("PXEClient:Arch:00007:UNDI:003010");
    expect(userClasses(p)).toEqual(["iPXE"]);
    expect(macOf(p)).toBe("52:54:00:12:34:57");
  });

  test("PXE UEFI d'EDK2 (OVMF) : pas d'iPXE, options dans l'ordre d'EDK2", () => {
    const p = decodeDhcp(fixture("uefi-edk2-pxe-discover"));
    expect(codes("uefi-edk2-pxe-discover")).toEqual([53, 57, 55, 97, 94, 93, 60]);
    expect([p.xid, p.flags]).toEqual([0xa8ee2576, 0x8000]);
    expect(clientArches(p)).toEqual([7]);
    expect(hex(p.options.get(OPT.CLIENT_NDI))).toBe("010301");
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("PXEClient:Arch:00007:UNDI:003001");
    expect(p.options.get(OPT.PARAM_REQUEST)!.length).toBe(35);
    expect(p.options.has(OPT.USER_CLASS) || p.options.has(OPT.IPXE_ENCAP)).toBe(false);
    expect(p.options.get(OPT.CLIENT_UUID)!.length).toBe(17);
  });

  test("démarrage HTTP d'EDK2 : HTTPClient, architecture 16", () => {
    const p = decodeDhcp(fixture("uefi-edk2-http-discover"));
    expect(codes("uefi-edk2-http-discover")).toEqual([53, 57, 55, 97, 94, 93, 60]);
    expect(clientArches(p)).toEqual([16]);
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("HTTPClient:Arch:00016:UNDI:003001");
  });

  test("requêtes (REQUEST) d'EDK2 et d'ipxe.efi : serveur visé et adresse demandée", () => {
    const e = decodeDhcp(fixture("uefi-edk2-pxe-request"));
    expect(messageType(e)).toBe(3);
    expect(codes("uefi-edk2-pxe-request")).toEqual([53, 54, 50, 57, 55, 97, 94, 93, 60]);
    expect(hex(e.options.get(OPT.SERVER_ID))).toBe("0a420001");
    expect(hex(e.options.get(OPT.REQUESTED_IP))).toBe("0a420065");
    const i = decodeDhcp(fixture("uefi-ipxe-efi-request"));
    expect(messageType(i)).toBe(3);
    expect(codes("uefi-ipxe-efi-request")).toEqual([53, 57, 93, 94, 60, 77, 55, 175, 61, 97, 54, 50]);
    expect(macOf(i)).toBe("52:54:00:aa:00:02");
  });

  test("réponse du serveur DHCP du routeur et DISCOVER Linux ordinaire", () => {
    const o = decodeDhcp(fixture("router-dnsmasq-offer"));
    expect([o.op, messageType(o), o.yiaddr, o.siaddr]).toEqual([2, 2, "10.66.0.101", "10.66.0.1"]);
    expect(codes("router-dnsmasq-offer")).toEqual([53, 54, 51, 58, 59, 1, 28, 3]);
    const u = decodeDhcp(fixture("linux-udhcpc-discover"));
    expect(optionText(u, OPT.VENDOR_CLASS)).toBe("udhcp 1.35.0");
    expect(codes("linux-udhcpc-discover")).toEqual([53, 57, 55, 60, 61]);
  });
});

describe("cas limites du format", () => {
  test("un octet de bourrage (PAD) ne décale pas les options suivantes", () => {
    const p = decodeDhcp(intelBiosDiscover());
    expect([...p.options.keys()]).toEqual([53, 57, 93, 94, 97, 60, 55]);
    expect(clientArches(p)).toEqual([0]);
    expect(hex(p.options.get(OPT.CLIENT_NDI))).toBe("010201");
    expect(clientUuid(p)).toBe("4c4c4544-0048-3410-8039-b4c04f334b32"); // SMBIOS byte order swapped back
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("PXEClient:Arch:00000:UNDI:002001");
  });

  test("une option répétée est concaténée (RFC 3396) et une valeur longue est découpée à l'encodage", () => {
    const p = decodeDhcp(rawRequest({ xid: 1, mac: [2, 0, 0, 0, 0, 1] }, [...opt(53, [1]), ...opt(43, [1, 2]), ...opt(43, [3]), 255]));
    expect(hex(p.options.get(43))).toBe("010203");
    const long = new Uint8Array(600).fill(7);
    p.options.set(OPT.BOOTFILE, long);
    const again = decodeDhcp(encodeDhcp(p));
    expect(again.options.get(OPT.BOOTFILE)).toEqual(long);
  });

  test("option overload (52) : les champs file et sname portent des options", () => {
    const buf = rawRequest({ xid: 2, mac: [2, 0, 0, 0, 0, 2] }, [...opt(53, [1]), ...opt(52, [3]), 255]);
    buf.set([60, 9, ...new TextEncoder().encode("PXEClient"), 255], 108);
    buf.set([93, 2, 0, 7, 255], 44);
    const p = decodeDhcp(buf);
    expect(optionText(p, OPT.VENDOR_CLASS)).toBe("PXEClient");
    expect(clientArches(p)).toEqual([7]);
    expect(p.file).toBe("");
  });

  test("paquets invalides refusés avec une raison", () => {
    expect(() => decodeDhcp(new Uint8Array(100))).toThrow(DhcpDecodeError);
    const noCookie = intelBiosDiscover();
    noCookie[236] = 0;
    expect(() => decodeDhcp(noCookie)).toThrow("cookie");
    const truncated = rawRequest({ xid: 3, mac: [2, 0, 0, 0, 0, 3] }, [53, 1, 1, 60, 40, 80]).subarray(0, 246);
    expect(() => decodeDhcp(truncated)).toThrow(DhcpDecodeError);
  });

  test("encodage : aller-retour fidèle et taille minimale BOOTP de 300 octets", () => {
    for (const name of ["bios-ipxe-rom-discover", "uefi-edk2-pxe-discover", "linux-udhcpc-discover", "router-dnsmasq-offer"]) {
      const p = decodeDhcp(fixture(name));
      const out = encodeDhcp(p);
      expect(out.length).toBeGreaterThanOrEqual(BOOTP_MIN_SIZE);
      expect(decodeDhcp(out)).toEqual(p);
    }
    const tiny = decodeDhcp(rawRequest({ xid: 4, mac: [2, 0, 0, 0, 0, 4] }, [53, 1, 2, 255]));
    expect(encodeDhcp(tiny).length).toBe(300);
  });
});
