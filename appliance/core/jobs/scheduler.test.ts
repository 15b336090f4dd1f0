// The job scheduler: periodic runs, never two at once, errors recorded and survived, clean stop.
import { afterEach, describe, expect, test } from "bun:test";
import { testDeps } from "../../test/harness";
import { JobScheduler, lastRun } from "./scheduler";

const schedulers: JobScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
});

function scheduler() {
  const deps = testDeps();
  const s = new JobScheduler(deps);
  schedulers.push(s);
  return { deps, s };
}

async function until(cond: () => boolean, timeoutMs = 3000) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition jamais remplie");
    await Bun.sleep(5);
  }
}

describe("planificateur de tâches", () => {
  test("exécute chaque tâche à son intervalle et enregistre la dernière exécution", async () => {
    const { deps, s } = scheduler();
    let runs = 0;
    s.register({ name: "compteur", everyMs: 20, firstRunMs: 0, run: () => void runs++ });
    expect(lastRun(deps, "compteur")).toBeNull();
    s.start();
    await until(() => runs >= 3);
    expect(lastRun(deps, "compteur")).toEqual({ name: "compteur", lastRunAt: deps.clock.now().toISOString(), lastStatus: "ok", lastError: null });
    const [st] = s.list();
    expect(st).toMatchObject({ name: "compteur", everyMs: 20, lastStatus: "ok" });
  });

  test("jamais deux exécutions simultanées d'une même tâche, même lente, même lancée à la main", async () => {
    const { s } = scheduler();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    s.register({
      name: "lente",
      everyMs: 10,
      firstRunMs: 0,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await Bun.sleep(60);
        active--;
        runs++;
      },
    });
    s.start();
    await until(() => active === 1);
    const a = s.runJob("lente");
    const b = s.runJob("lente");
    expect(a).toBe(b); // the run in progress, not a new one
    await a;
    await until(() => runs >= 3);
    expect(maxActive).toBe(1);
  });

  test("une tâche en erreur est consignée (message) et relancée au tour suivant ; les autres continuent", async () => {
    const { deps, s } = scheduler();
    let calls = 0;
    let other = 0;
    s.register({
      name: "capricieuse",
      everyMs: 15,
      firstRunMs: 0,
      run: () => {
        calls++;
        if (calls === 1) throw new Error("disque plein");
      },
    });
    s.register({ name: "sage", everyMs: 15, firstRunMs: 0, run: () => void other++ });
    s.start();
    await until(() => calls >= 1 && lastRun(deps, "capricieuse") !== null);
    expect(lastRun(deps, "capricieuse")).toMatchObject({ lastStatus: "error", lastError: "disque plein" });
    await until(() => calls >= 2 && lastRun(deps, "capricieuse")!.lastStatus === "ok");
    expect(lastRun(deps, "capricieuse")!.lastError).toBeNull();
    expect(other).toBeGreaterThan(0);
  });

  test("stop() attend la fin de l'exécution en cours, puis plus rien ne part", async () => {
    const { deps, s } = scheduler();
    let finished = 0;
    let started = 0;
    s.register({
      name: "longue",
      everyMs: 10,
      firstRunMs: 0,
      run: async () => {
        started++;
        await Bun.sleep(100);
        finished++;
      },
    });
    s.start();
    await until(() => started === 1);
    await s.stop();
    expect(finished).toBe(1);
    expect(lastRun(deps, "longue")!.lastStatus).toBe("ok");
    await Bun.sleep(50);
    expect(started).toBe(1);
    expect(s.list()[0]!.nextRunAt).toBeNull();
  });

  test("noms en double ou invalides refusés ; une tâche ajoutée après le démarrage est planifiée", async () => {
    const { s } = scheduler();
    s.register({ name: "a", everyMs: 1000, run: () => {} });
    expect(() => s.register({ name: "a", everyMs: 1000, run: () => {} })).toThrow("déjà enregistrée");
    expect(() => s.register({ name: "Pas Bon", everyMs: 1000, run: () => {} })).toThrow("invalide");
    expect(() => s.register({ name: "b", everyMs: 0, run: () => {} })).toThrow("intervalle");
    s.start();
    let late = 0;
    s.register({ name: "tardive", everyMs: 1000, firstRunMs: 0, run: () => void late++ });
    await until(() => late === 1);
    await expect(s.runJob("inconnue")).rejects.toThrow("inconnue");
  });
});
