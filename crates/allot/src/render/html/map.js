// allot interactive map: pan/zoom by the SVG viewBox, hover, click panel, zone table, layers,
// search, print. Every value from the data goes into the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var box = document.getElementById("map-box");
  var svg = box.querySelector("svg");
  var hover = document.getElementById("hover");

  function fmt(x, d) {
    return Number(x).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function areaText(acres) {
    return fmt(acres, 2) + " ac · " + fmt(acres * 0.40468564224, 2) + " ha · " + fmt(acres * 4046.8564224, 0) + " m²";
  }
  function text(el, s) { el.textContent = s == null ? "" : String(s); return el; }
  function make(tag, s) { return text(document.createElement(tag), s); }

  // ---- Parcels under the pointer ----
  // The map draws each class as one path (fast to load however many parcels there are); the
  // parcels' own rings come in the data as short strings (html/rings.rs says how they are
  // encoded), decoded when needed: once for all parcels into a grid of their boxes, built on
  // first use, which finds the parcels near a point; then only those parcels' rings.
  var P = data.parcels, grid = null, boxes = null, cell = 1, gx = 0, gy = 0, cols = 1, rows = 1;
  var DIGIT = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, v) {
    DIGIT[c.charCodeAt(0)] = v;
  });
  // Parcel i's rings: one array per ring, [x0, y0, x1, y1, …] in tenths of a pixel.
  function rings(i) {
    var s = P[i].g || "", out = [], r = [], z = 0, shift = 0, x = 0, y = 0, odd = false;
    for (var k = 0; k < s.length; k++) {
      var c = s.charCodeAt(k);
      if (c === 32) { out.push(r); r = []; continue; }
      var d = DIGIT[c];
      z += (d & 31) * Math.pow(2, shift);
      shift += 5;
      if (d < 32) {
        var v = z % 2 ? -(z + 1) / 2 : z / 2;
        if (odd) { y += v; r.push(x, y); } else { x += v; }
        odd = !odd; z = 0; shift = 0;
      }
    }
    if (r.length) out.push(r);
    return out;
  }
  function boxOfRings(rs) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    rs.forEach(function (r) {
      for (var k = 0; k + 1 < r.length; k += 2) {
        if (r[k] < b[0]) b[0] = r[k];
        if (r[k + 1] < b[1]) b[1] = r[k + 1];
        if (r[k] > b[2]) b[2] = r[k];
        if (r[k + 1] > b[3]) b[3] = r[k + 1];
      }
    });
    return b;
  }
  function boxOf(i) { return boxOfRings(rings(i)); }
  function buildGrid() {
    boxes = P.map(function (p, i) { return boxOf(i); });
    var all = [Infinity, Infinity, -Infinity, -Infinity];
    boxes.forEach(function (b) {
      all = [Math.min(all[0], b[0]), Math.min(all[1], b[1]), Math.max(all[2], b[2]), Math.max(all[3], b[3])];
    });
    if (!(all[2] >= all[0])) { grid = []; return; }
    gx = all[0]; gy = all[1];
    cell = Math.max(1, Math.sqrt((all[2] - gx + 1) * (all[3] - gy + 1) / Math.max(1, P.length)) * 2);
    cols = Math.floor((all[2] - gx) / cell) + 1; rows = Math.floor((all[3] - gy) / cell) + 1;
    grid = new Array(cols * rows);
    boxes.forEach(function (b, i) {
      if (!(b[2] >= b[0])) return;
      for (var r = Math.floor((b[1] - gy) / cell); r <= Math.floor((b[3] - gy) / cell); r++) {
        for (var c = Math.floor((b[0] - gx) / cell); c <= Math.floor((b[2] - gx) / cell); c++) {
          (grid[r * cols + c] = grid[r * cols + c] || []).push(i);
        }
      }
    });
  }
  function inside(rs, x, y) {
    var n = false;
    rs.forEach(function (r) {
      for (var k = 0, j = r.length - 2; k + 1 < r.length; j = k, k += 2) {
        if ((r[k + 1] > y) !== (r[j + 1] > y) && x < (r[j] - r[k]) * (y - r[k + 1]) / (r[j + 1] - r[k + 1]) + r[k]) n = !n;
      }
    });
    return n;
  }
  // The parcel drawn last (on top) under a point of the drawing, or -1: the parcels whose box
  // holds the point, tested on their rings, the last first.
  function hit(x, y) {
    if (!grid) buildGrid();
    var tx = x * 10, ty = y * 10, c = Math.floor((tx - gx) / cell), r = Math.floor((ty - gy) / cell);
    if (c < 0 || r < 0 || c >= cols || r >= rows) return -1;
    var list = grid[r * cols + c] || [];
    for (var k = list.length - 1; k >= 0; k--) {
      var i = list[k], b = boxes[i];
      if (tx >= b[0] && tx <= b[2] && ty >= b[1] && ty <= b[3] && inside(rings(i), tx, ty)) return i;
    }
    return -1;
  }
  function pathOf(list) {
    var d = [];
    list.forEach(function (i) {
      rings(i).forEach(function (r) {
        for (var k = 0; k + 1 < r.length; k += 2) d.push((k ? "L" : "M") + r[k] / 10 + " " + r[k + 1] / 10);
        d.push("Z");
      });
    });
    return d.join("");
  }
  // Highlight shapes drawn over the map (inside its clip), never in the way of the pointer.
  var NS = svg.namespaceURI;
  var layer = document.createElementNS(NS, "g");
  layer.setAttribute("id", "highlights");
  (svg.querySelector("#map") || svg).appendChild(layer);
  function overlay(id) {
    var el = document.createElementNS(NS, "path");
    el.setAttribute("id", id);
    el.setAttribute("d", "");
    layer.appendChild(el);
    return el;
  }
  var zoneShape = overlay("zone-hl"), hoverShape = overlay("hover-shape"), selShape = overlay("sel-shape");
  function show(el, list) {
    el.setAttribute("d", pathOf(list));
    el.setAttribute("data-parcels", String(list.length));
  }

  // ---- Pan and zoom (the viewBox) ----
  // The drawing's own coordinates (its viewBox; a page map is sized in mm, drawn in px).
  var base = svg.viewBox && svg.viewBox.baseVal;
  var w0 = base && base.width ? base.width : parseFloat(svg.getAttribute("width"));
  var h0 = base && base.height ? base.height : parseFloat(svg.getAttribute("height"));
  var home = [0, 0, w0, h0];
  var vb = home.slice();
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  function apply() { svg.setAttribute("viewBox", vb.join(" ")); }
  apply();
  function toSvg(clientX, clientY) {
    var p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    var m = svg.getScreenCTM();
    return m ? p.matrixTransform(m.inverse()) : { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2 };
  }
  function zoom(f, cx, cy) {
    var nw = Math.min(Math.max(vb[2] * f, w0 / 200), w0 * 4), k = nw / vb[2];
    vb = [cx - (cx - vb[0]) * k, cy - (cy - vb[1]) * k, nw, vb[3] * k];
    apply();
  }
  function zoomCentre(f) { zoom(f, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2); }
  box.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = toSvg(e.clientX, e.clientY);
    zoom(e.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
  }, { passive: false });
  document.getElementById("zoom-in").onclick = function () { zoomCentre(0.7); };
  document.getElementById("zoom-out").onclick = function () { zoomCentre(1 / 0.7); };
  document.getElementById("zoom-reset").onclick = function () { vb = home.slice(); apply(); };

  var pointers = {}, drag = null, pinch = null, moved = false;
  box.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = [e.clientX, e.clientY];
    var ids = Object.keys(pointers);
    if (ids.length === 1) { drag = toSvg(e.clientX, e.clientY); moved = false; }
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = Math.hypot(a[0] - b[0], a[1] - b[1]); drag = null;
    }
  });
  box.addEventListener("pointermove", function (e) {
    if (!(e.pointerId in pointers)) return;
    pointers[e.pointerId] = [e.clientX, e.clientY];
    var ids = Object.keys(pointers);
    if (ids.length === 2 && pinch) {
      var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      var c = toSvg((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      if (d > 0) zoom(pinch / d, c.x, c.y);
      pinch = d;
    } else if (drag) {
      var p = toSvg(e.clientX, e.clientY);
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 0.5) { moved = true; box.classList.add("dragging"); }
      vb[0] -= p.x - drag.x; vb[1] -= p.y - drag.y; apply();
    }
  });
  function up(e) {
    delete pointers[e.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    if (Object.keys(pointers).length === 0) { drag = null; box.classList.remove("dragging"); }
  }
  box.addEventListener("pointerup", up);
  box.addEventListener("pointercancel", up);

  // ---- Hover and click ----
  function at(e) { var p = toSvg(e.clientX, e.clientY); return hit(p.x, p.y); }
  svg.addEventListener("pointermove", function (e) {
    if (drag) return;
    var i = at(e);
    show(hoverShape, i < 0 ? [] : [i]);
    text(hover, i < 0 ? "" : P[i].id + " · " + fmt(P[i].acres, 2) + " ac");
  });
  svg.addEventListener("pointerleave", function () { show(hoverShape, []); text(hover, ""); });
  svg.addEventListener("click", function (e) {
    if (moved) { moved = false; return; }
    var i = at(e);
    if (i >= 0) select(i, false);
  });
  function select(i, centre) {
    var p = P[i];
    show(selShape, [i]);
    var panel = document.getElementById("panel");
    panel.hidden = false;
    text(document.getElementById("panel-title"), p.id);
    var t = document.getElementById("panel-table");
    t.textContent = "";
    function row(k, v) {
      var tr = document.createElement("tr");
      tr.appendChild(make("th", k)); tr.appendChild(make("td", v));
      t.appendChild(tr);
    }
    row("id", p.id);
    row("area", areaText(p.acres));
    var c = data.classes[p["class"]];
    if (c) row(data.heading, c.name);
    Object.keys(p.props).forEach(function (k) {
      var v = p.props[k];
      row(k, typeof v === "string" ? v : JSON.stringify(v));
    });
    var b = boxOf(i);
    if (centre && b[2] >= b[0]) {
      var bw = (b[2] - b[0]) / 10, bh = (b[3] - b[1]) / 10, s = Math.max(bw, bh, 20) * 6;
      vb = [b[0] / 10 + bw / 2 - s / 2, b[1] / 10 + bh / 2 - s * h0 / w0 / 2, s, s * h0 / w0];
      apply();
    }
  }

  // ---- Zone table ----
  text(document.getElementById("zones-heading"), data.heading);
  var zt = document.getElementById("zones");
  data.classes.forEach(function (c, k) {
    var tr = document.createElement("tr");
    var name = document.createElement("td");
    var sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = /^#[0-9A-F]{6}$/.test(c.colour) ? c.colour : "#DDDDDD";
    name.appendChild(sw);
    name.appendChild(document.createTextNode(c.name));
    tr.appendChild(name);
    tr.appendChild(make("td", fmt(c.acres, 1) + " ac"));
    tr.appendChild(make("td", c.parcels + " parcels"));
    tr.onclick = function () {
      var on = !tr.classList.contains("active");
      zt.querySelectorAll("tr").forEach(function (r) { r.classList.remove("active"); });
      var list = [];
      if (on) {
        tr.classList.add("active");
        P.forEach(function (p, i) { if (p["class"] === k) list.push(i); });
      }
      show(zoneShape, list);
    };
    zt.appendChild(tr);
  });

  // ---- Layers ----
  var layerClass = { parcels: "hide-parcels", outlines: "no-outlines", labels: "hide-labels", findings: "hide-findings" };
  document.querySelectorAll("#layers input").forEach(function (cb) {
    cb.onchange = function () { box.classList.toggle(layerClass[cb.getAttribute("data-layer")], !cb.checked); };
  });

  // ---- Search ----
  var search = document.getElementById("search");
  function find() {
    var q = search.value.trim().toLowerCase(), found = -1;
    if (q) {
      for (var i = 0; i < data.parcels.length && found < 0; i++) {
        if (String(data.parcels[i].id).toLowerCase() === q) found = i;
      }
      for (var j = 0; j < data.parcels.length && found < 0; j++) {
        var p = data.parcels[j];
        if (String(p.id).toLowerCase().indexOf(q) >= 0 || (p.name && String(p.name).toLowerCase().indexOf(q) >= 0)) found = j;
      }
    }
    text(document.getElementById("search-result"), found < 0 ? (q ? "No parcel matches." : "") : "Found " + data.parcels[found].id);
    if (found >= 0) select(found, true);
    return found;
  }
  document.getElementById("search-go").onclick = find;
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") find(); });

  document.getElementById("print").onclick = function () { window.print(); };
  window.allotMap = { select: select, find: find, hit: hit };
})();
