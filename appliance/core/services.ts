/** Platform services started after HTTP (mail sender, job scheduler) and the core routes that need them. */
import type { Elysia } from "elysia";
import type { Deps } from "./context";
import type { Service, ServiceManager } from "./service";
import { MailSender } from "./mail/sender";
import { mailRoutes } from "./mail/routes";
import { JobScheduler, type JobDef } from "./jobs/scheduler";
import { CORE_JOBS } from "./jobs/core-jobs";
import { jobRoutes } from "./jobs/routes";
import { notificationRoutes } from "./notify/routes";
import { liveRoutes } from "./notify/live";
import { dashboardRoutes } from "./dashboard/routes";
import { MODULES, WIRING, type ModuleWiring } from "../modules";

export interface CoreWiring {
  services: { service: Service; disabled?: boolean }[];
  routes: Elysia<any, any, any, any, any, any, any>[];
  mail: MailSender;
  jobs: JobScheduler;
}

/** Builds the platform services and routes; nothing here connects or listens, so nothing here can stop the start. */
export function coreServices(deps: Deps, _manager?: ServiceManager, modules: ModuleWiring[] = WIRING): CoreWiring {
  const mail = new MailSender(deps);
  if (!mail.smtpUrl) deps.log.warn("GUICHET_SMTP_URL non défini : les e-mails restent en file d'attente et partiront une fois le serveur SMTP configuré.");
  const jobs = new JobScheduler(deps);
  const register = (j: JobDef, owner: string) => {
    try {
      jobs.register(j);
    } catch (e) {
      // A module's faulty job definition is logged, not fatal: the rest of the appliance still starts.
      deps.log.error(`tâche « ${j.name} » de ${owner} ignorée : ${(e as Error).message}`);
    }
  };
  for (const j of CORE_JOBS) register(j, "la plateforme");
  for (const w of modules) for (const j of w.jobs?.(deps) ?? []) register(j, `module ${w.name}`);
  const providers = modules.map((w) => ({ name: w.name, label: MODULES.find((m) => m.name === w.name)?.label, dashboard: w.dashboard }));
  return {
    services: [{ service: mail, disabled: !mail.smtpUrl }, { service: jobs }],
    routes: [mailRoutes(deps, mail), notificationRoutes(deps), liveRoutes(deps), jobRoutes(deps, jobs), dashboardRoutes(deps, providers)],
    mail,
    jobs,
  };
}
