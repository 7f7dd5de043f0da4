// mirrorscope's embed loader (docs/embedding.md). One <script src=".../mirrorscope-embed.js"
// defer> per page turns every <div data-mirrorscope="v=1&z=…"> (and every <mirror-scope
// src="…">) into an iframe of this build's index.html?embed…#…, found next to this script, so
// the playground works under any sub-path. The frames load the same wasm file, which the
// browser downloads once and serves to the others from its cache. No inline script, no eval, no
// style element: it runs under a strict Content-Security-Policy.
(function () {
  'use strict';

  var here = document.currentScript && document.currentScript.src;
  var page = new URL('index.html', here || document.baseURI);

  // Reads an option from the element: `data-NAME` on a div, `NAME` on <mirror-scope>.
  function option(el, name) {
    var v = el.getAttribute('data-' + name);
    return v === null ? el.getAttribute(name) : v;
  }

  function frameFor(el, scenario) {
    var query = ['embed'];
    var autoplay = option(el, 'autoplay');
    if (autoplay !== null && autoplay !== 'false') {
      query.push('autoplay');
    }
    ['theme', 'lang', 'start', 'end'].forEach(function (name) {
      var v = option(el, name);
      if (v) {
        query.push(name + '=' + encodeURIComponent(v));
      }
    });
    var frame = document.createElement('iframe');
    frame.src = page.href.split(/[?#]/)[0] + '?' + query.join('&') + '#' + scenario.replace(/^#/, '');
    frame.title = option(el, 'title') || 'mirrorscope player';
    frame.loading = 'lazy';
    frame.className = 'mirrorscope-frame';
    frame.setAttribute('width', '100%');
    frame.setAttribute('height', String(parseInt(option(el, 'height'), 10) || 380));
    // Through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
    frame.style.border = '0';
    frame.style.display = 'block';
    return frame;
  }

  function mount(el, scenario) {
    if (el.hasAttribute('data-mirrorscope-mounted') || !scenario) {
      return;
    }
    el.setAttribute('data-mirrorscope-mounted', '');
    el.replaceChildren(frameFor(el, scenario));
  }

  function mountAll() {
    var divs = document.querySelectorAll('[data-mirrorscope]');
    for (var i = 0; i < divs.length; i++) {
      mount(divs[i], divs[i].getAttribute('data-mirrorscope'));
    }
  }

  if (window.customElements && !customElements.get('mirror-scope')) {
    customElements.define(
      'mirror-scope',
      class extends HTMLElement {
        connectedCallback() {
          mount(this, this.getAttribute('src'));
        }
      }
    );
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
})();
