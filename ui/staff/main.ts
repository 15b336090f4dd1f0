import { h, render } from "preact";
render(h("p", null, "Guichet"), document.getElementById("app")!);
