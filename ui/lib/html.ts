/** htm bound to Preact's h: every view writes html`<div>…</div>` instead of JSX. */
import { h } from "preact";
import htm from "htm";

/** Tagged template producing Preact VNodes. */
export const html = htm.bind(h);
