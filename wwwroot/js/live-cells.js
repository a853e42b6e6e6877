// Live values a panel sent instead of rendering again (src/ShipRoom.Web/Live/LiveCells.cs).
// patches: [[scope, [value or null, ...]], ...]; the n-th value belongs to the n-th [data-live] element of the
// [data-live-scope] element, in document order; null leaves that element as it is.
// data-live="title" or "class" sets that attribute; any other data-live sets the element's text.
export function apply(patches) {
  for (const [scope, values] of patches) {
    const root = document.querySelector(`[data-live-scope="${scope}"]`);
    if (!root) {
      continue;
    }

    const cells = root.querySelectorAll("[data-live]");
    const count = Math.min(cells.length, values.length);
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (value === null) {
        continue;
      }

      const cell = cells[i];
      const what = cell.getAttribute("data-live");
      if (what === "title" || what === "class") {
        cell.setAttribute(what, value);
      } else {
        cell.textContent = value;
      }
    }
  }
}
