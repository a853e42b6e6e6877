// Live values a panel sent instead of rendering again (src/ShipRoom.Web/Live/LiveCells.cs).
// patches: [[scope, [value or null, ...]], ...]. Each [data-live] element of the [data-live-scope] element, in document
// order, takes one value per name in its data-live attribute ("text" when empty): "text" sets its text, any other name
// that attribute. null leaves that one as it is.
export function apply(patches) {
  for (const [scope, values] of patches) {
    const root = document.querySelector(`[data-live-scope="${scope}"]`);
    if (!root) {
      continue;
    }

    let next = 0;
    for (const cell of root.querySelectorAll("[data-live]")) {
      for (const slot of (cell.getAttribute("data-live") || "text").split(" ")) {
        if (next >= values.length) {
          return;
        }

        const value = values[next++];
        if (value === null) {
          continue;
        }

        if (slot === "text") {
          cell.textContent = value;
        } else {
          cell.setAttribute(slot, value);
        }
      }
    }
  }
}
