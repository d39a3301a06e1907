import { createSignal } from "solid-js";

/** The page path, kept in step with the address bar (history API; the server answers index.html for any page). */
const [path, setPath] = createSignal(location.pathname);
export { path };

addEventListener("popstate", () => setPath(location.pathname));

export function navigate(to: string): void {
  if (to === location.pathname) return;
  history.pushState(null, "", to);
  setPath(to);
  scrollTo(0, 0);
  // Tell keyboard and screen-reader users the page changed: focus the new view's main region.
  requestAnimationFrame(() => document.getElementById("main")?.focus({ preventScroll: true }));
}

/** Click handler for in-app links: plain clicks navigate in place, modified clicks open as usual. */
export function linkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLElement).closest("a");
  if (!a || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname);
}
