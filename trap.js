// mirrorscope's last line of defence: when the WebAssembly instance traps (out of memory,
// `unreachable`, a Rust panic's abort), nothing written in Rust can run any more, so this
// script, loaded before the app, shows what happened and offers to reload the session from
// its share link, which the app keeps current in <html data-share="#s=…&t=…">. A Rust panic
// shows its own panel first (src/ui/panic_panel.rs); the trap that follows it only adds the
// link to that panel. No inline script or handler: the page's Content-Security-Policy forbids
// them.
(function () {
  'use strict';

  var TEXT = {
    en: {
      title: 'The simulator stopped',
      body: 'The WebAssembly instance running the simulator failed and cannot go on. Your session can be reloaded from its share link, as it was at its last input.',
      link: 'Reload the session from its link',
      fresh: 'Start afresh',
      none: 'No session to restore yet: reloading starts afresh.',
    },
    zh: {
      title: '模拟器已停止',
      body: '运行模拟器的 WebAssembly 实例出错，无法继续。可以从分享链接重新载入会话，恢复到最后一次输入时的状态。',
      link: '从链接重新载入会话',
      fresh: '重新开始',
      none: '还没有可恢复的会话：重新载入将从头开始。',
    },
  };

  function text() {
    var lang = (document.documentElement.getAttribute('lang') || 'en').slice(0, 2);
    return TEXT[lang] || TEXT.en;
  }

  function isTrap(err) {
    if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) {
      return true;
    }
    var m = String((err && err.message) || err || '');
    return /unreachable|out of memory|memory access out of bounds|RuntimeError/i.test(m);
  }

  function shareUrl() {
    var hash = document.documentElement.getAttribute('data-share');
    if (!hash) {
      return null;
    }
    return location.href.split('#')[0] + hash;
  }

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    e.className = cls;
    if (content !== undefined) {
      e.textContent = content;
    }
    return e;
  }

  function button(label, onclick) {
    var b = el('button', 'panic-reload', label);
    b.type = 'button';
    b.addEventListener('click', onclick);
    return b;
  }

  // Navigating to the same URL with another hash does not reload: reload explicitly.
  function go(url) {
    if (url === location.href) {
      location.reload();
    } else {
      location.replace(url);
      location.reload();
    }
  }

  function actions(t) {
    var row = el('div', 'panic-actions');
    row.setAttribute('data-trap', '');
    // Through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
    row.style.display = 'flex';
    row.style.flexWrap = 'wrap';
    row.style.gap = '8px';
    var url = shareUrl();
    if (url) {
      var b = button(t.link, function () {
        go(url);
      });
      b.setAttribute('data-trap-link', url);
      row.appendChild(b);
    } else {
      row.appendChild(el('p', 'panic-body', t.none));
    }
    row.appendChild(
      button(t.fresh, function () {
        go(location.href.split('#')[0]);
      })
    );
    return row;
  }

  function show(err) {
    // boot.js runs nothing more of the app's (deferred callbacks) once this is set.
    window.mirrorscopeTrapped = true;
    var t = text();
    var existing = document.getElementById('panic-panel');
    if (existing) {
      // The Rust panic panel is up: give it the link, once, in place of its reload button.
      var panel = existing.querySelector('.panic-panel');
      if (panel && !panel.querySelector('[data-trap]')) {
        var old = panel.querySelector('.panic-reload');
        if (old) {
          old.remove();
        }
        panel.appendChild(actions(t));
      }
      return;
    }
    var backdrop = el('div', 'panic-backdrop');
    backdrop.id = 'panic-panel';
    var box = el('div', 'panic-panel');
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-labelledby', 'panic-title');
    var title = el('h2', 'panic-title', t.title);
    title.id = 'panic-title';
    box.appendChild(title);
    box.appendChild(el('p', 'panic-body', t.body));
    box.appendChild(el('pre', 'panic-message', String((err && err.stack) || err)));
    box.appendChild(actions(t));
    backdrop.appendChild(box);
    (document.body || document.documentElement).appendChild(backdrop);
    var first = box.querySelector('button');
    if (first) {
      first.focus();
    }
  }

  window.addEventListener('error', function (e) {
    var err = e.error || e.message;
    if (isTrap(err)) {
      show(err);
    }
  });
  window.addEventListener('unhandledrejection', function (e) {
    if (isTrap(e.reason)) {
      show(e.reason);
    }
  });
  // The Rust panel's own reload button, without an inline handler.
  document.addEventListener('click', function (e) {
    var b = e.target && e.target.closest && e.target.closest('.panic-reload');
    if (b && !b.closest('[data-trap]')) {
      location.reload();
    }
  });
})();
