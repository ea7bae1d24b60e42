// The index.html page (kept out of the HTML: the Content-Security-Policy allows only scripts of this origin).
import { json, videoStats, esc, showConnection } from '/js/api.js';
import { onEvent, onStatus } from '/js/live.js';

const body = document.querySelector('#videos tbody');
const statuses = ['queued', 'processing', 'completed', 'error'];
let videos = new Map();

// a row's link is written once and its figures only when they change, so an update arriving
// while someone tabs through the list keeps the focus where it was
function row(video) {
  let tr = document.getElementById(`video-${video.id}`);
  if (!tr) {
    tr = document.createElement('tr');
    tr.id = `video-${video.id}`;
    tr.dataset.video = video.id;
    tr.innerHTML = `
      <td><a href="/video.html?id=${encodeURIComponent(video.id)}">${esc(video.title)}</a></td>
      <td class="hide-narrow">${video.frameCount} at ${video.fps} fps</td>
      <td data-progress></td><td data-annotations></td><td data-stats></td>`;
    body.append(tr);
  }
  return tr;
}

const written = new WeakMap();
function set(cell, html) {
  if (written.get(cell) !== html) { cell.innerHTML = html; written.set(cell, html); }
}

function render(video, stats) {
  const tr = row(video);
  const ocr = statuses.filter(s => stats.ocr[s]).map(s => `<span class="badge ${s}" data-ocr="${s}">${s} ${stats.ocr[s]}</span>`);
  set(tr.querySelector('[data-progress]'),
    `<progress class="progress" max="100" value="${stats.progressPercent}" aria-label="reviewed"></progress> ${Math.round(stats.progressPercent)} %`);
  set(tr.querySelector('[data-annotations]'), String(stats.totalAnnotations));
  set(tr.querySelector('[data-stats]'), ocr.join(' ') || '<span class="badge">idle</span>');
}

async function refresh(videoId) {
  const video = videos.get(videoId);
  if (!video) return loadAll();
  render(video, await videoStats(videoId));
}

async function loadAll() {
  const list = await json('/api/videos');
  videos = new Map(list.map(v => [v.id, v]));
  body.querySelectorAll('tr').forEach(tr => videos.has(tr.dataset.video) || tr.remove());
  document.getElementById('empty').hidden = list.length > 0;
  await Promise.all(list.map(async v => render(v, await videoStats(v.id))));
}

onStatus(status => showConnection(document.getElementById('connection'), status));
onEvent(event => {
  if (event.name === 'reset') return loadAll();
  console.log('[SSE] Video stats updated', event.data);
  console.log(`[useVideoStats] SSE update for ${event.data.videoId}`);
  refresh(event.data.videoId);
});
await loadAll();
