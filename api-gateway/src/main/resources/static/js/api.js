// The gateway's API, as the pages use it.

/** Fetches JSON; a refusal throws an Error with the server's explanation. */
export async function json(url, options = {}) {
  const response = await fetch(url, options);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const detail = body && (body.detail || body.errors?.map(e => `${e.field}: ${e.message}`).join('; '));
    throw new Error(detail || `${response.status} ${response.statusText}`);
  }
  return body;
}

export const send = (method, url, body) => json(url, {
  method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

const statsCache = new Map();

/** A video's stats; unchanged stats cost a 304 (If-None-Match with the last entity tag). */
export async function videoStats(videoId) {
  const cached = statsCache.get(videoId);
  const headers = cached ? { 'If-None-Match': cached.etag } : {};
  const response = await fetch(`/api/videos/${encodeURIComponent(videoId)}/stats`, { headers, cache: 'no-store' });
  if (response.status === 304 && cached) return cached.stats;
  if (!response.ok) throw new Error(`stats of ${videoId}: ${response.status}`);
  const stats = await response.json();
  statsCache.set(videoId, { etag: response.headers.get('ETag'), stats });
  return stats;
}

export const esc = value => String(value ?? '').replace(/[&<>"']/g,
  c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/** Shows the live connection's state in an element. */
export function showConnection(element, status) {
  const labels = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };
  element.textContent = labels[status] ?? status;
  element.dataset.status = status;
}
