// The compiled binary as a town hall runs it: started from an unrelated folder with an empty data folder,
// it serves the setup wizard, survives SIGTERM in the middle of concurrent writes without corrupting the
// database or losing an acknowledged write, and restarts with its data. Bad boot settings stop it with
// a French message naming the key.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { buildBinary } from "../build-binary";
import { completeSetup, HttpClient, runToEnd, SETUP, startAppliance, type ApplianceProcess } from "./appliance-process";

// Compiling takes a few seconds on an idle machine, much more when the 2 cores are shared.
const BUILD_TIMEOUT = 180_000;

let tmp: string;
let bin: string;
const running: ApplianceProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync("/tmp/guichet-binary-");
  bin = join(tmp, "bin", "guichet");
  await buildBinary({ outfile: bin, workDir: join(tmp, "build"), quiet: true });
}, BUILD_TIMEOUT);

afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL", 2000);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Starts the binary with its working directory in a fresh folder under /tmp, far from the sources. */
async function launch(dataDir: string) {
  const cwd = mkdtempSync(join(tmp, "cwd-"));
  const p = await startAppliance([bin], { cwd, env: { GUICHET_DATA_DIR: dataDir } });
  running.push(p);
  return p;
}

describe("binaire compilé", () => {
  test(
    "sert l'installation, survit à SIGTERM pendant des écritures et redémarre avec ses données",
    async () => {
      const dataDir = join(tmp, "data");
      expect(existsSync(dataDir)).toBe(false);
      const first = await launch(dataDir);

      // The embedded UI: the page and the script it references.
      const html = await fetch(first.url + "/");
      expect(html.status).toBe(200);
      const page = await html.text();
      expect(page).toContain('<html lang="fr">');
      const script = /<script type="module" src="([^"]+)"/.exec(page)?.[1];
      expect(script).toBeDefined();
      const js = await fetch(first.url + script!);
      expect(js.status).toBe(200);
      expect(js.headers.get("content-type")).toContain("javascript");
      expect((await js.text()).length).toBeGreaterThan(1000);
      const style = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1];
      const css = await fetch(first.url + style!);
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toContain("text/css");

      // First boot: setup is open, then done through the API.
      const setup = await (await fetch(first.url + "/api/setup")).json();
      expect(setup.needed).toBe(true);
      const admin = await completeSetup(first.url);
      expect((await (await fetch(first.url + "/api/setup")).json()).needed).toBe(false);
      const renamed = await admin.patch("/api/org", { name: "Mairie de Saint-Binaire-sur-Lot" });
      expect(renamed.status).toBe(200);

      // A burst of invitations from 16 concurrent clients; SIGTERM once 40 of them have been acknowledged.
      const acked: { id: string; email: string }[] = [];
      let sent = 0;
      let refused = 0;
      const rejected: string[] = [];
      const halt: { stopping: Promise<{ code: number | null; ms: number }> | null } = { stopping: null };
      const worker = async (w: number) => {
        for (let i = 0; i < 40; i++) {
          const email = `agent-${w}-${i}@mairie.test`;
          sent++;
          try {
            const r = await admin.post("/api/org/invitations", { email, role: "member" });
            if (r.status === 200) acked.push({ id: r.body.id, email });
            else rejected.push(`${r.status} ${r.text}`);
          } catch {
            // Connection refused or reset once the server has closed: not acknowledged, and this client gives up.
            refused++;
            return;
          }
          // Keep writing after the signal: requests keep arriving while the appliance stops.
          if (acked.length >= 40 && !halt.stopping) halt.stopping = first.stop("SIGTERM", 10_000);
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
      expect(halt.stopping).not.toBeNull();
      const exit = await halt.stopping!;
      expect({ code: exit.code, output: exit.code === 0 ? "" : first.output() }).toEqual({ code: 0, output: "" });
      // "Within a few seconds": a hang guard, not a speed target.
      expect(exit.ms).toBeLessThan(5000);
      expect(first.output()).toContain("arrêt propre");
      expect(acked.length).toBeGreaterThanOrEqual(40);
      // A request is either completed or refused at the door: no error answers while stopping.
      expect(rejected).toEqual([]);

      // The file is sound, and every invitation has its audit row and its queued e-mail (same transaction).
      const db = new Database(join(dataDir, "guichet.sqlite"), { readonly: false });
      try {
        expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
        const count = (sql: string) => (db.query(sql).get() as { n: number }).n;
        const invitations = count("SELECT count(*) AS n FROM invitations");
        console.log(`   rafale : ${sent} envoyées, ${acked.length} acquittées, ${refused} refusées, ${invitations} en base ; arrêt en ${exit.ms} ms`);
        expect(invitations).toBeGreaterThanOrEqual(acked.length);
        expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'invitation.created'")).toBe(invitations);
        expect(count("SELECT count(*) AS n FROM mail_outbox WHERE subject LIKE 'Invitation%'")).toBe(invitations);
      } finally {
        db.close();
      }

      // Restart on the same folder, from another working directory: login works and the data is there.
      const second = await launch(dataDir);
      expect((await (await fetch(second.url + "/api/setup")).json()).needed).toBe(false);
      const again = new HttpClient(second.url);
      const login = await again.post("/api/auth/login", { email: SETUP.admin.email, password: SETUP.admin.password });
      expect(login.status).toBe(200);
      expect(login.body.mfaRequired).toBe(false);
      await again.refresh();
      const org = await again.get("/api/org");
      expect(org.body.name).toBe("Mairie de Saint-Binaire-sur-Lot");
      const list = await again.get("/api/org/invitations");
      expect(list.status).toBe(200);
      const ids = new Set((list.body as { id: string }[]).map((i) => i.id));
      const lost = acked.filter((a) => !ids.has(a.id));
      expect(lost).toEqual([]);
      const verify = await again.get("/api/audit/verify");
      expect(verify.status).toBe(200);
      expect(verify.body.ok).toBe(true);
      expect(verify.body.checked).toBeGreaterThanOrEqual(acked.length + 2);
      const stop2 = await second.stop("SIGTERM");
      expect(stop2.code).toBe(0);
    },
    BUILD_TIMEOUT,
  );

  // A wrong boot setting stops the start before anything is created, with a message naming the key.
  const BAD: { env: Record<string, string>; key: string; words: string }[] = [
    { env: { GUICHET_HTTP_PORT: "abc" }, key: "GUICHET_HTTP_PORT", words: "numéro de port" },
    { env: { GUICHET_DNS_PORT: "70000" }, key: "GUICHET_DNS_PORT", words: "entre 0 et 65535" },
    { env: { GUICHET_LOG_LEVEL: "bavard" }, key: "GUICHET_LOG_LEVEL", words: "valeurs permises" },
    { env: { GUICHET_CONFIG: "/nulle-part/guichet.json" }, key: "GUICHET_CONFIG", words: "fichier introuvable" },
  ];
  test.each(BAD)("configuration invalide $key : arrêt avec un message en français", async ({ env, key, words }) => {
    const cwd = mkdtempSync(join(tmp, "cwd-"));
    const dataDir = join(cwd, "data");
    const r = await runToEnd([bin], { cwd, env: { GUICHET_HTTP_PORT: "0", GUICHET_DATA_DIR: dataDir, ...env } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Configuration invalide");
    expect(r.stderr).toContain(key);
    expect(r.stderr).toContain(words);
    expect(existsSync(dataDir)).toBe(false);
  });
});
