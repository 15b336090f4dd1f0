// Guichet's TFTP daemon alone, for scripts/bench/tftp.sh: `bun scripts/bench/tftp-server.ts <root> <port>`; stops on SIGTERM.
import { TftpService } from "../../appliance/net/tftp/tftp-server";
import { createLogger } from "../../appliance/core/log";

const [root, port] = process.argv.slice(2);
if (!root || !port) throw new Error("usage : tftp-server.ts <dossier> <port>");
const svc = new TftpService({ root, port: Number(port), host: "127.0.0.1", log: createLogger("warn") });
await svc.start();
console.log(`prêt ${svc.port}`);
const stop = () => {
  svc.stop();
  console.error(`transferts : ${JSON.stringify(svc.stats)}`);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
