// pushsync console: the job page's progress bar follows the job (polls its pace every second while it runs).
(function () {
  'use strict';
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }
  function duration(s) {
    if (s === null || s === undefined) { return '—'; }
    if (s < 60) { return s + 's'; }
    var m = Math.floor(s / 60), h = Math.floor(m / 60);
    return h > 0 ? h + 'h ' + (m % 60) + 'm' : m + 'm ' + (s % 60) + 's';
  }
  function start() {
    var section = document.getElementById('progress');
    if (!section || section.getAttribute('data-final') === 'true') { return; }
    var url = section.getAttribute('data-pace-url');
    var timer = null;
    function poll() {
      fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
        .then(function (view) {
          var s = view.status;
          var bar = document.getElementById('bar');
          bar.max = s.progress.total;
          bar.value = s.progress.done;
          text('done', s.progress.done);
          text('total', s.progress.total);
          text('percent', view.percent);
          text('rate', view.rowsPerSecond === undefined || view.rowsPerSecond === null ? '—' : view.rowsPerSecond);
          text('left', duration(view.secondsLeft));
          text('succeeded', s.summary.succeeded);
          text('accepted', s.summary.accepted);
          text('failed', s.summary.failed);
          text('skipped', s.summary.skipped);
          var state = document.getElementById('state');
          state.textContent = s.state;
          state.className = 'badge ' + s.state;
          text('cancel-requested', s.cancelRequested && (s.state === 'queued' || s.state === 'running')
            ? 'cancel requested' : '');
          text('message', s.message || '');
          if (s.state !== 'queued' && s.state !== 'running') {
            clearInterval(timer);
            var form = document.getElementById('cancel-form');
            if (form) { form.hidden = true; }
            // the finished job's failures and CSV link come with the page
            setTimeout(function () { window.location.reload(); }, 500);
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }
    timer = setInterval(poll, 1000);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
