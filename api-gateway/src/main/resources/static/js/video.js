// The video.html page (kept out of the HTML: the Content-Security-Policy allows only scripts of this origin).
import { json, send, videoStats, esc, showConnection } from '/js/api.js';
import { onEvent, onStatus } from '/js/live.js';

const $ = id => document.getElementById(id);
const videoId = new URLSearchParams(location.search).get('id');
const base = `/api/videos/${encodeURIComponent(videoId)}`;
const player = $('player');
let video = null;
let captions = [];
let selected = null;
let frame = 0;
let filled = {};
// refetches of the caption list started, and answers to this page's own edits applied:
// a refetch that is late, or that may predate an edit, is not shown
let loads = 0;
let edits = 0;

// --- frames: frame i is shown from i/fps to (i+1)/fps; seek to its middle to land on it exactly
function showFrame(index, seek = true) {
  frame = Math.max(0, Math.min(video.frameCount - 1, index));
  $('frame').value = `frame ${frame} / ${video.frameCount - 1}`;
  $('goto').value = frame;
  if (seek) player.currentTime = (frame + 0.5) / video.fps;
}
const step = n => { player.pause(); showFrame(frame + n); };
const followPlayback = () => player.requestVideoFrameCallback((now, meta) => {
  showFrame(Math.round(meta.mediaTime * video.fps), false);
  if (!player.paused) followPlayback();
});
$('back10').onclick = () => step(-10);
$('back1').onclick = () => step(-1);
$('forward1').onclick = () => step(1);
$('forward10').onclick = () => step(10);
$('play').onclick = () => player.paused ? player.play() : player.pause();
$('goto').onchange = () => { player.pause(); showFrame(Number($('goto').value)); };
player.onplay = () => { $('play').textContent = '⏸'; $('play').ariaLabel = 'pause'; followPlayback(); };
player.onpause = () => { $('play').textContent = '▶'; $('play').ariaLabel = 'play'; showFrame(Math.floor(player.currentTime * video.fps)); };
addEventListener('keydown', event => {
  if (event.target.closest('input, textarea, select')) return;
  if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
    event.preventDefault();
    step((event.key === 'ArrowLeft' ? -1 : 1) * (event.shiftKey ? 10 : 1));
  } else if (event.key === ' ' && !event.target.closest('button')) {
    event.preventDefault();
    $('play').click();
  }
});

// --- captions
function badge(c) {
  return `<span class="badge ${esc(c.captionOcrStatus)}" data-ocr-status="${esc(c.captionOcrStatus)}">${esc(c.captionOcrStatus)}</span>`;
}
const needsCheck = c => c.captionOcrStatus === 'completed' && c.captionOcrConfidence < 80;

function cells(c) {
  return `<td>${c.id}</td><td>${c.startFrameIndex}–${c.endFrameIndex}</td>
    <td class="hide-narrow">${esc(c.extentsState)}</td>
    <td>${badge(c)}${needsCheck(c) ? ' <span class="check" title="low OCR confidence">check</span>' : ''}${
      c.captionOcrStatus === 'error' ? ` <span class="reason">${esc(c.captionOcrError)}</span>` : ''}</td>
    <td data-ocr-text>${esc(c.text ?? c.captionOcr)}</td>`;
}

// rows are kept per caption and rewritten only when they change, so an update arriving
// while the annotator tabs through the list or clicks a row keeps the focus and the click
const rendered = new WeakMap();
function renderList() {
  const body = $('captions');
  const rows = new Map([...body.children].map(tr => [tr.dataset.caption, tr]));
  captions.forEach((c, i) => {
    let tr = rows.get(String(c.id));
    rows.delete(String(c.id));
    if (!tr) {
      tr = document.createElement('tr');
      tr.id = `caption-${c.id}`;
      tr.dataset.caption = c.id;
      tr.tabIndex = 0;
    }
    const html = cells(c);
    if (rendered.get(tr) !== html) { tr.innerHTML = html; rendered.set(tr, html); }
    tr.setAttribute('aria-selected', c.id === selected);
    if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] ?? null);
  });
  rows.forEach(tr => tr.remove());
  renderEditor();
}

function renderEditor() {
  const c = captions.find(c => c.id === selected);
  $('editor').hidden = !c;
  if (!c) return;
  $('editor-title').textContent = `Caption ${c.id}`;
  // the form keeps what the annotator typed until the caption itself changes
  if (filled.id !== c.id || filled.revision !== c.revision) {
    $('start').value = c.startFrameIndex;
    $('end').value = c.endFrameIndex;
    // saving predicted extents confirms them, unless the annotator says otherwise
    $('state').value = c.extentsState === 'predicted' ? 'confirmed' : c.extentsState;
  }
  if (filled.id !== c.id || filled.text !== c.text) $('text').value = c.text ?? '';
  filled = { id: c.id, revision: c.revision, text: c.text };
  const status = $('ocr-status');
  status.className = `badge ${c.captionOcrStatus}`;
  status.dataset.ocrStatus = status.textContent = c.captionOcrStatus;
  $('ocr-confidence').textContent = c.captionOcrStatus === 'completed'
    ? `confidence ${Math.round(c.captionOcrConfidence)}${needsCheck(c) ? ' — check this' : ''}`
    : (c.captionOcrStatus === 'processing' && c.captionOcrProgress != null ? `${c.captionOcrProgress} %` : '');
  $('ocr-error').hidden = c.captionOcrStatus !== 'error';
  $('ocr-error').textContent = c.captionOcrError ?? '';
  $('ocr-text').textContent = c.captionOcr ?? '';
  const image = $('median');
  image.hidden = c.captionOcrStatus !== 'completed';
  if (!image.hidden) {
    const src = `${base}/captions/${c.id}/image?revision=${c.revision}`;
    if (image.getAttribute('src') !== src) image.src = src;
  }
  $('text-status').textContent = c.text == null ? '' : (c.textPending ? 'pending review' : 'confirmed');
}

function select(id) {
  selected = id;
  const c = captions.find(c => c.id === id);
  renderList();
  if (c) { player.pause(); showFrame(c.startFrameIndex); }
}
$('captions').addEventListener('click', event => {
  const tr = event.target.closest('tr[data-caption]');
  if (tr) select(Number(tr.dataset.caption));
});
$('captions').addEventListener('keydown', event => {
  const tr = event.target.closest('tr[data-caption]');
  if (tr && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); select(Number(tr.dataset.caption)); }
});

const message = (text, failure = false) => { $('message').textContent = text; $('message').classList.toggle('failure', failure); };
async function act(work, done) {
  try { await work(); message(done); } catch (e) { message(e.message, true); }
}
function replace(updated) {
  edits++;
  const i = captions.findIndex(c => c.id === updated.id);
  if (i >= 0) captions[i] = updated; else captions.push(updated);
  captions.sort((a, b) => a.startFrameIndex - b.startFrameIndex);
  renderList();
}

$('set-start').onclick = () => { $('start').value = frame; };
$('set-end').onclick = () => { $('end').value = frame; };
$('save').onclick = () => act(async () => {
  const result = await send('PUT', `${base}/captions/${selected}/extents`, {
    startFrameIndex: Number($('start').value), endFrameIndex: Number($('end').value), state: $('state').value });
  replace(result.caption);
  if (result.deleted?.length || result.modified?.length || result.created?.length) await loadCaptions();
}, 'Saved: queued for OCR');
$('delete').onclick = () => act(async () => {
  await json(`${base}/captions/${selected}`, { method: 'DELETE' });
  edits++;
  captions = captions.filter(c => c.id !== selected);
  selected = null;
  renderList();
}, 'Deleted');
$('use-ocr').onclick = () => { $('text').value = captions.find(c => c.id === selected)?.captionOcr ?? ''; $('text').focus(); };
$('confirm').onclick = () => act(async () => {
  replace(await send('PUT', `${base}/captions/${selected}/text`, { text: $('text').value, textStatus: 'confirmed' }));
}, 'Text confirmed');
$('new').onclick = () => act(async () => {
  const end = Math.min(video.frameCount - 1, frame + Math.round(video.fps));
  const result = await send('POST', `${base}/captions`, { startFrameIndex: frame, endFrameIndex: end, state: 'confirmed' });
  await loadCaptions();
  select(result.caption.id);
}, 'Created: queued for OCR');

// --- data, kept live
async function loadCaptions() {
  const load = ++loads;
  const edited = edits;
  // every page of the list, however long the video; a caption that moved between pages
  // while they were read is counted once, and the next event's refetch sets things right
  const all = new Map();
  for (let page = 0; ; page++) {
    const result = await json(`${base}/captions?size=1000&page=${page}`);
    result.content.forEach(c => all.set(c.id, c));
    if (result.content.length < result.size || (page + 1) * result.size >= result.totalElements) break;
  }
  if (load !== loads) return; // a later refetch is under way: its answer is newer
  if (edited !== edits) return refreshSoon(); // it may predate an edit's answer: fetch again
  captions = [...all.values()].sort((a, b) => a.startFrameIndex - b.startFrameIndex);
  if (!captions.some(c => c.id === selected)) selected = null;
  renderList();
}
async function loadStats() {
  const s = await videoStats(videoId);
  const ocr = Object.entries(s.ocr).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ');
  $('summary').textContent = `${s.totalAnnotations} captions · ${Math.round(s.progressPercent)} % reviewed · OCR: ${ocr || 'none'}`;
}
let pending = null;
function refreshSoon() {
  // a save can notify several captions at once: one refetch for the burst
  pending ??= setTimeout(() => { pending = null; loadCaptions(); loadStats(); }, 50);
}

onStatus(status => showConnection($('connection'), status));
onEvent(event => {
  if (event.name === 'reset') return refreshSoon();
  console.log('[SSE] Video stats updated', event.data);
  if (event.data.videoId !== videoId) return;
  console.log(`[useVideoStats] SSE update for ${videoId}`);
  refreshSoon();
});

video = await json(base);
document.title = `${video.title} · CaptionFlow`;
$('title').textContent = video.title;
player.src = `${base}/media`;
showFrame(0);
await Promise.all([loadCaptions(), loadStats()]);
