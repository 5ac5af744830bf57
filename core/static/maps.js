/* The site's maps (core.services.maps), drawn with Leaflet over what already works without
   JavaScript: a place picker fills the latitude and longitude fields of a form, and a map of
   points draws the same items as the list printed beside it. The options (tiles, credit, where
   the map opens, words) come from the element's data attributes; nothing is written inline, so
   the Content-Security-Policy stays strict. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function numbers(text) {
    return (text || "").split(",").filter(Boolean).map(Number);
  }

  function createMap(holder) {
    var data = holder.dataset;
    holder.hidden = false;
    var map = L.map(holder, { zoomControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var bounds = numbers(data.bounds);
    if (bounds.length === 4) {
      map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
    } else {
      map.setView(numbers(data.centre), Number(data.zoom));
    }
    if (data.boundariesUrl) {
      fetch(data.boundariesUrl, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (collection) {
          if (!collection || !collection.features.length) { return; }
          L.geoJSON(collection, {
            style: function () { return { className: "map-boundary" }; },
            onEachFeature: function (feature, area) {
              area.bindTooltip(feature.properties.name, { sticky: true, className: "map-tooltip" });
            }
          }).addTo(map).bringToBack();
        })
        .catch(function () { /* the map still shows its points */ });
    }
    return map;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var name = document.createElement(properties.url ? "a" : "strong");
    if (properties.url) { name.href = properties.url; }
    name.textContent = properties.title;
    box.appendChild(name);
    [properties.status, properties.place].forEach(function (text) {
      if (!text) { return; }
      var line = document.createElement("p");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function features(holder) {
    if (holder.dataset.features) { return Promise.resolve(JSON.parse(holder.dataset.features)); }
    return fetch(holder.dataset.featuresUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); });
  }

  function mapOfPoints(holder) {
    var map = createMap(holder);
    features(holder)
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, point) {
            return L.circleMarker(point, {
              radius: 8, weight: 2, fillOpacity: 0.85,
              className: "map-mark map-mark-" + (feature.properties.tone || "neutral")
            });
          },
          onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature.properties)); }
        }).addTo(map);
        var around = holder.dataset.aroundPoints || !numbers(holder.dataset.bounds).length;
        if (around && collection.features.length) {
          map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [24, 24] });
        }
      });
  }

  function placePicker(box) {
    var data = box.dataset;
    var latitude = document.getElementById(data.latitude);
    var longitude = document.getElementById(data.longitude);
    var neighbourhood = data.neighbourhood ? document.getElementById(data.neighbourhood) : null;
    var suggestion = box.querySelector("[data-suggestion]");
    var holder = box.querySelector("[data-map]");
    var map = createMap(holder);
    var marker = null;

    function suggest(point) {
      if (!neighbourhood || !data.suggestUrl) { return; }
      var url = data.suggestUrl + "?latitude=" + point.lat + "&longitude=" + point.lng;
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (found) {
          if (!found.id) { suggestion.textContent = ""; return; }
          var option = neighbourhood.querySelector('option[value="' + found.id + '"]');
          if (!option) { return; }
          if (!neighbourhood.value || neighbourhood.value === "0") {
            neighbourhood.value = String(found.id);
            suggestion.textContent = data.chosen.replace("{name}", found.name);
          } else if (neighbourhood.value !== String(found.id)) {
            suggestion.textContent = data.elsewhere.replace("{name}", found.name);
          } else {
            suggestion.textContent = "";
          }
        })
        .catch(function () { suggestion.textContent = ""; });
    }

    function place(point, fromFields) {
      if (!marker) {
        marker = L.marker(point, { draggable: true, title: data.markerTitle, alt: data.markerTitle }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(point);
      }
      if (!fromFields) {
        latitude.value = point.lat.toFixed(6);
        longitude.value = point.lng.toFixed(6);
      }
      suggest(point);
    }

    function fromFields() {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lng = parseFloat(longitude.value.replace(",", "."));
      if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(L.latLng(lat, lng), true);
        return true;
      }
      return false;
    }

    map.on("click", function (event) { place(event.latlng, false); });
    latitude.addEventListener("change", fromFields);
    longitude.addEventListener("change", fromFields);
    if (fromFields()) { map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16)); }
  }

  document.querySelectorAll("[data-place-picker]").forEach(placePicker);
  document.querySelectorAll(".map[data-map]:not(.map-picker)").forEach(function (holder) {
    if (holder.dataset.featuresUrl || holder.dataset.features) { mapOfPoints(holder); } else { createMap(holder); }
  });
}());
