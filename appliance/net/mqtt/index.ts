/** The kiosk link daemon's wiring: the MQTT service (off when GUICHET_MQTT_PORT=0) and its routes. */
import type { DaemonWiring } from "../index";
import { MqttService } from "./daemon";
import { mqttRoutes } from "./routes";

export const mqttDaemon: DaemonWiring = {
  name: "mqtt",
  service: (deps) => (deps.config.mqttPort === 0 ? null : new MqttService(deps)),
  routes: (deps) => mqttRoutes(deps),
};
