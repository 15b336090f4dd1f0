/** Statistical dimensions of patrons: socio-professional categories, sex and age bands, with French labels. */

/** INSEE PCS groups, plus the situations EPN reports usually separate (students, job seekers). */
export const CATEGORIES = {
  agriculteur: "Agriculteur exploitant",
  artisan_commercant: "Artisan, commerçant, chef d'entreprise",
  cadre: "Cadre, profession intellectuelle supérieure",
  profession_intermediaire: "Profession intermédiaire",
  employe: "Employé",
  ouvrier: "Ouvrier",
  retraite: "Retraité",
  demandeur_emploi: "Demandeur d'emploi",
  eleve_etudiant: "Élève, étudiant",
  sans_activite: "Autre sans activité professionnelle",
  non_renseigne: "Non renseigné",
} as const;
export type Category = keyof typeof CATEGORIES;

/** Sex is optional; null means "non renseigné". */
export const SEXES = { F: "Femme", M: "Homme", A: "Autre" } as const;
export type Sex = keyof typeof SEXES;

/** Age bands used in the statistics (the first two are minors: stricter filtering applies). */
export const AGE_BANDS = ["moins de 15 ans", "15-17 ans", "18-25 ans", "26-39 ans", "40-59 ans", "60-74 ans", "75 ans et plus"] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The band of someone born in `birthYear`, in `year` (age counted as year difference). */
export function ageBand(birthYear: number | null | undefined, year: number): AgeBand | null {
  if (!birthYear) return null;
  const age = year - birthYear;
  if (age < 15) return "moins de 15 ans";
  if (age < 18) return "15-17 ans";
  if (age < 26) return "18-25 ans";
  if (age < 40) return "26-39 ans";
  if (age < 60) return "40-59 ans";
  if (age < 75) return "60-74 ans";
  return "75 ans et plus";
}

/** Minors get the stricter DNS policy; unknown age counts as adult. */
export function isMinorBand(band: string | null) {
  return band === "moins de 15 ans" || band === "15-17 ans";
}

export function isCategory(x: unknown): x is Category {
  return typeof x === "string" && x in CATEGORIES;
}
export function isSex(x: unknown): x is Sex {
  return typeof x === "string" && x in SEXES;
}
