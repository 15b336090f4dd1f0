import { describe, expect, test } from "bun:test";
import { setupApp } from "../../test/harness";
import { withTransaction } from "../db/client";
import { audit } from "./service";

describe("journal d'audit chaîné", () => {
  test("chaque écriture laisse une trace (qui, quoi, quand, d'où) et la chaîne se vérifie", async () => {
    const t = await setupApp();
    await t.owner.patch("/api/org", { address: "1 place de la Mairie" });
    const list = await t.owner.get("/api/audit");
    expect(list.status).toBe(200);
    const e = list.body.items[0];
    expect(e.action).toBe("organisation.updated");
    expect(e.actorLabel).toBe("Alice Martin");
    expect(e.data.after.address).toBe("1 place de la Mairie");
    expect(e.at).toBe("2026-03-02T09:00:00.000Z");
    const v = await t.owner.get("/api/audit/verify");
    expect(v.body).toEqual({ ok: true, checked: list.body.items.length });
  });

  test.each([
    ["une ligne modifiée", "UPDATE audit_log SET data = '{\"after\":{\"address\":\"falsifié\"}}' WHERE seq = (SELECT seq FROM audit_log WHERE action = 'organisation.updated' AND org_id = ?1)", "contenu modifié"],
    ["une ligne supprimée", "DELETE FROM audit_log WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE org_id = ?1)", "maillon manquant"],
    ["un auteur changé", "UPDATE audit_log SET actor_label = 'Quelqu''un d''autre' WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE org_id = ?1)", "contenu modifié"],
  ])("la vérification détecte %s", async (_name, sql, reason) => {
    const t = await setupApp();
    await t.owner.patch("/api/org", { address: "1 place de la Mairie" });
    await t.owner.patch("/api/org", { address: "2 place de la Mairie" });
    t.deps.db.$client.query(sql).run(t.orgId);
    const v = await t.owner.get("/api/audit/verify");
    expect(v.body.ok).toBe(false);
    expect(v.body.brokenAt.reason).toContain(reason);
  });

  test("recherche et pagination", async () => {
    const t = await setupApp();
    for (let i = 0; i < 7; i++) await t.owner.patch("/api/org", { address: `${i} rue des Tests` });
    const p1 = await t.owner.get("/api/audit?limit=3&q=rue");
    expect(p1.body.items).toHaveLength(3);
    const p2 = await t.owner.get(`/api/audit?limit=3&q=rue&before=${p1.body.nextBefore}`);
    expect(p2.body.items).toHaveLength(3);
    const p3 = await t.owner.get(`/api/audit?limit=3&q=rue&before=${p2.body.nextBefore}`);
    expect(p3.body.items).toHaveLength(1);
    const bad = await t.owner.get("/api/audit?limit=9999");
    expect(bad.status).toBe(422);
  });

  test("la chaîne reste juste quand une écriture est annulée ou qu'une autre connexion écrit entre deux", async () => {
    const t = await setupApp();
    const ctx = { org: t.orgId, ip: null, clock: t.deps.clock, actor: { userId: "system", label: "Test", role: "member" as const, moduleRoles: [], via: "token" as const } };
    await t.owner.patch("/api/org", { address: "1 place de la Mairie" });
    // An audited write rolled back: its row (and its seq) vanish.
    expect(() =>
      withTransaction(t.deps.db, (tx) => {
        audit(tx, ctx, { action: "test.annulé", entity: "test" });
        throw new Error("annulé");
      }),
    ).toThrow("annulé");
    withTransaction(t.deps.db, (tx) => audit(tx, ctx, { action: "test.après-annulation", entity: "test" }));
    // A row written by another connection to the same file, then one more from the app.
    const { Database } = await import("bun:sqlite");
    const other = new Database(t.deps.db.$client.filename);
    const last = other.query("SELECT hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1").get(t.orgId) as { hash: string };
    other.query("INSERT INTO audit_log (id, org_id, actor_label, action, entity, data, at, prev_hash, hash) VALUES (?, ?, 'Autre', 'test.autre', 'test', '{}', ?, ?, ?)").run(Bun.randomUUIDv7(), t.orgId, "2026-03-02T09:00:00.000Z", last.hash, "x");
    other.close();
    await t.owner.patch("/api/org", { address: "2 place de la Mairie" });
    const rows = t.deps.db.$client.query("SELECT action, prev_hash AS prevHash, hash FROM audit_log WHERE org_id = ? ORDER BY seq").all(t.orgId) as { action: string; prevHash: string; hash: string }[];
    expect(rows.map((r) => r.action)).not.toContain("test.annulé");
    // Every row links to the one before it, including across the rollback and the other writer.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(rows.at(-2)!.action).toBe("test.autre");
  });
});
