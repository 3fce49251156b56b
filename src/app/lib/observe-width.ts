/**
 * Calls `onWidth` with an element's new width once resizing settles (debounced), ignoring
 * widths below `minWidth` (collapsed or hidden panels). Returns the disposer. Charts use it
 * to resize instead of re-creating themselves on every layout change.
 */
export function observeWidth(
  el: Element,
  initialWidth: number,
  minWidth: number,
  onWidth: (width: number) => void,
  debounceMs = 150,
): () => void {
  let last = initialWidth;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observer = new ResizeObserver((entries) => {
    const w = Math.floor(entries[0]?.contentRect.width ?? last);
    if (w === last || w < minWidth) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      last = w;
      onWidth(w);
    }, debounceMs);
  });
  observer.observe(el);
  return () => {
    clearTimeout(timer);
    observer.disconnect();
  };
}
