// Live values a panel sent instead of rendering again (src/ShipRoom.Web/Live/LiveCells.cs, LivePatches.cs), and the
// dashboard's charts' new points, in one call per update.
// For each scope (a [data-live-scope] element): how many values its markup has, and the changed ones as slot numbers
// with their values. Each [data-live] element of the scope, in document order, takes one value per name in its
// data-live attribute ("text" when empty): "text" sets its text, any other name that attribute ("" removes it).
// For each chart: its id and the parts js/metric-chart.js `update` takes, one array per part. That module is imported
// here by the same URL the charts import it by, so it is the same instance; only when there are charts, so the values
// do not depend on it.
const attributes = new Set(["class", "title", "aria-label", "data-status", "datetime"]);

// Returns the charts that refused their points and each one's error ([ids, errors]); throws when the values do not fit
// the markup, after the charts took theirs.
export async function apply(scopes, sizes, changed, values, charts = [], x = [], y = [], indices = [], max = [], marks = [], limitValues = [], limitNames = []) {
  let cellsError = null;
  try {
    setCells(scopes, sizes, changed, values);
  } catch (error) {
    cellsError = error;
  }

  const refused = charts.length === 0 ? [] : await updateCharts(charts, x, y, indices, max, marks, limitValues, limitNames);
  if (cellsError) {
    throw cellsError;
  }

  return [refused.map(r => r[0]), refused.map(r => r[1])];
}

async function updateCharts(charts, x, y, indices, max, marks, limitValues, limitNames) {
  let update;
  try {
    ({ update } = await import("./metric-chart.js"));
  } catch (error) {
    return charts.map(id => [id, `js/metric-chart.js did not load: ${error?.message ?? error}`]);
  }

  const results = await Promise.all(charts.map((id, c) => update(id, x[c], y[c], indices[c], max[c], marks[c], limitValues[c], limitNames[c])
    .then(() => null, error => [id, String(error?.message ?? error)])));
  return results.filter(r => r !== null);
}

function setCells(scopes, sizes, changed, values) {
  scopes.forEach((scope, s) => {
    const root = document.querySelector(`[data-live-scope="${scope}"]`);
    if (!root) {
      return; // the panel went away since; its next render has the values
    }

    const slots = [];
    for (const cell of root.querySelectorAll("[data-live]")) {
      for (const slot of (cell.getAttribute("data-live") || "text").split(" ")) {
        if (slot !== "text" && !attributes.has(slot)) {
          throw new Error(`live cells: data-live names "${slot}", which is not a value ShipRoom sets`);
        }

        slots.push([cell, slot]);
      }
    }

    // The markup and the values disagree: change nothing and fail, so the server renders instead (LivePatches).
    if (slots.length !== sizes[s] || changed[s].some(i => i < 0 || i >= slots.length)) {
      throw new Error(`live cells: scope ${scope} has ${slots.length} slots for ${sizes[s]} values`);
    }

    changed[s].forEach((i, k) => {
      const [cell, slot] = slots[i];
      const value = values[s][k];
      if (slot === "text") {
        cell.textContent = value;
      } else if (value === "") {
        cell.removeAttribute(slot);
      } else {
        cell.setAttribute(slot, value);
      }
    });
  });
}
