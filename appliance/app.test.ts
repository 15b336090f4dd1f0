// Census of every route the app serves: anything under /api that is not declared public refuses an
// anonymous caller with 401 before looking at the body. New modules are covered automatically.
import { expect, test } from "bun:test";
import { buildApp } from "./app";
import { testDeps } from "./test/harness";
import { isPublic } from "./core/http/auth-plugin";
import { coreServices } from "./core/services";

test("chaque route /api non publique refuse un appel anonyme (401)", async () => {
  const deps = testDeps();
  // Same route sets as main.ts: core, platform services, daemons and modules.
  const app = buildApp(deps, { extra: coreServices(deps).routes });
  const routes = app.routes.filter((r) => r.path.startsWith("/api/") && r.method !== "WS" && !isPublic(r.method, r.path.replace(/:[^/]+/g, "x")));
  expect(routes.length).toBeGreaterThan(15);
  const failures: string[] = [];
  for (const r of routes) {
    const path = r.path.replace(/:[^/]+/g, "0190a0b0-0000-7000-8000-000000000000").replace(/\*$/, "x");
    const res = await app.handle(new Request("http://guichet.test" + path, { method: r.method, headers: { "content-type": "application/json" }, body: ["GET", "HEAD"].includes(r.method) ? undefined : "{}" }));
    if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
  }
  expect(failures).toEqual([]);
});

test("une adresse d'API inconnue répond 404 en JSON français", async () => {
  const app = buildApp(testDeps());
  const res = await app.handle(new Request("http://guichet.test/api/nexiste/pas"));
  expect(res.status).toBe(404);
  expect((await res.json()).error.message).toContain("inconnue");
});

test("un corps JSON illisible donne une erreur claire", async () => {
  const app = buildApp(testDeps());
  const res = await app.handle(new Request("http://guichet.test/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{pas du json" }));
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const body = await res.json();
  expect(body.error.message.length).toBeGreaterThan(5);
});
