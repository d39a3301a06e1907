import { render } from "solid-js/web";
import { captureToken, setToken } from "./api/auth.ts";
import { App } from "./app.tsx";
import "./styles.css";

setToken(captureToken());
render(() => <App />, document.getElementById("app")!);
