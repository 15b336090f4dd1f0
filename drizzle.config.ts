import { defineConfig } from "drizzle-kit";

// Every module's schema.ts feeds one migration folder, embedded in the binary by scripts/embed-migrations.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: ["./appliance/core/db/schema.ts", "./appliance/modules/*/schema.ts", "./appliance/net/*/schema.ts"],
  out: "./appliance/db/migrations",
});
