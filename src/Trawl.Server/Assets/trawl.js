// Light YouTube embeds: a cell shows the thumbnail; only a click loads the (privacy-enhanced) player,
// starting and ending at the clip the row describes.
(function () {
  'use strict';
  var ID = /^[A-Za-z0-9_-]{11}$/;
  var SECONDS = /^[0-9]{1,9}$/;
  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('button.yt-play') : null;
    if (!button) return;
    var box = button.closest('.yt');
    var id = box ? box.getAttribute('data-yt') : null;
    if (!id || !ID.test(id)) return;
    var query = [];
    var start = box.getAttribute('data-start');
    var end = box.getAttribute('data-end');
    if (start && SECONDS.test(start)) query.push('start=' + start);
    if (end && SECONDS.test(end)) query.push('end=' + end);
    query.push('autoplay=1');
    var frame = document.createElement('iframe');
    frame.src = 'https://www.youtube-nocookie.com/embed/' + id + '?' + query.join('&');
    frame.title = 'YouTube video ' + id;
    frame.width = '320';
    frame.height = '180';
    frame.allow = 'autoplay; encrypted-media; picture-in-picture';
    frame.allowFullscreen = true;
    frame.referrerPolicy = 'strict-origin-when-cross-origin';
    button.replaceWith(frame);
  });
})();
