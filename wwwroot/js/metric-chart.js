// Draws the dashboard's metric charts with Plotly. The server sends each figure as JSON made once per draw and new
// points as plain arrays, so a live dashboard keeps no chart objects and no serializer state of its own on the server.
let loading = null;
let bundleUrl = null;

// Every chart is drawn as soon as its figure is there, so that it is ready before anyone scrolls to it. After that
// Plotly draws a chart only where someone can see it: an update to a chart out of reach of the viewport is set in its
// data and layout and drawn when the chart comes near. The dashboard's charts sit below its first screen, and a wall
// screen showing the gates redrew 8 charts nobody saw on every update: one open dashboard's renderer was busy 606 ms
// per 30 s of live updates, 152 ms with this (docs/benchmarks.md, eleventh round).
const drawn = new WeakSet(); // charts Plotly has drawn at least once
const stale = new Map(); // chart → the config of its next draw (null: the chart's own), for charts whose data moved on
const inReach = new WeakSet(); // charts near the viewport (the watcher says)
let watcher = null;

// A printout shows every panel: each chart with its newest points.
window.addEventListener("beforeprint", () => {
  forget();
  for (const chart of [...stale.keys()]) {
    render(chart).catch(() => {});
  }
});

// Charts drawn once and gone from the page since (another page, another metric) are let go.
function forget() {
  for (const chart of [...stale.keys()]) {
    if (!chart.isConnected && drawn.has(chart)) {
      stale.delete(chart);
    }
  }
}

function watch(chart) {
  watcher ??= new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (entry.isIntersecting && entry.target.isConnected) {
        inReach.add(entry.target);
        if (stale.has(entry.target)) {
          render(entry.target).catch(() => {});
        }
      } else {
        inReach.delete(entry.target);
      }
    }
  }, { rootMargin: "50% 0px" });
  watcher.observe(chart);
}

// The chart is leaving the page: Plotly's resize listener and state, and what this module knew of it, go with it.
function release(chart) {
  if (window.Plotly && drawn.has(chart)) {
    window.Plotly.purge(chart);
  }

  watcher?.unobserve(chart);
  inReach.delete(chart);
  stale.delete(chart);
  forget();
}

// Draws the chart from its own data and layout if they moved on since it was last drawn.
async function render(chart) {
  if (!stale.has(chart)) {
    return;
  }

  // Off the page: an early chart between the prerendered page and the live one, drawn when it is placed again.
  if (!chart.isConnected) {
    return;
  }

  const config = stale.get(chart);
  stale.delete(chart);
  const first = !drawn.has(chart);
  try {
    await load(bundleUrl);
    drawn.add(chart); // before Plotly is done: a second call meanwhile is a react, not another newPlot
    if (first) {
      await window.Plotly.newPlot(chart, chart.data, chart.layout, config ?? undefined);
    } else {
      // No config: Plotly keeps the chart's own (measured: the mode bar stays off, the chart responsive).
      await (config ? window.Plotly.react(chart, chart.data, chart.layout, config) : window.Plotly.react(chart, chart.data, chart.layout));
    }
  } catch (error) {
    if (first) {
      drawn.delete(chart);
    }

    if (!stale.has(chart)) {
      stale.set(chart, config); // drawn again by the next update, or when it comes near
    }

    throw error;
  }
}

// Gives the chart a figure to draw: at once for its first draw or when it is in reach, else when it comes near.
async function show(chart, figure) {
  chart.data = figure.data;
  chart.layout = figure.layout;
  stale.set(chart, figure.config);
  watch(chart);
  if (!drawn.has(chart) || inReach.has(chart)) {
    await render(chart);
  }
}

// Plotly's bundle, put on the page once (js/plotly-early.js starts it while the page connects; a dashboard reached by a
// link inside ShipRoom starts it at its first chart). Resolves when window.Plotly is there.
export function load(bundle) {
  bundleUrl ??= bundle;
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

// Charts drawn from the prerendered page, before the live connection: chart id → { chart, figure (its JSON text, as
// JSON.stringify writes it), drawn (settles when Plotly is done) }. The live render replaces the prerendered page, and
// its first draw of a chart whose figure is the same takes the chart already drawn instead of drawing it again.
const early = new Map();

// Each chart is Plotly's own div, made here inside the div Blazor renders for it ([data-plot]); Blazor never touches
// what it did not render, so a chart drawn on the prerendered page can be moved into the live page's div. Only element
// children are ours: any text Blazor put there stays.
function place(container, chart) {
  for (const old of [...container.children]) {
    if (old !== chart) {
      release(old); // another metric's chart that was here
      old.remove();
    }
  }

  if (chart.parentElement !== container) {
    container.appendChild(chart);
    if (stale.has(chart) && inReach.has(chart)) {
      render(chart).catch(() => {}); // back on the page in reach: the watcher may see no change to report
    }
  }

  return chart;
}

function chartIn(container, id) {
  const chart = document.createElement("div");
  chart.id = id;
  return place(container, chart);
}

// Draws the charts whose figures the prerendered page carries (<script type="application/json" data-figure> in each
// [data-plot] div), while the page connects. Called by js/plotly-early.js once Plotly is loaded.
export async function drawPrerendered() {
  if (document.readyState === "loading") {
    await new Promise(resolve => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  }

  for (const container of document.querySelectorAll("[data-plot]")) {
    // The live page has replaced the prerendered one: it draws the rest.
    if (!container.isConnected) {
      break;
    }

    const id = container.dataset.plot;
    const source = container.querySelector("script[data-figure]");
    if (!source || early.has(id) || document.getElementById(id)) {
      continue;
    }

    let figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch {
      continue; // the live page draws it
    }

    // Written before Plotly sees the figure: Plotly adds to the objects it is given.
    const text = JSON.stringify(figure);
    const chart = chartIn(container, id);
    const drawing = show(chart, figure).then(() => true, () => false);
    early.set(id, { chart, figure: text, drawn: drawing });
    // All in one go: a task of its own per chart let the circuit go live about 120 ms sooner but the last chart
    // about 330 ms later (scripts/bench.sh at 207cf19; docs/benchmarks.md, eighth round).
    await drawing;
  }

  adoptWhenRendered(location.pathname);
}

function resize(chart) {
  if (drawn.has(chart)) {
    window.Plotly.Plots.resize(chart)?.catch?.(() => {}); // a chart not shown has no size to take
  }
}

// The live page's first render replaces the prerendered one, chart divs and all. Each early chart moves into its new
// [data-plot] div as soon as that div is on the page, without waiting for the server's first draw (a round trip per
// chart): that draw then finds the chart there and sends it to Plotly only if its figure changed meanwhile.
function adoptWhenRendered(page) {
  const adopt = () => {
    // Another page of ShipRoom (a link followed before the charts were claimed) has charts of its own.
    if (location.pathname !== page) {
      stop();
      return;
    }

    for (const [id, prerendered] of early) {
      const container = document.querySelector(`[data-plot="${CSS.escape(id)}"]`);
      if (container && container.childElementCount === 0 && !prerendered.chart.isConnected) {
        place(container, prerendered.chart);
        prerendered.adopted = true;
        prerendered.drawn.then(() => resize(prerendered.chart));
      }
    }

    // Done once every early chart is in the live page (connected alone is not enough: the prerendered page is too).
    if ([...early.values()].every(prerendered => prerendered.adopted)) {
      observer.disconnect();
    }
  };

  // Charts no live draw has claimed by then are let go, with Plotly's resize listener.
  const stop = () => {
    observer.disconnect();
    for (const [id, prerendered] of early) {
      if (!prerendered.chart.isConnected) {
        release(prerendered.chart);
        early.delete(id);
      }
    }
  };

  const observer = new MutationObserver(adopt);
  observer.observe(document.body, { childList: true, subtree: true });
  adopt(); // the live page may already be there
  setTimeout(stop, 60_000);
}

// A whole figure: the first draw, or a redraw (another theme, a revised point, a limit line that comes or goes).
export async function draw(bundle, id, figure) {
  bundleUrl = bundle;
  const container = document.querySelector(`[data-plot="${CSS.escape(id)}"]`);
  if (!container) {
    return;
  }

  const prerendered = early.get(id);
  if (prerendered) {
    // The first draw of a chart drawn from the prerendered page: kept as it is when the figure is the same, and given
    // the new figure when not.
    early.delete(id);
    const same = await prerendered.drawn && prerendered.figure === JSON.stringify(figure);
    if (!prerendered.chart.isConnected) {
      if (!same) {
        release(prerendered.chart);
      } else {
        place(container, prerendered.chart);
        resize(prerendered.chart);
        return;
      }
    } else if (same && container.contains(prerendered.chart)) {
      return;
    }
  }

  let chart = document.getElementById(id);
  if (!chart || !container.contains(chart)) {
    chart = chartIn(container, id);
  }

  await show(chart, figure);
}

// What changed since the last call: new points of the control and canary traces (x times and y values, one array per
// trace, keeping max[i] points of trace indices[i], the oldest dropped), the layout's marks when a phase line or the
// shading's start moved ({ shapes }), and the limit's value and name when the next phase changed them; any may be empty.
// What follows the canary series by the figure's rules (MetricChartModel) is moved here, not sent: the dashed limit
// (trace 2) spans it, first point to last, and the observation window's shading (the last shape, a rect) ends at its
// newest point.
// All of it is set in the chart's own data and layout, then drawn by one Plotly.react (a new datarevision says the
// data changed in place), now if the chart is in reach, else when it comes near. Plotly.extendTraces and
// Plotly.relayout were a full redraw each, about 10 and 12 ms a chart on this machine: most of the browser's time per
// update for a dashboard of 8 charts (docs/benchmarks.md, tenth round).
export async function update(id, x, y, indices, max, marks, limitValue, limitName) {
  const chart = document.getElementById(id);
  if (!chart || !Array.isArray(chart.data)) {
    return;
  }

  indices.forEach((index, i) => {
    const trace = chart.data[index];
    trace.x = keepLast(Array.from(trace.x ?? []).concat(x[i]), max[i]);
    trace.y = keepLast(Array.from(trace.y ?? []).concat(y[i]), max[i]);
  });
  if (marks?.shapes) {
    chart.layout.shapes = marks.shapes;
  }

  const times = chart.data[1]?.x ?? [];
  const newest = times[times.length - 1];
  const limit = chart.data[2];
  if (limit && newest !== undefined) {
    const value = limitValue ?? limit.y[0];
    limit.x = [times[0], newest];
    limit.y = [value, value];
    if (limitName) {
      limit.name = limitName; // what hovering the line shows
    }
  }

  const shapes = chart.layout.shapes ?? [];
  const shading = shapes[shapes.length - 1];
  if (shading?.type === "rect" && newest !== undefined) {
    shading.x1 = newest;
  }

  chart.layout.datarevision = (chart.layout.datarevision ?? 0) + 1;
  if (!stale.has(chart)) {
    stale.set(chart, null);
  }

  if (inReach.has(chart)) {
    await render(chart);
  }
}

function keepLast(values, count) {
  return values.length > count ? values.slice(values.length - count) : values;
}

// Saves a chart as a PNG. The page shows each chart's title and key as its own text, not inside Plotly, so the picture
// is drawn from the chart's data and layout with Plotly's title and legend put back: a saved chart says what it shows.
export async function savePng(id, title, fileName, width, height) {
  const chart = document.getElementById(id);
  if (!chart || !Array.isArray(chart.data)) {
    throw new Error(`chart ${id} is not drawn yet`);
  }

  await render(chart); // its newest points, if it has not been drawn since they came

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
  if (chart) {
    release(chart);
  }
}
