// The gateway's API, as the pages use it.

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** The CSRF token the gateway sets in a cookie when the pages sign in; sent back in a header. */
function csrfHeaders(method) {
  if (SAFE_METHODS.includes((method ?? 'GET').toUpperCase())) return {};
  const cookie = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
  return cookie ? { 'X-XSRF-TOKEN': decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) } : {};
}

/** A request of the page; a session that has ended reloads the page, which signs in again. */
async function call(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { ...(options.headers ?? {}), ...csrfHeaders(options.method) } });
  if (response.status === 401 && response.headers.get('X-CaptionFlow-Login')) {
    location.reload();
  }
  return response;
}

/** Fetches JSON; a refusal throws an Error with the server's explanation. */
export async function json(url, options = {}) {
  const response = await call(url, options);
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
  const response = await call(`/api/videos/${encodeURIComponent(videoId)}/stats`, { headers, cache: 'no-store' });
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
