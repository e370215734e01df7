// Draws monitoring's charts with Chart.js from the JSON beside each canvas. Every chart has its
// figures in a table next to it; the canvas is a picture of that table.
(function () {
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var kind = canvas.dataset.kind || "bar";
    var spark = canvas.dataset.spark === "1";
    new Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: [{ label: canvas.dataset.label || "", data: data.values, borderColor: "#0b5ed7",
                     backgroundColor: kind === "bar" ? "#6ea8fe" : "rgba(11,94,215,0.15)", spanGaps: true,
                     pointRadius: spark ? 0 : 3, tension: 0.2, fill: kind === "line" }]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        indexAxis: canvas.dataset.horizontal === "1" ? "y" : "x",
        plugins: { legend: { display: false }, tooltip: { enabled: !spark } },
        scales: spark ? { x: { display: false }, y: { display: false } } : { y: { beginAtZero: true } }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-source]").forEach(draw);
  });
})();
