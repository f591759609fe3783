/*
 * Histoscope's deep-zoom slide viewer: OpenSeadragon (loaded before this file) showing the slide's DZI tiles, with
 * the prediction's tile probabilities drawn as simple images in slide coordinates (a colour map, an outline of the
 * tiles at or above the threshold, and on request the tissue mask: the border of the tiles the tissue detector
 * classified). Opacity and visibility change without reloading any tile; a click on the slide reports the tile
 * under it.
 */
(function () {
  'use strict';

  /**
   * The colour of a probability from the palette the server sends (inference.HeatmapScale, the one colour scheme of
   * heatmaps, legends and the PDF); the same blue-to-red hue scale when none was sent.
   */
  function colour(p, palette) {
    var q = Math.max(0, Math.min(1, p));
    if (palette && palette.length > 1) {
      return palette[Math.round(q * (palette.length - 1))];
    }
    return 'hsl(' + ((1 - q) * 240).toFixed(1) + ',100%,50%)';
  }

  /** Pixels per grid cell in the overlay images: crisp cell edges, at most about 4096 pixels a side. */
  function cellPixels(grid) {
    return Math.max(1, Math.min(16, Math.floor(4096 / Math.max(grid.columns, grid.rows))));
  }

  /** Coloured by the smoothed map (what the slide score is computed from) when the server sent one. */
  function heatmapUrl(grid, k, palette) {
    var canvas = document.createElement('canvas');
    canvas.width = grid.columns * k;
    canvas.height = grid.rows * k;
    var g = canvas.getContext('2d');
    var shown = grid.smoothed || grid.probabilities;
    for (var i = 0; i < shown.length; i++) {
      var p = shown[i];
      if (p === null) continue; // background: not classified
      g.fillStyle = colour(p, palette);
      g.fillRect((i % grid.columns) * k, Math.floor(i / grid.columns) * k, k, k);
    }
    return canvas.toDataURL('image/png');
  }

  /**
   * The border of the region of tiles at or above the tile threshold, on the smoothed map the colours show (the raw
   * map when the server sent no smoothed one): edges between a positive and another cell.
   */
  function outlineUrl(grid, threshold, k) {
    var shown = grid.smoothed || grid.probabilities;
    return borderUrl(grid, k, '#000000', function (p) { return p !== null && p >= threshold; }, shown);
  }

  /** Tiles whose flags match {@code mask}: hatched in {@code colour} with a border. */
  function flagsUrl(grid, k, colour, mask) {
    var canvas = document.createElement('canvas');
    canvas.width = grid.columns * k;
    canvas.height = grid.rows * k;
    var g = canvas.getContext('2d');
    var flags = grid.flags || [];
    g.fillStyle = colour;
    var line = Math.max(1, Math.round(k / 6));
    for (var i = 0; i < flags.length; i++) {
      if ((flags[i] & mask) === 0 || grid.probabilities[i] === null) continue;
      var x = (i % grid.columns) * k, y = Math.floor(i / grid.columns) * k;
      g.globalAlpha = 0.35;
      g.fillRect(x, y, k, k);
      g.globalAlpha = 1;
      for (var d = 0; d < k; d += Math.max(2, Math.round(k / 3))) { g.fillRect(x + d, y + d, line, line); }
      g.fillRect(x, y, k, line); g.fillRect(x, y + k - line, k, line);
      g.fillRect(x, y, line, k); g.fillRect(x + k - line, y, line, k);
    }
    return canvas.toDataURL('image/png');
  }

  function countFlags(grid, mask) {
    var n = 0, flags = grid.flags || [];
    for (var i = 0; i < flags.length; i++) { if ((flags[i] & mask) !== 0 && grid.probabilities[i] !== null) n++; }
    return n;
  }

  /** The tissue mask: the border of the tiles that were classified (tissue), against background. */
  function maskUrl(grid, k) {
    return borderUrl(grid, k, '#00a050', function (p) { return p !== null; });
  }

  /** Lines along the edges between cells whose probability passes {@code inside} and cells that do not. */
  function borderUrl(grid, k, colour, inside, values) {
    values = values || grid.probabilities;
    var canvas = document.createElement('canvas');
    canvas.width = grid.columns * k;
    canvas.height = grid.rows * k;
    var g = canvas.getContext('2d');
    var line = Math.max(1, Math.round(k / 4));
    g.fillStyle = colour;
    function positive(c, r) {
      if (c < 0 || r < 0 || c >= grid.columns || r >= grid.rows) return false;
      return inside(values[r * grid.columns + c]);
    }
    for (var r = 0; r < grid.rows; r++) {
      for (var c = 0; c < grid.columns; c++) {
        if (!positive(c, r)) continue;
        var x = c * k, y = r * k;
        if (!positive(c, r - 1)) g.fillRect(x, y, k, line);
        if (!positive(c, r + 1)) g.fillRect(x, y + k - line, k, line);
        if (!positive(c - 1, r)) g.fillRect(x, y, line, k);
        if (!positive(c + 1, r)) g.fillRect(x + k - line, y, line, k);
      }
    }
    return canvas.toDataURL('image/png');
  }

  /**
   * The viewer's own words in English; the view sends them in its user's language (options.texts, from the message
   * bundles), numbered placeholders as in the bundles: {0}, {1} ...
   */
  var ENGLISH = {
    outside: 'Outside the slide.',
    where: 'Tile column {0}, row {1} at x {2}, y {3} px ({4} px square)',
    position: ', {0} mm, {1} mm from the top left',
    background: '{0}: background, not classified.',
    probability: '{0}: probability {1}',
    smoothedAbove: '; smoothed with its neighbours {0} (at or above the tile threshold {1})',
    smoothedBelow: '; smoothed with its neighbours {0} (below the tile threshold {1})',
    outOfDomain: ' Outside the model\'s training domain: not in the slide score.',
    blurred: ' Slide QC: blurred.',
    penInk: ' Slide QC: pen ink.',
    exposure: ' Slide QC: too dark or washed out.',
    decimalSeparator: '.',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    home: 'Show the whole slide',
    fullPage: 'Toggle full page'
  };

  function text(options, name) {
    var texts = options.texts || {};
    return typeof texts[name] === 'string' ? texts[name] : ENGLISH[name];
  }

  function fill(template, values) {
    return template.replace(/\{(\d+)\}/g, function (all, i) { return values[+i] === undefined ? all : values[+i]; });
  }

  function decimal(options, value, digits) {
    return value.toFixed(digits).replace('.', text(options, 'decimalSeparator'));
  }

  function describe(options, imageX, imageY) {
    var grid = options.grid;
    if (imageX < 0 || imageY < 0 || imageX >= options.width || imageY >= options.height) {
      return {text: text(options, 'outside'), probability: null};
    }
    var column = Math.floor(imageX / grid.tileSide);
    var row = Math.floor(imageY / grid.tileSide);
    var p = grid.probabilities[row * grid.columns + column];
    var where = fill(text(options, 'where'), [column, row, column * grid.tileSide, row * grid.tileSide, grid.tileSide]);
    if (options.micronsPerPixel) {
      where += fill(text(options, 'position'), [
        decimal(options, column * grid.tileSide * options.micronsPerPixel / 1000, 3),
        decimal(options, row * grid.tileSide * options.micronsPerPixel / 1000, 3)]);
    }
    if (p === null || p === undefined) {
      return {text: fill(text(options, 'background'), [where]), probability: null};
    }
    var smoothed = grid.smoothed ? grid.smoothed[row * grid.columns + column] : null;
    var flags = grid.flags ? grid.flags[row * grid.columns + column] : 0;
    var flagText = '';
    if (flags & 1) flagText += text(options, 'outOfDomain');
    if (flags & 2) flagText += text(options, 'blurred');
    if (flags & 4) flagText += text(options, 'penInk');
    if (flags & 8) flagText += text(options, 'exposure');
    var neighbours = smoothed === null || smoothed === undefined ? ''
        : fill(text(options, smoothed >= options.threshold ? 'smoothedAbove' : 'smoothedBelow'),
            [decimal(options, smoothed, 4), decimal(options, options.threshold, 4)]);
    return {
      text: fill(text(options, 'probability'), [where, decimal(options, p, 4)]) + neighbours + '.' + flagText,
      probability: p, column: column, row: row, flags: flags
    };
  }

  /** OpenSeadragon's button tooltips (its strings are global to the page) in the user's language. */
  function translateButtons(options) {
    if (!OpenSeadragon.setString) return;
    OpenSeadragon.setString('Tooltips.ZoomIn', text(options, 'zoomIn'));
    OpenSeadragon.setString('Tooltips.ZoomOut', text(options, 'zoomOut'));
    OpenSeadragon.setString('Tooltips.Home', text(options, 'home'));
    OpenSeadragon.setString('Tooltips.FullPage', text(options, 'fullPage'));
  }

  function create(element, options) {
    var container = element.querySelector('.slide-viewer-canvas');
    var info = element.querySelector('.slide-viewer-info');
    translateButtons(options);
    var viewer = OpenSeadragon({
      element: container,
      prefixUrl: options.prefixUrl,
      tileSources: options.dziUrl,
      showNavigator: true,
      navigatorPosition: 'BOTTOM_RIGHT',
      maxZoomPixelRatio: 2,
      visibilityRatio: 0.5,
      crossOriginPolicy: false,
      gestureSettingsMouse: {clickToZoom: false, dblClickToZoom: true}
    });
    var state = {viewer: viewer, heatmap: null, outline: null, mask: null, opacity: options.opacity, visible: true,
      maskVisible: false, lastClick: null, tilesLoaded: 0, tilesFailed: 0, layers: {}, layerVisible: {ood: true, qc: true}};
    element.histoscopeViewer = state;
    viewer.addHandler('tile-loaded', function () { state.tilesLoaded++; });
    viewer.addHandler('tile-load-failed', function () { state.tilesFailed++; });
    viewer.addHandler('open', function () {
      if (!options.grid) return;
      var k = cellPixels(options.grid);
      var worldWidth = options.grid.columns * options.grid.tileSide / options.width;
      viewer.addSimpleImage({url: heatmapUrl(options.grid, k, options.palette), x: 0, y: 0, width: worldWidth,
        opacity: state.visible ? state.opacity : 0,
        success: function (e) { state.heatmap = e.item; element.setAttribute('data-heatmap-ready', 'true'); }});
      viewer.addSimpleImage({url: outlineUrl(options.grid, options.threshold, k), x: 0, y: 0, width: worldWidth,
        opacity: state.visible ? 1 : 0,
        success: function (e) { state.outline = e.item; }});
      viewer.addSimpleImage({url: maskUrl(options.grid, k), x: 0, y: 0, width: worldWidth,
        opacity: state.maskVisible ? 1 : 0,
        success: function (e) { state.mask = e.item; element.setAttribute('data-mask-ready', 'true'); }});
      element.setAttribute('data-ood-tiles', String(countFlags(options.grid, 1)));
      element.setAttribute('data-qc-tiles', String(countFlags(options.grid, 14)));
      viewer.addSimpleImage({url: flagsUrl(options.grid, k, options.outOfDomainColour || '#c000c0', 1), x: 0, y: 0, width: worldWidth,
        opacity: state.layerVisible.ood ? 1 : 0,
        success: function (e) { state.layers.ood = e.item; element.setAttribute('data-ood-layer-ready', 'true'); }});
      viewer.addSimpleImage({url: flagsUrl(options.grid, k, options.qcColour || '#606060', 14), x: 0, y: 0, width: worldWidth,
        opacity: state.layerVisible.qc ? 1 : 0,
        success: function (e) { state.layers.qc = e.item; element.setAttribute('data-qc-layer-ready', 'true'); }});
    });
    viewer.addHandler('canvas-click', function (event) {
      if (!event.quick || !options.grid) return;
      var slide = viewer.world.getItemAt(0);
      if (!slide) return;
      var point = slide.viewportToImageCoordinates(viewer.viewport.pointFromPixel(event.position));
      var result = describe(options, point.x, point.y);
      state.lastClick = result;
      info.textContent = result.text;
      info.setAttribute('data-probability', result.probability === null ? '' : String(result.probability));
    });
  }

  function apply(state) {
    if (state.heatmap) state.heatmap.setOpacity(state.visible ? state.opacity : 0);
    if (state.outline) state.outline.setOpacity(state.visible ? 1 : 0);
    if (state.mask) state.mask.setOpacity(state.maskVisible ? 1 : 0);
    Object.keys(state.layers).forEach(function (name) {
      state.layers[name].setOpacity(state.layerVisible[name] ? 1 : 0);
    });
  }

  /**
   * Pans and zooms to a region in full-resolution slide pixels with one region's margin around it (OpenSeadragon's
   * fitBounds on the region converted to viewport coordinates); remembers it for whoever checks what is shown.
   */
  function showRegion(element, x, y, width, height) {
    var state = element.histoscopeViewer;
    if (!state) return;
    var slide = state.viewer.world.getItemAt(0);
    if (!slide) return;
    var bounds = slide.imageToViewportRectangle(x - width, y - height, width * 3, height * 3);
    state.viewer.viewport.fitBounds(bounds, false);
    state.shownRegion = {x: x, y: y, width: width, height: height};
    element.setAttribute('data-shown-region', x + ',' + y + ',' + width + ',' + height);
  }

  window.histoscopeSlideViewer = {
    create: create,
    showRegion: showRegion,
    setOpacity: function (element, opacity) {
      var state = element.histoscopeViewer;
      if (!state) return;
      state.opacity = opacity;
      apply(state);
    },
    setVisible: function (element, visible) {
      var state = element.histoscopeViewer;
      if (!state) return;
      state.visible = visible;
      apply(state);
    },
    setMaskVisible: function (element, visible) {
      var state = element.histoscopeViewer;
      if (!state) return;
      state.maskVisible = visible;
      apply(state);
    },
    setLayerVisible: function (element, name, visible) {
      var state = element.histoscopeViewer;
      if (!state) return;
      state.layerVisible[name] = visible;
      apply(state);
    },
    colour: colour,
    describe: describe
  };
})();
