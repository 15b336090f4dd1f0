/** Names and French labels of the business modules: the list the UI navigation and org settings use. */
export interface ModuleInfo {
  name: string;
  label: string;
}

/** Add a module here and in ./index.ts (its routes and services). */
export const MODULES: ModuleInfo[] = [{ name: "epn", label: "Espace public numérique" }];
