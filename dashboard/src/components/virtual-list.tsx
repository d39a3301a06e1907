import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";

interface Props<T> {
  items: readonly T[];
  /** Fixed height of a row in pixels (rows are laid out absolutely). */
  rowHeight: number;
  /** CSS height of the scrolling box, e.g. "60vh". */
  height: string;
  label: string;
  /** Keep the view at the bottom as items arrive, while the person has not scrolled up. */
  follow?: boolean;
  /** ARIA role of the box ("list" by default; "table" for tabular rows). */
  role?: "list" | "table" | "log";
  header?: JSX.Element;
  /** One row; `item` is an accessor, so a row stays in place (and keeps focus) while its data refreshes. */
  children: (item: () => T, index: number) => JSX.Element;
}

/**
 * Renders only the rows in view (plus a few), so 10,000 messages scroll as smoothly as 10.
 * Rows keep their place in the accessibility tree through aria-rowindex / aria-setsize.
 */
export function VirtualList<T>(props: Props<T>) {
  let box!: HTMLDivElement;
  const [top, setTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  let pinned = true;

  const overscan = 8;
  const range = createMemo(() => {
    const first = Math.max(0, Math.floor(top() / props.rowHeight) - overscan);
    const count = Math.ceil(viewport() / props.rowHeight) + 2 * overscan;
    return { first, last: Math.min(props.items.length, first + count) };
  });
  const visible = createMemo(() => {
    const { first, last } = range();
    const out: number[] = [];
    for (let i = first; i < last; i++) out.push(i);
    return out;
  });

  onMount(() => {
    const ro = new ResizeObserver(() => setViewport(box.clientHeight));
    ro.observe(box);
    onCleanup(() => ro.disconnect());
  });

  // Follow the tail: after the list grows, scroll to the end unless the person scrolled away.
  createEffect(() => {
    const n = props.items.length;
    if (props.follow && pinned && n) requestAnimationFrame(() => (box.scrollTop = box.scrollHeight));
  });

  const onScroll = () => {
    setTop(box.scrollTop);
    pinned = box.scrollTop + box.clientHeight >= box.scrollHeight - props.rowHeight * 1.5;
  };

  const isTable = () => props.role === "table";
  return (
    <div
      class="vlist"
      ref={box}
      style={{ height: props.height }}
      role={props.role ?? "list"}
      aria-label={props.label}
      aria-rowcount={isTable() ? props.items.length : undefined}
      tabindex="0"
      onScroll={onScroll}
    >
      {props.header}
      <div class="vlist-space" style={{ height: `${props.items.length * props.rowHeight}px` }} role="presentation">
        <For each={visible()}>
          {(i) => (
            <div
              class="vlist-row"
              role={isTable() ? "row" : "listitem"}
              aria-rowindex={isTable() ? i + 2 : undefined}
              aria-setsize={isTable() ? undefined : props.items.length}
              aria-posinset={isTable() ? undefined : i + 1}
              style={{ transform: `translateY(${i * props.rowHeight}px)`, height: `${props.rowHeight}px` }}
            >
              <Show when={props.items[i] !== undefined}>{props.children(() => props.items[i] as T, i)}</Show>
            </div>
          )}
        </For>
      </div>
    </div>
  );
}
