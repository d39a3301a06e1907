/** One file of the built dashboard, embedded in the binary (see dashboard/embed.ts). */
export interface DashboardAsset {
  /** URL path, starting with "/" (e.g. "/index.html", "/assets/index-3f2a.js"). */
  path: string;
  /** Path Bun gives an embedded file (under /$bunfs in the compiled binary). */
  file: string;
  /** Content-Type header value. */
  type: string;
}
