/** Entry point of the staff web UI (bundled by appliance/core/http/ui.ts). */
import { render, h } from "preact";
import { App } from "./app";
import { ApiError } from "../lib/api";
import { toastError } from "../components/toast";

// Safety net: an API error that a view forgot to catch is still shown to the user, in French.
window.addEventListener("unhandledrejection", (e) => {
  if (e.reason instanceof ApiError) {
    e.preventDefault();
    toastError(e.reason);
  }
});

render(h(App, {}), document.getElementById("app")!);
