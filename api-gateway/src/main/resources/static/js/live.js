// Live updates: one EventSource per browser, shared by every tab of the page.
//
// The tab that holds the Web Lock "captionflow-live" opens the stream and relays each event to
// the other tabs over a BroadcastChannel; when it closes, the next tab in the lock's queue takes
// over and resumes after the last event id any tab saw. Ten tabs therefore hold one connection,
// not ten (HTTP/1.1 allows six per host). Where Web Locks are missing (a page served over plain
// HTTP from another host is not a secure context), each tab holds its own stream.
//
// The stream reconnects with exponential backoff and jitter (1 s doubling to 30 s, back to 1 s
// once open), also after the server closed it cleanly, and resumes with the last event id. A
// `reset` event means the server no longer has everything since that id: refetch it all.

const NAME = 'captionflow-live';
const STREAM = '/api/events/video-stats';
const FIRST_DELAY = 1000;
const MAX_DELAY = 30000;

const eventListeners = new Set();
const statusListeners = new Set();
const channel = 'BroadcastChannel' in self ? new BroadcastChannel(NAME) : null;
let status = 'connecting';
let lastEventId = null;
let leading = false;

/** Calls listener({name, id, data}) for every event: `video-stats-updated` or `reset`. */
export function onEvent(listener) {
  eventListeners.add(listener);
  return () => eventListeners.delete(listener);
}

/** Calls listener(status) now and on every change: `connecting`, `live`, `reconnecting` or `offline`. */
export function onStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

function setStatus(next) {
  if (next === status) return;
  status = next;
  statusListeners.forEach(listener => listener(status));
}

function deliver(event) {
  if (event.id) lastEventId = event.id;
  eventListeners.forEach(listener => listener(event));
}

function announce(message) {
  if (channel) channel.postMessage(message);
}

if (channel) {
  channel.onmessage = ({ data }) => {
    if (data.kind === 'event') deliver(data.event);
    else if (data.kind === 'status') setStatus(data.status);
    else if (data.kind === 'hello' && leading) announce({ kind: 'status', status });
  };
}

function lead() {
  leading = true;
  let source = null;
  let attempt = 0;
  let timer = null;

  const publishStatus = next => { setStatus(next); announce({ kind: 'status', status: next }); };
  const relay = event => { deliver(event); announce({ kind: 'event', event }); };

  function connect() {
    timer = null;
    const url = lastEventId ? `${STREAM}?lastEventId=${encodeURIComponent(lastEventId)}` : STREAM;
    source = new EventSource(url);
    source.onopen = () => {
      attempt = 0;
      publishStatus('live');
      console.log('[SSE] Connected');
    };
    source.onerror = () => {
      // closed by the server, or failed: close it (so the browser does not retry on its own) and back off
      source.close();
      source = null;
      retry();
    };
    for (const name of ['video-stats-updated', 'reset']) {
      source.addEventListener(name, message => {
        relay({ name, id: message.lastEventId, data: JSON.parse(message.data) });
      });
    }
  }

  function retry() {
    if (timer) return;
    publishStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    const ceiling = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** attempt++);
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    timer = setTimeout(connect, delay);
  }

  addEventListener('online', () => {
    if (!source) {
      clearTimeout(timer);
      attempt = 0;
      connect();
    }
  });
  addEventListener('offline', () => publishStatus('offline'));
  connect();
}

if (navigator.locks && channel) {
  // held until this tab goes away; the promise never settles
  navigator.locks.request(NAME, () => new Promise(lead));
  announce({ kind: 'hello' });
} else {
  lead();
}
