// Saves a dashboard chart as a PNG. The page shows each chart's title and key as its own text, not inside Plotly, so
// the picture is drawn from the chart's data and layout with Plotly's title and legend put back: a saved chart says
// what it shows on its own.
export async function savePng(id, title, fileName, width, height) {
  const chart = document.getElementById(id);
  if (!window.Plotly || !chart || !Array.isArray(chart.data)) {
    throw new Error(`chart ${id} is not drawn yet`);
  }

  const margin = Object.assign({}, chart.layout.margin, { t: 40 });
  const layout = Object.assign({}, chart.layout, {
    title: { text: title, font: { size: 13 } },
    showlegend: true,
    legend: { orientation: "h", y: -0.25 },
    margin,
  });
  await window.Plotly.downloadImage({ data: chart.data, layout }, { format: "png", width, height, filename: fileName });
}
