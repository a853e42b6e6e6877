// Draws the dashboard's metric charts with Plotly. The server sends each figure as JSON made once per draw and new
// points as plain arrays, so a live dashboard keeps no chart objects and no serializer state of its own on the server.
let loading = null;

// Plotly's bundle, put on the page once (js/plotly-early.js starts it while the page connects; a dashboard reached by a
// link inside ShipRoom starts it at its first chart). Resolves when window.Plotly is there.
export function load(bundle) {
  if (window.Plotly) {
    return Promise.resolve();
  }

  loading ??= new Promise((resolve, reject) => {
    let script = document.getElementById("plotly-bundle");
    if (!script) {
      script = document.createElement("script");
      script.id = "plotly-bundle";
      script.src = bundle;
      script.async = true;
      document.head.appendChild(script);
    }

    script.addEventListener("load", () => window.Plotly ? resolve() : reject(new Error(`${bundle} loaded without Plotly`)), { once: true });
    script.addEventListener("error", () => {
      script.remove(); // the next load asks again
      reject(new Error(`${bundle} did not load`));
    }, { once: true });
    if (window.Plotly) {
      resolve();
    }
  }).catch(error => {
    loading = null;
    throw error;
  });
  return loading;
}

// A whole figure: the first draw, or a redraw (another theme, a revised point, a new limit).
export async function draw(bundle, id, figure) {
  await load(bundle);
  const chart = document.getElementById(id);
  if (chart) {
    await window.Plotly.react(chart, figure.data, figure.layout, figure.config);
  }
}

// What changed since the last call: new points of some traces (x times and y values, one array per trace, keeping
// max[i] points of trace indices[i]) and the layout's marks (Plotly.relayout's argument), either may be empty.
export async function update(id, x, y, indices, max, marks) {
  const chart = document.getElementById(id);
  if (!chart || !Array.isArray(chart.data)) {
    return;
  }

  if (indices.length > 0) {
    await window.Plotly.extendTraces(chart, { x, y }, indices, max);
  }

  if (marks) {
    await window.Plotly.relayout(chart, marks);
  }
}

// Saves a chart as a PNG. The page shows each chart's title and key as its own text, not inside Plotly, so the picture
// is drawn from the chart's data and layout with Plotly's title and legend put back: a saved chart says what it shows.
export async function savePng(id, title, fileName, width, height) {
  const chart = document.getElementById(id);
  if (!window.Plotly || !chart || !Array.isArray(chart.data)) {
    throw new Error(`chart ${id} is not drawn yet`);
  }

  const margin = Object.assign({}, chart.layout.margin, { t: 40 });
  const layout = Object.assign({}, chart.layout, {
    title: { text: title, font: { size: 13 } },
    showlegend: true,
    legend: { orientation: "h", y: -0.14 },
    margin,
  });
  await window.Plotly.downloadImage({ data: chart.data, layout }, { format: "png", width, height, filename: fileName });
}

// The chart's div is going: Plotly's window resize listener and its state go with it.
export function purge(id) {
  const chart = document.getElementById(id);
  if (chart && window.Plotly) {
    window.Plotly.purge(chart);
  }
}
