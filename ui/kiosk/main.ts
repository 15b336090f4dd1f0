/** Entry point of the kiosk lock screen (bundled by agent/web.ts, served by the agent on 127.0.0.1). */
import { render, h } from "preact";
import { App } from "./app";

render(h(App, {}), document.getElementById("app")!);
