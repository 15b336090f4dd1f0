import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { addMember, BASE, Client, setupApp } from "../../test/harness";

type Env = Awaited<ReturnType<typeof setupApp>>;
let env: Env;
let tech: Client;

beforeEach(async () => {
  env = await setupApp();
  // Each test gets its own netboot folder (uploads land there).
  env.deps.config.dataDir = mkdtempSync("/tmp/guichet-netboot-");
  tech = await addMember(env, env.owner, "tech@mairie.test", "member", ["itsm_technician"]);
});
afterEach(() => rmSync(env.deps.config.dataDir, { recursive: true, force: true }));

const KERNEL = new TextEncoder().encode("MZ-noyau-de-test-".repeat(100));
const INITRD = new TextEncoder().encode("initrd-".repeat(300));

/** A raw-body PUT, as the UI and scripts send file chunks. */
async function put(c: Client, path: string, bytes: Uint8Array) {
  const body = new Uint8Array(bytes);
  const res = await c.app.handle(new Request(BASE + path, { method: "PUT", headers: { cookie: c.cookie!, "x-csrf-token": c.csrf!, "x-guichet-org": c.org!, "content-type": "application/octet-stream" }, body }));
  return { status: res.status, body: await res.json() };
}

async function readyImage(c: Client, name = "Kiosque", version = "1", cmdline = "console=ttyS0 quiet") {
  const img = await c.post("/api/netboot/images", { name, version, cmdline });
  expect(img.status).toBe(200);
  for (const [file, data] of [["kernel", KERNEL], ["initrd", INITRD]] as const) {
    const r = await put(c, `/api/netboot/images/${img.body.id}/${file}?offset=0&total=${data.length}`, data);
    expect(r.body.complete).toBe(true);
  }
  return img.body.id as string;
}

async function script(mac: string) {
  const res = await env.app.handle(new Request(`http://10.66.0.2:8080/api/netboot/boot/${mac}`));
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

describe("droits", () => {
  test("anonyme : 401 ; simple membre : 403 ; technicien (rôle itsm_technician) et admin : autorisés", async () => {
    expect((await new Client(env.app).get("/api/netboot/images")).status).toBe(401);
    const member = await addMember(env, env.owner, "membre@mairie.test", "member");
    const denied = await member.get("/api/netboot/hosts");
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("droits");
    expect((await member.post("/api/netboot/images", { name: "x", version: "1" })).status).toBe(403);
    expect((await tech.get("/api/netboot/images")).status).toBe(200);
    expect((await env.owner.get("/api/netboot/status")).status).toBe(200);
  });
});

describe("images de démarrage", () => {
  test("déclaration, envoi en deux morceaux repris, empreinte, puis version figée", async () => {
    const img = await tech.post("/api/netboot/images", { name: "Kiosque EPN", version: "2026.03", cmdline: "console=ttyS0" });
    expect(img.body).toMatchObject({ name: "Kiosque EPN", version: "2026.03", ready: false });
    const id = img.body.id;
    const half = 700;
    const first = await put(tech, `/api/netboot/images/${id}/kernel?offset=0&total=${KERNEL.length}`, KERNEL.subarray(0, half));
    expect(first.body).toEqual({ received: half, total: KERNEL.length, complete: false });
    // A resume at the wrong offset names what the server has.
    const wrong = await put(tech, `/api/netboot/images/${id}/kernel?offset=10&total=${KERNEL.length}`, KERNEL.subarray(10));
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toContain(`${half} octets déjà reçus`);
    // Not visible over HTTP/TFTP while incomplete.
    expect((await env.app.handle(new Request(`${BASE}/api/netboot/root/images/${id}/kernel`))).status).toBe(404);
    const rest = await put(tech, `/api/netboot/images/${id}/kernel?offset=${half}&total=${KERNEL.length}`, KERNEL.subarray(half));
    expect(rest.body.complete).toBe(true);
    expect(rest.body.sha256).toBe(new Bun.CryptoHasher("sha256").update(KERNEL).digest("hex"));
    expect(new Uint8Array(readFileSync(join(env.deps.config.dataDir, "netboot/images", id, "kernel")))).toEqual(KERNEL);
    await put(tech, `/api/netboot/images/${id}/initrd?offset=0&total=${INITRD.length}`, INITRD);
    expect((await tech.get(`/api/netboot/images/${id}`)).body).toMatchObject({ ready: true, kernelSize: KERNEL.length, initrdSize: INITRD.length });
    const again = await put(tech, `/api/netboot/images/${id}/kernel?offset=0&total=4`, new Uint8Array(4));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("nouvelle version");
    const audit = await env.owner.get("/api/audit?limit=50");
    expect(JSON.stringify(audit.body)).toContain("netboot.image.file_uploaded");
  });

  test("entrées invalides : message en français, rien n'est créé", async () => {
    const bad = await tech.post("/api/netboot/images", { name: "  ", version: "1" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.name).toBe("Champ obligatoire.");
    const nl = await tech.post("/api/netboot/images", { name: "K", version: "1", cmdline: "a\nchain http://ailleurs" });
    expect(nl.status).toBe(422);
    expect((await tech.get("/api/netboot/images")).body).toEqual([]);
    await tech.post("/api/netboot/images", { name: "K", version: "1" });
    const dup = await tech.post("/api/netboot/images", { name: "K", version: "1" });
    expect(dup.status).toBe(409);
    const img = (await tech.get("/api/netboot/images")).body[0];
    expect((await put(tech, `/api/netboot/images/${img.id}/vmlinuz?total=3`, new Uint8Array(3))).status).toBe(404);
    expect((await put(tech, `/api/netboot/images/${img.id}/kernel?offset=5&total=3`, new Uint8Array(3))).status).toBe(422);
  });

  test("une image utilisée ne se supprime pas ; libérée, elle part avec ses fichiers", async () => {
    const id = await readyImage(tech);
    await tech.req("PUT", "/api/netboot/defaults", { groupName: "", imageId: id });
    const refused = await tech.del(`/api/netboot/images/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("par défaut");
    await tech.req("PUT", "/api/netboot/defaults", { groupName: "", imageId: null });
    expect((await tech.del(`/api/netboot/images/${id}`)).status).toBe(200);
    expect((await env.app.handle(new Request(`${BASE}/api/netboot/root/images/${id}/kernel`))).status).toBe(404);
  });
});

describe("postes, groupes et script iPXE public", () => {
  test("poste inconnu : candidat à l'enrôlement, démarre l'image par défaut de tous les postes", async () => {
    const id = await readyImage(tech, "Kiosque", "1", "console=ttyS0 quiet");
    expect((await script("52-54-00-aa-bb-01")).text).toContain("exit"); // no default yet: local boot
    await tech.req("PUT", "/api/netboot/defaults", { groupName: "", imageId: id });
    const s = await script("52-54-00-AA-BB-01");
    expect(s.status).toBe(200);
    expect(s.type).toContain("text/plain");
    expect(s.text.startsWith("#!ipxe\n")).toBe(true);
    // URLs name the address the client used (the appliance), never next-server.
    expect(s.text).toContain(`kernel http://10.66.0.2:8080/api/netboot/root/images/${id}/kernel initrd=initrd console=ttyS0 quiet guichet.url=http://10.66.0.2:8080`);
    expect(s.text).toContain(`initrd --name initrd http://10.66.0.2:8080/api/netboot/root/images/${id}/initrd`);
    const cands = (await tech.get("/api/netboot/candidates")).body;
    expect(cands).toHaveLength(1);
    expect(cands[0]).toMatchObject({ mac: "52:54:00:aa:bb:01", ipxe: true, seenCount: 2 });
  });

  test("enrôlement : le poste suit l'image de son groupe, le script ne dit rien de personnel", async () => {
    const a = await readyImage(tech, "Kiosque", "1");
    const b = await readyImage(tech, "Kiosque jeunesse", "3");
    await tech.req("PUT", "/api/netboot/defaults", { groupName: "", imageId: a });
    await tech.req("PUT", "/api/netboot/defaults", { groupName: "Salle jeunesse", imageId: b });
    await script("52:54:00:aa:bb:02");
    const cand = (await tech.get("/api/netboot/candidates")).body[0];
    const enrolled = await tech.post(`/api/netboot/candidates/${cand.id}/enrol`, { name: "Poste de Mme Dupont", groupName: "Salle jeunesse" });
    expect(enrolled.status).toBe(200);
    expect((await tech.get("/api/netboot/candidates")).body).toEqual([]);
    const s = await script("52-54-00-aa-bb-02");
    expect(s.text).toContain(`/images/${b}/kernel`);
    expect(s.text).toContain("Kiosque jeunesse 3");
    expect(s.text).not.toContain("Dupont");
    const hosts = (await tech.get("/api/netboot/hosts")).body;
    expect(hosts[0].lastBootAt).not.toBeNull();
    // An image chosen on the workstation itself wins over its group.
    await tech.patch(`/api/netboot/hosts/${hosts[0].id}`, { imageId: a });
    expect((await script("52-54-00-aa-bb-02")).text).toContain(`/images/${a}/kernel`);
    // Menu mode lists every ready image, the default preselected, plus local boot.
    await tech.patch(`/api/netboot/hosts/${hosts[0].id}`, { menu: true });
    const menu = (await script("52-54-00-aa-bb-02")).text;
    expect(menu).toContain("item img0 Kiosque 1 (par defaut)");
    expect(menu).toContain("item img1 Kiosque jeunesse 3");
    expect(menu).toContain("choose --default img0 --timeout 10000 target");
    expect(menu).toContain("item local");
  });

  test("MAC invalide ou déjà prise : refus clair", async () => {
    expect((await tech.post("/api/netboot/hosts", { mac: "zz:zz", name: "P1" })).body.error.fields.mac).toContain("Adresse MAC attendue");
    expect((await tech.post("/api/netboot/hosts", { mac: "52:54:00:00:00:01", name: "P1" })).status).toBe(200);
    const dup = await tech.post("/api/netboot/hosts", { mac: "52-54-00-00-00-01", name: "P2" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("« P1 »");
    expect((await tech.post("/api/netboot/hosts", { mac: "52:54:00:00:00:02", name: "P3", imageId: "inconnue" })).status).toBe(422);
    expect((await script("pas-une-mac")).status).toBe(422);
  });
});

describe("fichiers de démarrage en HTTP (requêtes partielles)", () => {
  test("entier, plage, suffixe, plage impossible, HEAD, chemins refusés", async () => {
    const id = await readyImage(tech);
    const url = `${BASE}/api/netboot/root/images/${id}/kernel`;
    const full = await env.app.handle(new Request(url));
    expect(full.status).toBe(200);
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(KERNEL);
    const part = await env.app.handle(new Request(url, { headers: { range: "bytes=100-199" } }));
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${KERNEL.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(KERNEL.subarray(100, 200));
    const tail = await env.app.handle(new Request(url, { headers: { range: "bytes=-10" } }));
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(KERNEL.subarray(KERNEL.length - 10));
    const open = await env.app.handle(new Request(url, { headers: { range: `bytes=${KERNEL.length - 5}-` } }));
    expect((await open.arrayBuffer()).byteLength).toBe(5);
    const bad = await env.app.handle(new Request(url, { headers: { range: `bytes=${KERNEL.length}-` } }));
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${KERNEL.length}`);
    const head = await env.app.handle(new Request(url, { method: "HEAD" }));
    expect(head.headers.get("content-length")).toBe(String(KERNEL.length));
    for (const p of ["..%2f..%2fetc%2fpasswd", "images/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "%2fetc%2fpasswd"]) {
      const r = await env.app.handle(new Request(`${BASE}/api/netboot/root/${p}`));
      expect([403, 404]).toContain(r.status);
      expect(await r.text()).not.toContain("root:");
    }
    expect((await env.app.handle(new Request(`${BASE}/api/netboot/root/..%2f..%2fetc%2fpasswd`))).status).toBe(403);
  });
});

describe("cloisonnement entre organisations", () => {
  test("une autre organisation ne lit ni ne modifie aucune ligne, pour chaque route qui prend un identifiant", async () => {
    const imageId = await readyImage(env.owner);
    const host = (await env.owner.post("/api/netboot/hosts", { mac: "52:54:00:00:00:10", name: "Poste A", imageId })).body;
    await script("52:54:00:00:00:11");
    const cand = (await env.owner.get("/api/netboot/candidates")).body[0];
    expect(cand).toBeDefined();
    const other = await env.owner.post("/api/orgs", { name: "Association voisine" });
    const b = new Client(env.app);
    b.cookie = env.owner.cookie;
    b.csrf = env.owner.csrf;
    b.org = other.body.id;
    const attempts: [string, () => Promise<{ status: number }>][] = [
      ["GET image", () => b.get(`/api/netboot/images/${imageId}`)],
      ["PATCH image", () => b.patch(`/api/netboot/images/${imageId}`, { name: "piraté" })],
      ["DELETE image", () => b.del(`/api/netboot/images/${imageId}`)],
      ["PUT fichier", () => put(b, `/api/netboot/images/${imageId}/initrd?offset=0&total=3`, new Uint8Array(3))],
      ["PATCH poste", () => b.patch(`/api/netboot/hosts/${host.id}`, { name: "piraté" })],
      ["DELETE poste", () => b.del(`/api/netboot/hosts/${host.id}`)],
      ["enrôler candidat", () => b.post(`/api/netboot/candidates/${cand.id}/enrol`, { name: "piraté" })],
      ["écarter candidat", () => b.del(`/api/netboot/candidates/${cand.id}`)],
    ];
    for (const [what, call] of attempts) expect([what, (await call()).status]).toEqual([what, 404]);
    expect((await b.req("PUT", "/api/netboot/defaults", { groupName: "", imageId })).status).toBe(422);
    for (const list of ["images", "hosts", "candidates", "defaults"]) expect([list, (await b.get(`/api/netboot/${list}`)).body]).toEqual([list, []]);
    // Nothing changed on the first organisation's side.
    expect((await env.owner.get(`/api/netboot/images/${imageId}`)).body.name).toBe("Kiosque");
    expect((await env.owner.get("/api/netboot/hosts")).body[0].name).toBe("Poste A");
    expect((await env.owner.get("/api/netboot/candidates")).body).toHaveLength(1);
    // A MAC already used by another organisation cannot be taken, and its name is not revealed.
    const taken = await b.post("/api/netboot/hosts", { mac: "52:54:00:00:00:10", name: "Moi" });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).not.toContain("Poste A");
  });
});
