// The inventory this machine produces is a valid GLPI inventory (checked against GLPI's own JSON Schema), and
// GLPI's sample inventories pass our protocol schema: the ITSM module can take either.
import { describe, expect, test } from "bun:test";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { collectInventory } from "../inventory";
import { dmiDate, keyValues } from "../inventory/linux";
import { decode } from "../protocol";

const FIXTURES = "/work/shared/fixtures/inventory";
const glpiSchema = JSON.parse(readFileSync(`${FIXTURES}/inventory.schema.json`, "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validateGlpi = ajv.compile(glpiSchema);

describe("inventaire du poste", () => {
  test("valide selon le schéma GLPI, avec les logiciels dpkg et les interfaces", async () => {
    const inv = await collectInventory("salle-pc1");
    const { v: _v, ...glpi } = inv;
    const ok = validateGlpi(glpi);
    expect(JSON.stringify(validateGlpi.errors)).toBe("null");
    expect(ok).toBe(true);
    expect(inv.content.hardware.name).toBe("salle-pc1");
    expect(inv.content.hardware.memory).toBeGreaterThan(100);
    expect(inv.content.operatingsystem.full_name).toContain("Debian");
    // (Plain checks: Bun's toMatchObject with expect.any() was seen to overwrite the received object.)
    const dpkg = inv.content.softwares!.find((s) => s.name === "dpkg")!;
    expect([dpkg.from, typeof dpkg.arch, typeof dpkg.version]).toEqual(["deb", "string", "string"]);
    expect(inv.content.networks!.some((n) => n.description === "lo" && n.type === "loopback")).toBe(true);
    const d = decode("inventory", JSON.stringify(inv));
    expect(d.ok ? "ok" : d.reason).toBe("ok");
  });

  test.each(["computer_1.json", "computer_2.json", "computer_1_partial_softs.json"])("l'exemple GLPI %s passe le schéma du protocole", (file) => {
    const doc = JSON.parse(readFileSync(`${FIXTURES}/${file}`, "utf8"));
    // Sections a GLPI agent sends and Guichet does not model yet are allowed; ours must accept theirs.
    const content = { hardware: {}, operatingsystem: {}, ...doc.content, versionclient: doc.content.versionclient ?? "GLPI" };
    const d = decode("inventory", JSON.stringify({ v: 1, deviceid: doc.deviceid, itemtype: "Computer", action: "inventory", content }));
    expect(d.ok ? "ok" : d.reason).toBe("ok");
  });
});

describe("lecture des sources Linux", () => {
  test.each([
    ["01/03/2016", "2016-01-03"],
    ["12/31/2024", "2024-12-31"],
    ["2024-12-31", undefined],
    [undefined, undefined],
  ])("date DMI %s → %s", (input, out) => {
    expect(dmiDate(input)).toBe(out);
  });

  test("os-release et cpuinfo", () => {
    const osr = keyValues('NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n', "=");
    expect([osr.get("NAME"), osr.get("VERSION_ID"), osr.get("ID")]).toEqual(["Debian GNU/Linux", "12", "debian"]);
    const cpu = keyValues("model name\t: Intel(R) Core(TM) i5\ncpu MHz\t\t: 2300.000\n", ":");
    expect(cpu.get("model name")).toBe("Intel(R) Core(TM) i5");
    expect(cpu.get("cpu MHz")).toBe("2300.000");
  });
});
