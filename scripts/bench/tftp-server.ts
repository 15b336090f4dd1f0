// Guichet's TFTP daemon alone, for scripts/bench/tftp.sh: `bun scripts/bench/tftp-server.ts <root> <port> [workers] [spin µs]`;
// workers = transfers run in blocking worker threads (default 4; 0 = event loop only), spin = the workers' busy
// poll for an ACK before sleeping (default 50; 0 = never). Stops on SIGTERM.
import { TftpService } from "../../appliance/net/tftp/tftp-server";
import { createLogger } from "../../appliance/core/log";

const [root, port, workers, spin] = process.argv.slice(2);
if (!root || !port) throw new Error("usage : tftp-server.ts <dossier> <port> [workers] [spin µs]");
const svc = new TftpService({ root, port: Number(port), host: "127.0.0.1", log: createLogger("warn"), workers: workers === undefined ? undefined : Number(workers), spinMicros: spin === undefined ? undefined : Number(spin) });
await svc.start();
console.log(`prêt ${svc.port} workers=${svc.workerTransfers.max}`);
const stop = async () => {
  await svc.stop();
  console.error(`transferts : ${JSON.stringify({ ...svc.stats, workers: svc.workerTransfers.served })}`);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
