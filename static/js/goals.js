// Draws a goal's progress with Chart.js: the actual figure against the straight path from the
// baseline to the target. The same numbers stand in the table below the canvas.
(function () {
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.goalChart);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.actual_label, data: data.actual, borderColor: "#0b5ed7", backgroundColor: "#0b5ed7",
            spanGaps: true, pointRadius: 3, tension: 0.1 },
          { label: data.expected_label, data: data.expected, borderColor: "#6c757d", borderDash: [6, 4],
            pointRadius: 0, fill: false }
        ]
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-goal-chart]").forEach(draw);
  });
})();
