// A row added to a sortable inline (steps, routine items) joins the drag-and-drop
// order at once: it gets the next position and a drag handle, so a new step can be
// dragged between two others before the first save. django-admin-sortable2 only
// makes saved rows draggable, and numbers every draggable row after a drop.
"use strict";
document.addEventListener("formset:added", (event) => {
  const row = event.target;
  const fieldset = row.closest("fieldset.sortable");
  if (!fieldset || !row.matches("tr")) {
    return;
  }
  const positions = Array.from(
    fieldset.querySelectorAll("tr.has_original input._reorder_"),
    (input) => Number(input.value) || 0,
  );
  const input = row.querySelector("input._reorder_");
  if (input) {
    input.value = String(Math.max(0, ...positions) + 1);
  }
  const cell = row.querySelector("td.original");
  if (cell && !cell.querySelector("p")) {
    const handle = document.createElement("p");
    handle.title = "Drag to move";
    cell.append(handle);
  }
  row.classList.add("has_original");
});
